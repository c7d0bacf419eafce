"""Consent: a row is sent only when its consent cell says yes (docs/spec.md section 7).

CRMs and hand-kept sheets write "yes" in many ways: `Sí`, `si`, `X`, `✓`, `TRUE`, `1`,
`Acepta`, `opt-in`... Anything else, an empty cell included, means no: a business number
that messages people who never agreed collects blocks and reports.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..contacts.phones import simplify
from ..errors import InputError
from ..language import _
from ..lifecycle import Move, first
from ..records import Outcome

# Compared after `simplify` (no case, accents or punctuation): "Sí" is "si", "Opt-In" "opt_in".
YES_WORDS = frozenset((
    "si", "s", "yes", "y", "x", "true", "verdadero", "v", "1", "ok", "acepta", "acepto",
    "aceptado", "aceptada", "opt_in", "optin", "sim", "aceita", "aceito", "autoriza",
    "autorizo", "autorizado", "consiente", "consent", "consented", "granted", "subscribed",
    "suscrito",
))  # fmt: skip
YES_MARKS = frozenset("✓✔☑✅")
# Header words of a column that records consent ("Acepta WhatsApp", "Accepts SMS Marketing").
CONSENT_WORDS = frozenset((
    "acepta", "accepts", "accept", "consent", "consentimiento", "consentimento", "optin",
    "autoriza", "autorizacion", "autorizacao", "permiso", "permission",
))  # fmt: skip


def says_yes(cell: Any) -> bool:
    """Whether a consent cell says yes: `Sí`, `X`, `✓`, TRUE, 1, `opt-in`..."""
    if isinstance(cell, bool):
        return cell
    if isinstance(cell, int | float):
        return cell == 1
    text = str(cell or "").strip()
    if text in YES_MARKS:
        return True
    return simplify(text) in YES_WORDS


def looks_like_consent(column: str) -> bool:
    """A header that names a consent column: `Acepta WhatsApp`, `opt_in`, `Consentimiento`."""
    plain = simplify(column)
    return any(word in CONSENT_WORDS for word in plain.split("_")) or "opt_in" in plain


class ConsentColumn:
    """`--consent-column COLUMN`: rows whose cell does not say yes are `excluded`."""

    def __init__(self, columns: Sequence[str], column: str) -> None:
        if column not in columns:
            raise InputError(
                _("--consent-column {column}: no such column; columns: {columns}").format(
                    column=column, columns=", ".join(columns)
                )
            )
        self.name = column
        self.index = list(columns).index(column)

    def check(self, values: Sequence[Any]) -> Outcome | None:
        """None when the row consents, else its `excluded` outcome."""
        cell = values[self.index] if self.index < len(values) else ""
        if says_yes(cell):
            return None
        text = str(cell if cell is not None else "").strip()
        said = (
            _("{column} says {value}, not a yes (--consent-column)").format(
                column=self.name, value=repr(text)
            )
            if text
            else _("{column} is empty, not a yes (--consent-column)").format(column=self.name)
        )
        return Outcome(first(Move.EXCLUDED), "no_consent", said)


def consent_hint(columns: Sequence[str]) -> str | None:
    """One line for a file with a consent-like column when `--consent-column` is absent."""
    found = next((c for c in columns if looks_like_consent(c)), None)
    if found is None:
        return None
    return _(
        "Column {column} looks like consent: add --consent-column {flag} to send only to the "
        "customers who said yes"
    ).format(column=repr(found), flag=_quoted(found))


def _quoted(name: str) -> str:
    return f'"{name}"' if any(ch.isspace() for ch in name) else name
