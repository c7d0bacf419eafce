"""Render: turn one template and one contact row into the message that customer reads.

Templates are Jinja2 in its sandbox (plain text, no HTML escaping), with StrictUndefined so
a missing value is an error on that row, never a blank in a customer's message.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import jinja2
from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal
from jinja2 import meta
from jinja2.sandbox import SandboxedEnvironment

from .errors import TemplateError
from .phones import simplify

MAX_LENGTH = 4096  # WhatsApp's limit for a text body
TEMPLATES_DIR = Path("templates")
_LOCALE_FOR_COUNTRY = {"BR": "pt_BR", "PT": "pt_PT", "US": "en_US"}


@dataclass(frozen=True, slots=True)
class Rendered:
    """A rendered message, or why this row has none (`code`, `detail`)."""

    text: str = ""
    code: str = ""
    detail: str = ""


def default_locale(country: str | None) -> str:
    """`es_PE` for PE, `pt_BR` for BR; `es` when no country is known."""
    if not country:
        return "es"
    country = country.upper()
    return _LOCALE_FOR_COUNTRY.get(country, f"es_{country}")


def load_template_source(name_or_path: str, templates_dir: Path = TEMPLATES_DIR) -> tuple[str, str]:
    """The template's text and its stem, from a path or a name under `templates/`."""
    candidates = [Path(name_or_path)]
    if not Path(name_or_path).suffix:
        candidates.append(templates_dir / f"{name_or_path}.txt")
    candidates.append(templates_dir / name_or_path)
    for path in candidates:
        if path.is_file():
            try:
                return path.read_text(encoding="utf-8-sig"), path.stem
            except (OSError, UnicodeDecodeError) as exc:
                raise TemplateError(f"{path}: cannot read the template ({exc})") from exc
    raise TemplateError(f"{name_or_path}: no such template file, nor {candidates[1]}")


def identifier(header: str) -> str:
    """The template variable for a column: `Nombre Cliente` -> `nombre_cliente`."""
    name = simplify(header) or "column"
    return f"c_{name}" if name[0].isdigit() else name


class MessageTemplate:
    """One compiled template, checked against the columns it will be filled from."""

    def __init__(
        self, source: str, columns: Sequence[str], *, name: str = "-m", locale: str = "es"
    ) -> None:
        self.name = name
        self.source = source
        self.columns = tuple(columns)
        self.variables = tuple(identifier(c) for c in self.columns)
        self.locale = _parse_locale(locale)
        self._env = _environment(self.locale)
        try:
            ast = self._env.parse(source)
            self._template = self._env.from_string(ast)
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(f"{name}: line {exc.lineno}: {exc.message}") from exc
        self._check_variables(meta.find_undeclared_variables(ast))

    def _check_variables(self, used: set[str]) -> None:
        known = {*self.variables, "row"}
        for variable in sorted(used - known):
            close = difflib.get_close_matches(variable, self.variables, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise TemplateError(
                f"{self.name}: the template uses {{{{ {variable} }}}} but the file has no such "
                f"column; {hint}variables: {', '.join(self.variables)}"
            )

    def render(self, values: Sequence[Any]) -> Rendered:
        """The message for one row, or why there is none."""
        context: dict[str, Any] = {}
        row: dict[str, Any] = {}
        for column, variable, value in zip(self.columns, self.variables, values, strict=True):
            if value is None or (isinstance(value, str) and not value.strip()):
                continue  # an empty cell is missing, so StrictUndefined reports it
            context.setdefault(variable, value)
            row[column] = value
        try:
            text = self._template.render(context, row=row)
        except jinja2.UndefinedError as exc:
            return Rendered(code="missing_value", detail=_missing_detail(exc))
        except jinja2.exceptions.SecurityError as exc:
            raise TemplateError(f"{self.name}: refused by the sandbox: {exc}") from exc
        except (TypeError, ValueError, ArithmeticError, jinja2.TemplateError) as exc:
            return Rendered(code="template_error", detail=str(exc))
        text = "\n".join(line.rstrip() for line in text.strip().splitlines())
        if not text:
            return Rendered(code="empty_message", detail="the template rendered nothing")
        if len(text) > MAX_LENGTH:
            return Rendered(
                code="too_long", detail=f"{len(text)} characters, WhatsApp allows {MAX_LENGTH}"
            )
        return Rendered(text=text)


def variable_template(
    expression: str, columns: Sequence[str], *, name: str, locale: str = "es"
) -> MessageTemplate:
    """A `--var` value compiled once: a column name, or a template expression."""
    if expression in columns:
        expression = f"{{{{ row[{expression!r}] }}}}"
    return MessageTemplate(expression, columns, name=name, locale=locale)


def _missing_detail(exc: jinja2.UndefinedError) -> str:
    match = re.search(r"'([^']+)' is undefined", str(exc))
    if match:
        return f"no value for {{{{ {match.group(1)} }}}} in this row"
    return str(exc)


def _parse_locale(name: str) -> Locale:
    try:
        return Locale.parse(name.replace("-", "_"))
    except (UnknownLocaleError, ValueError) as exc:
        raise TemplateError(f"--locale {name}: unknown locale") from exc


def _environment(locale: Locale) -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=False,
    )
    filters: dict[str, Callable[..., Any]] = {
        "first_name": first_name,
        "title": title_case,
        "money": lambda value, currency: money(value, currency, locale),
        "number": lambda value, pattern=None: format_decimal(
            to_decimal(value), pattern, locale=locale
        ),
        "date": lambda value, pattern="d 'de' MMMM 'de' y": format_when(value, pattern, locale),
    }
    env.filters.update(filters)
    return env


def first_name(value: Any) -> str:
    """`ANA MARÍA pérez` -> `Ana`."""
    words = str(value).split()
    return title_case(words[0]) if words else ""


def title_case(value: Any) -> str:
    """Names typed in capitals, made readable: `JOSÉ DE LA CRUZ` -> `José de la Cruz`."""
    small = {"de", "del", "la", "las", "los", "y", "da", "do", "dos", "das", "e"}
    words = str(value).lower().split()
    return " ".join(w if i and w in small else w[:1].upper() + w[1:] for i, w in enumerate(words))


def to_decimal(value: Any) -> Decimal:
    """A number from a cell: numbers as they are, text like `1.234,50` or `1,234.50` parsed."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number")
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    text = re.sub(r"[^\d,.\-]", "", str(value))
    if "," in text and "." in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
    else:
        decimal_mark = "," if re.search(r",\d{1,2}$", text) else "."
    thousands = "." if decimal_mark == "," else ","
    text = text.replace(thousands, "").replace(decimal_mark, ".")
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(f"{value!r} is not a number") from exc


def money(value: Any, currency: str, locale: Locale) -> str:
    """`1234.5|money("PEN")` -> `S/ 1,234.50` in es_PE."""
    return str(format_currency(to_decimal(value), currency.upper(), locale=locale))


def to_date(value: Any) -> date | datetime:
    """A date from a cell: dates as they are; ISO or day-first text parsed."""
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for pattern in ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y", "%d-%m-%Y", "%d/%m/%y"):
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    raise ValueError(f"{value!r} is not a date")


def format_when(value: Any, pattern: str, locale: Locale) -> str:
    """A date in the locale's words: `d 'de' MMMM` -> `25 de noviembre`."""
    when = to_date(value)
    if isinstance(when, datetime):
        return str(format_datetime(when, pattern, locale=locale))
    return str(format_date(when, pattern, locale=locale))
