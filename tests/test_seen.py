"""Seen: the compact table of keys a run has seen, against a plain dict doing the same."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bulk_sender.seen import Seen

KEYS = st.integers(min_value=1, max_value=2**64 - 1)


@given(st.lists(st.tuples(st.one_of(KEYS, st.integers(1, 3000)), st.integers(0, 2**32 - 1))))
def test_it_answers_as_a_dict_s_setdefault_would(calls):
    seen, model = Seen(bits=3), dict[int, int]()  # a small table: it grows many times
    for key, row in calls:
        assert seen.setdefault(key, row) == model.setdefault(key, row)
    assert len(seen) == len(model)
    for key, row in model.items():
        assert seen.get(key) == row
    assert all(seen.get(key) is None for key in (2**64 - 1, 10**7) if key not in model)


def test_phones_in_a_row_and_their_count():
    seen = Seen()
    for phone in range(51_912_000_000, 51_912_100_000):
        seen.add(phone)
    seen.add(51_912_000_000)
    assert len(seen) == 100_000
    assert seen.get(51_912_099_999) == 0 and seen.get(51_912_100_000) is None


@pytest.mark.parametrize("key", [0, 2**64])
def test_a_key_out_of_range_is_refused(key):
    with pytest.raises(ValueError, match=r"from 1 to 2\*\*64 - 1"):
        Seen().add(key)
