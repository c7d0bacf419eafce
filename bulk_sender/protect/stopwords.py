"""Stop words: whether a customer's reply asks the business to stop messaging them.

As docs/spec.md section 9 has it: a word list per language, in a file the user can edit; case
and accents ignored. The list bundled with the package (`stop_words.txt`) is used unless the
working folder holds a `stop-words.txt` (or `--stop-words PATH` names one). A phrase of
several words matches anywhere in the reply, as whole words; a single word only in a short
reply (`SHORT_REPLY` words at most), where it is the message rather than part of a sentence.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ..errors import ConfigError, system_problem
from ..language import _

USER_FILE = Path("stop-words.txt")
SHORT_REPLY = 4
"""A reply of at most this many words may be a one-word request to stop ("BAJA", "Stop please")."""
_WORD = re.compile(r"[a-z0-9']+")


def words_of(text: str) -> tuple[str, ...]:
    """Lower case, accents off, punctuation off: "¡NO me escriban más!" -> no me escriban mas."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return tuple(_WORD.findall(plain.replace("\u2019", "'")))  # a phone's curly apostrophe


@dataclass(frozen=True, slots=True)
class StopWords:
    """The phrases that ask to stop, each as its words."""

    phrases: tuple[tuple[str, ...], ...]
    source: str
    """Where the list came from, for messages: a path, or "the bundled list"."""

    def asks_to_stop(self, reply: str) -> str | None:
        """The phrase of the list the reply matches, or None."""
        words = words_of(reply)
        for phrase in self.phrases:
            if len(phrase) == 1 and len(words) > SHORT_REPLY:
                continue
            if _contains(words, phrase):
                return " ".join(phrase)
        return None


def _contains(words: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    size = len(phrase)
    return any(words[i : i + size] == phrase for i in range(len(words) - size + 1))


def parse_stop_words(lines: Iterable[str], source: str) -> StopWords:
    """The list from its lines: one phrase a line, `#` comments, blank lines skipped."""
    phrases = []
    for line in lines:
        words = words_of(line.split("#", 1)[0])
        if words and words not in phrases:
            phrases.append(words)
    return StopWords(tuple(phrases), source)


def load_stop_words(path: Path | None = None) -> StopWords:
    """`path`, else `stop-words.txt` in the working folder, else the bundled list."""
    if path is None and USER_FILE.is_file():
        path = USER_FILE
    if path is None:
        text = resources.files(__package__).joinpath("stop_words.txt").read_text("utf-8")
        return parse_stop_words(text.splitlines(), _("the bundled list"))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        text = path.read_text(encoding="latin-1")
    except OSError as exc:
        raise ConfigError(
            _("{file}: cannot read the stop words ({problem})").format(
                file=path, problem=system_problem(exc)
            )
        ) from exc
    found = parse_stop_words(text.splitlines(), str(path))
    if not found.phrases:
        raise ConfigError(
            _("{file}: no stop words in it").format(file=path), hint=_("one word or phrase a line")
        )
    return found
