"""Seen: the keys a long list has shown so far, each with the first row it came in, compactly.

A run finds repeated messages and counts distinct phones and texts. Held in a dict or a set,
a million keys cost some 100 to 150 MB of Python objects (each key an object of its own,
each row number another); here they sit in two flat arrays, at most 24 bytes a key. Open
addressing with linear probing, the table kept at most half full; a slot whose key is 0 is
empty.

A key is an int from 1 to 2**64 - 1: the digits of a phone, or 64 bits of an identity
(`identity_key`) or of a text (`text_key`). Two different identities share their first 64
bits with a chance of about one in 37 million for a list of a million rows; a preview would
then show one row as a repeat. The journal, which decides what a live run sends, keeps the
whole identity.
"""

from __future__ import annotations

from array import array

_BITS = 64
_GOLDEN = 0x9E3779B97F4A7C15
"""Fibonacci hashing: spreads keys that differ in a few bits (phone numbers in a row)."""
_MASK64 = (1 << _BITS) - 1


def identity_key(identity: str) -> int:
    """A message's identity (32 hex digits of a hash) as a key: its first 64 bits."""
    return int(identity[:16], 16) or 1


def text_key(text: str) -> int:
    """A text as a key: its hash (this process's: keys are never kept or sent elsewhere)."""
    return (hash(text) & _MASK64) or 1


class Seen:
    """Keys and the first row each was seen in: `setdefault`, `get`, `add`, `len`."""

    def __init__(self, bits: int = 10) -> None:
        self._size = 0
        self._allocate(bits)

    def _allocate(self, bits: int) -> None:
        self._bits = bits
        self._mask = (1 << bits) - 1
        self._keys = array("Q", bytes(8 << bits))
        self._rows = array("I", bytes(4 << bits))  # row numbers: 4 bytes each

    def __len__(self) -> int:
        return self._size

    def get(self, key: int) -> int | None:
        """The first row `key` was seen in, or None."""
        slot = self._find(key)
        return self._rows[slot] if self._keys[slot] else None

    def setdefault(self, key: int, row: int = 0) -> int:
        """The first row `key` was seen in, now `row` if it is new."""
        slot = self._find(key)
        if self._keys[slot]:
            return self._rows[slot]
        self._keys[slot], self._rows[slot] = key, row
        self._size += 1
        if 2 * self._size > self._mask:
            self._grow()
        return row

    def add(self, key: int) -> None:
        """Count `key` once, whatever row it came in."""
        self.setdefault(key)

    def _find(self, key: int) -> int:
        """The slot holding `key`, or the empty one where it would go."""
        if not 0 < key <= _MASK64:
            raise ValueError(f"a key is from 1 to 2**64 - 1, not {key}")
        slot = ((key * _GOLDEN) & _MASK64) >> (_BITS - self._bits)
        keys = self._keys
        while keys[slot] and keys[slot] != key:
            slot = (slot + 1) & self._mask
        return slot

    def _grow(self) -> None:
        """Twice the slots; the old arrays are read in place, with no copy of their keys."""
        keys, rows = self._keys, self._rows
        self._allocate(self._bits + 1)
        for key, row in zip(keys, rows, strict=True):
            if key:
                slot = self._find(key)
                self._keys[slot], self._rows[slot] = key, row
