"""Render: turn one template and one contact row into the message that customer reads.

Templates are Jinja2 in its sandbox (plain text, no HTML escaping), with StrictUndefined so
a missing value is an error on that row, never a blank in a customer's message. Everything
that would fail on every row (a typo in a variable, a bad pattern, Python internals) fails
when the template is compiled, before any row is rendered.
"""

from __future__ import annotations

import ast
import difflib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from babel import Locale, UnknownLocaleError
from babel.lists import format_list
from babel.numbers import is_currency
from jinja2 import meta, nodes
from jinja2.defaults import DEFAULT_NAMESPACE
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ..contacts.phones import simplify
from ..errors import TemplateError
from ..language import _, active, ngettext
from .filters import ValueNotUnderstood, check_pattern, filters_for, local_currency, plain

MAX_LENGTH = 4096  # WhatsApp's limit for a text body
TEMPLATES_DIR = Path("templates")
_PORTUGUESE = {"BR": "pt_BR", "PT": "pt_PT"}
# Names a column cannot take as they are: Jinja's own, its globals, and `row`. Such a column
# gets a `_` after its name (`Row` -> `row_`).
_RESERVED = frozenset(
    {"row", "true", "false", "none", "not", "and", "or", "in", "is", "if", "else", "loop",
     "self", "caller", "varargs", "kwargs", "super", *DEFAULT_NAMESPACE}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Rendered:
    """A rendered message, or why this row has none (`code`, `detail`)."""

    text: str = ""
    code: str = ""
    detail: str = ""


def default_locale(country: str | None) -> str:
    """`es_PE` for PE, `es_MX` for MX, `pt_BR` for BR; `es` when no Spanish locale fits."""
    code = (country or "").strip().upper()
    if code in _PORTUGUESE:
        return _PORTUGUESE[code]
    try:
        return str(Locale.parse(f"es_{code}")) if code else "es"
    except (UnknownLocaleError, ValueError):
        return "es"


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
            except UnicodeDecodeError as exc:
                raise TemplateError(
                    _("{file}: cannot read the template: it is not UTF-8 text").format(file=path),
                    hint=_("save it again as UTF-8 text"),
                ) from exc
            except OSError as exc:
                raise TemplateError(
                    _('{file}: cannot read the template ("{reason}")').format(
                        file=path, reason=exc.strerror or exc
                    )
                ) from exc
    raise TemplateError(
        _("{name}: no such template file, nor {path}").format(name=name_or_path, path=candidates[1])
    )


def identifier(header: str) -> str:
    """The template variable for a column: `Nombre Cliente` -> `nombre_cliente`."""
    name = simplify(header) or "column"
    if name[0].isdigit():
        return f"c_{name}"
    return f"{name}_" if name in _RESERVED else name


class _Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's sandbox, also refusing `'x' * 10**9` and `9**9**9`, which would eat the memory."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int) and abs(right) > 100:
            raise SecurityError(_("the power {power} is too large").format(power=right))
        if operator == "*":
            for text, times in ((left, right), (right, left)):
                sized = isinstance(text, str | list | tuple) and isinstance(times, int)
                if sized and len(text) * times > MAX_LENGTH:
                    raise SecurityError(_("that repetition is too long"))
        return super().call_binop(context, operator, left, right)


class MessageTemplate:
    """One compiled template, checked against the columns it will be filled from."""

    def __init__(
        self, source: str, columns: Sequence[str], *, name: str = "-m", locale: str = "es"
    ) -> None:
        self.name = name
        self.source = source
        self.columns = tuple(columns)
        self.locale = _parse_locale(locale)
        names = [identifier(c) for c in self.columns]
        # A name two columns give (`Teléfono` and `Telefono`) belongs to neither: using it is
        # an error that points to row["..."], rather than one column silently hiding the other.
        self.ambiguous = {n for n in names if names.count(n) > 1}
        self._bound = [n if n not in self.ambiguous else "" for n in names]
        self.variables = tuple(n for n in dict.fromkeys(names) if n not in self.ambiguous)
        self._env = _Sandbox(
            undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=False,
            trim_blocks=True, lstrip_blocks=True, finalize=lambda v: plain(v, self.locale),
        )  # fmt: skip
        self._env.filters.update(filters_for(self.locale))
        try:
            tree = self._env.parse(source)
            self._template = self._env.from_string(tree)
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(f"{name}: {syntax_problem(exc)}") from exc
        self._check(tree)

    def render(self, values: Sequence[Any]) -> Rendered:
        """The message for one row, or why there is none."""
        context: dict[str, Any] = {}
        row: dict[str, Any] = {}
        for column, variable, value in zip(self.columns, self._bound, values, strict=True):
            if value is None or (isinstance(value, str) and not value.strip()):
                continue  # an empty cell is missing, so StrictUndefined reports it
            if variable:
                context[variable] = value
            row[column] = value
        try:
            text = self._template.render(context, row=row)
        except jinja2.UndefinedError as exc:
            return self._missing(exc)
        except SecurityError as exc:
            raise TemplateError(
                _("{template}: refused by the sandbox: {reason}").format(
                    template=self.name, reason=_refusal(exc)
                )
            ) from exc
        except ValueNotUnderstood as exc:
            return Rendered(code="bad_value", detail=str(exc))
        except (TypeError, ValueError, ArithmeticError, LookupError, jinja2.TemplateError) as exc:
            return Rendered(code="template_error", detail=_render_problem(exc))
        return finish(text)

    def _missing(self, exc: jinja2.UndefinedError) -> Rendered:
        """`missing_value` naming the empty column, or a template error if it is not one."""
        message = str(exc.message or exc)
        named = re.fullmatch(r"('.*'|\".*\") is undefined", message)
        key = re.fullmatch(r"'dict object' has no attribute ('.*'|\".*\")", message)
        if named and ast.literal_eval(named[1]) in self.variables:
            column = self.columns[self._bound.index(ast.literal_eval(named[1]))]
        elif key and ast.literal_eval(key[1]) in self.columns:
            column = ast.literal_eval(key[1])
        else:
            return Rendered(code="template_error", detail=_undefined(message))
        return Rendered(
            code="missing_value", detail=_("{column} is empty in this row").format(column=column)
        )

    def _check(self, tree: nodes.Template) -> None:
        """Every problem that would fail every row, raised now as a `TemplateError`."""
        problem = (
            _internals(tree)
            or self._unknown_names(tree)
            or self._unknown_keys(tree)
            or self._bad_arguments(tree)
        )
        if problem:
            raise TemplateError(f"{self.name}: {problem}")

    def _unknown_names(self, tree: nodes.Template) -> str:
        used = meta.find_undeclared_variables(tree) - {"row", *self._env.globals}
        if used & self.ambiguous:
            name = sorted(used & self.ambiguous)[0]
            columns = [c for c in self.columns if identifier(c) == name]
            return _("{variable} could be column {columns}; say which: {choices}").format(
                variable=_shown(name),
                columns=_either([repr(c) for c in columns]),
                choices=_either([f"row[{c!r}]" for c in columns]),
            )
        unknown = sorted(used - set(self.variables))
        if not unknown:
            return ""
        described = []
        for variable in unknown:
            close = difflib.get_close_matches(identifier(variable), self.variables, n=1)
            described.append(
                _("{variable} (did you mean {suggestion}?)").format(
                    variable=_shown(variable), suggestion=repr(close[0])
                )
                if close
                else _shown(variable)
            )
        return ngettext(
            "{variables} matches no column; the file offers: {offered}",
            "{variables} match no column; the file offers: {offered}",
            len(unknown),
        ).format(variables=_both(described), offered=", ".join(self.variables))

    def _unknown_keys(self, tree: nodes.Template) -> str:
        for key in _row_keys(tree):
            if key not in self.columns:
                close = difflib.get_close_matches(key, self.columns, n=1)
                columns = ", ".join(self.columns)
                if close:
                    return _(
                        "{key} names no column (did you mean {suggestion}?); columns: {columns}"
                    ).format(key=f"row[{key!r}]", suggestion=f"row[{close[0]!r}]", columns=columns)
                return _("{key} names no column; columns: {columns}").format(
                    key=f"row[{key!r}]", columns=columns
                )
        return ""

    def _bad_arguments(self, tree: nodes.Template) -> str:
        """Filter arguments written in the template: currency codes and date patterns."""
        for node in tree.find_all(nodes.Filter):
            first = (
                node.args[0].value if node.args and isinstance(node.args[0], nodes.Const) else ""
            )
            try:
                if node.name == "money" and not node.args:
                    local_currency(self.locale)
                elif node.name == "money" and first and not _is_currency(first):
                    return _("line {line}: {code} is not a currency code (PEN, MXN...)").format(
                        line=node.lineno, code=repr(first)
                    )
                elif node.name in ("date", "time") and first and isinstance(first, str):
                    check_pattern(node.name, first)
            except ValueError as exc:  # our own words: filters.py words them
                return _("line {line}: {filter}: {problem}").format(
                    line=node.lineno, filter=node.name, problem=exc
                )
        return ""


def finish(text: str) -> Rendered:
    """Trailing spaces trimmed; an empty message or one too long for WhatsApp is refused."""
    text = "\n".join(line.rstrip() for line in text.splitlines()).strip()
    if not text:
        return Rendered(code="empty_message", detail=_("the template rendered nothing"))
    if len(text) > MAX_LENGTH:
        words = ngettext(
            "{n} character, WhatsApp allows {limit}",
            "{n} characters, WhatsApp allows {limit}",
            len(text),
        )
        return Rendered(code="too_long", detail=words.format(n=len(text), limit=MAX_LENGTH))
    return Rendered(text=text)


def variable_template(
    expression: str, columns: Sequence[str], *, name: str, locale: str = "es"
) -> MessageTemplate:
    """A `--var` value compiled once: a column name, or a template expression."""
    if expression in columns:
        expression = f"{{{{ row[{expression!r}] }}}}"
    elif expression in {identifier(c) for c in columns}:
        expression = f"{{{{ {expression} }}}}"  # `--var 1=nombre` means the column, not "nombre"
    return MessageTemplate(expression, columns, name=name, locale=locale)


def _internals(tree: nodes.Template) -> str:
    """The sandbox refuses `__class__` and friends at render time; say so before any row."""
    names: list[tuple[int, Any]] = [(n.lineno, n.attr) for n in tree.find_all(nodes.Getattr)]
    for item in tree.find_all(nodes.Getitem):
        if isinstance(item.arg, nodes.Const):
            names.append((item.lineno, item.arg.value))
    for call in tree.find_all(nodes.Filter):
        if call.name == "attr" and call.args and isinstance(call.args[0], nodes.Const):
            names.append((call.lineno, call.args[0].value))
    for line, name in sorted(names, key=lambda pair: pair[0]):
        if isinstance(name, str) and name.startswith("_"):
            return _("line {line}: refused by the sandbox: {name} reaches Python internals").format(
                line=line, name=name
            )
    return ""


def _row_keys(tree: nodes.Template) -> Iterator[str]:
    """The column names a template reads as `row["Name"]` or `row.Name`."""
    for attr in tree.find_all(nodes.Getattr):
        if _is_row(attr.node) and not hasattr(dict, attr.attr):
            yield attr.attr
    for item in tree.find_all(nodes.Getitem):
        if _is_row(item.node) and isinstance(item.arg, nodes.Const):
            yield str(item.arg.value)


def _is_row(node: nodes.Node) -> bool:
    return isinstance(node, nodes.Name) and node.name == "row"


def _is_currency(code: Any) -> bool:
    return isinstance(code, str) and bool(is_currency(code.strip().upper()))


def _parse_locale(name: str) -> Locale:
    try:
        return Locale.parse(name.replace("-", "_"))
    except (UnknownLocaleError, ValueError) as exc:
        raise TemplateError(_("--locale {name}: unknown locale").format(name=name)) from exc


def _shown(variable: str) -> str:
    """A variable as the template writes it: `{{ nombre }}`."""
    return "{{ " + variable + " }}"


def _either(items: Sequence[str]) -> str:
    """`A or B` in the active language (CLDR's list patterns, through Babel)."""
    return str(format_list(list(items), style="or", locale=active()))


def _both(items: Sequence[str]) -> str:
    """`A and B` in the active language."""
    return str(format_list(list(items), style="standard", locale=active()))


# Jinja's parser says what is wrong in English; each of its usual complaints is said in ours,
# with the line, the tag, the filter or the character it names (never Jinja's own text).
_UNCLOSED = re.compile(
    r"(?:Unexpected end of template|Encountered unknown tag '(\w+)')\."
    r".*innermost block that needs to be closed is '(\w+)'",
    re.S,
)
_UNKNOWN_TAG = re.compile(r"Encountered unknown tag '(\w+)'")
_NO_FILTER = re.compile(r"No (filter|test) named '([^']*)'")
_BAD_CHAR = re.compile(r"unexpected char (.+) at \d+")
_UNEXPECTED = re.compile(r"unexpected '([^']*)'(?:, expected '([^' ]*)')?")
_GOT = re.compile(r"expected token '[^']*', got '([^' ]*)'")
_NO_EXPRESSION = re.compile(r"Expected an expression, got")
_ENDED = re.compile(r"unexpected end of template", re.I)


def syntax_problem(exc: jinja2.TemplateSyntaxError) -> str:
    """What is wrong with a template's writing, in our words: `line 2: {% if %} is not closed`."""
    said, line = str(exc.message or ""), exc.lineno
    statement, printed = "{% %}", "{{ }}"
    if found := _UNCLOSED.search(said):
        stray, block = found[1], found[2]
        if stray:
            return _("line {line}: {tag} comes before {block} is closed with {end}").format(
                line=line, tag=f"{{% {stray} %}}", block=f"{{% {block} %}}",
                end=f"{{% end{block} %}}",
            )  # fmt: skip
        return _("line {line}: {block} is never closed; end it with {end}").format(
            line=line, block=f"{{% {block} %}}", end=f"{{% end{block} %}}"
        )
    if (found := _UNKNOWN_TAG.search(said)) and found[1].startswith("end"):
        return _("line {line}: {tag} closes no block").format(line=line, tag=f"{{% {found[1]} %}}")
    if found := _UNKNOWN_TAG.search(said):
        return _("line {line}: {tag} is not an instruction templates know").format(
            line=line, tag=f"{{% {found[1]} %}}"
        )
    if found := _NO_FILTER.search(said):
        if found[1] == "test":
            return _("line {line}: there is no test named {name}").format(
                line=line, name=repr(found[2])
            )
        return _("line {line}: there is no filter named {name}").format(
            line=line, name=repr(found[2])
        )
    if found := _BAD_CHAR.fullmatch(said):
        return _("line {line}: the character {char} cannot be used inside {printed} or "
                 "{statement}").format(line=line, char=found[1], printed=printed,
                                       statement=statement)  # fmt: skip
    if _ENDED.search(said):
        return _(
            "line {line}: the template ends before a {printed} or {statement} is closed"
        ).format(line=line, printed=printed, statement=statement)
    if found := _UNEXPECTED.fullmatch(said):
        if found[2]:
            return _("line {line}: {found} where {expected} was expected").format(
                line=line, found=repr(found[1]), expected=repr(found[2])
            )
        return _("line {line}: {found} is out of place").format(line=line, found=repr(found[1]))
    if found := _GOT.fullmatch(said):
        return _("line {line}: {found} is out of place; check the {printed} and {statement} of "
                 "this line").format(line=line, found=repr(found[1]), printed=printed,
                                     statement=statement)  # fmt: skip
    if _NO_EXPRESSION.match(said):
        return _("line {line}: a value is missing inside {printed} or {statement}").format(
            line=line, printed=printed, statement=statement
        )
    return _("line {line}: this line cannot be read; check its {printed} and {statement}").format(
        line=line, printed=printed, statement=statement
    )


_UNSAFE = re.compile(r"access to attribute '([^']*)' of '([^']*)' object is unsafe\.?")


def _refusal(exc: SecurityError) -> str:
    """Why the sandbox refused: ours are worded already; Jinja's own, in our words."""
    said = str(exc)
    if found := _UNSAFE.fullmatch(said):
        return _("a template may not use {name}, it would change or reach beyond the row").format(
            name=repr(found[1])
        )
    if said.startswith("access to attribute") or "unsafe" in said:
        return _("the template reaches beyond the row's values")
    return said  # raised by _Sandbox, in the active language


_NAMED_UNDEFINED = re.compile(r"'([^']*)' is undefined")
_NO_ATTRIBUTE = re.compile(r"'?[\w ]+ object'? has no attribute '([^']*)'")
_NO_ELEMENT = re.compile(r"'?[\w ]+ object'? has no element (.+)")


def _undefined(message: str) -> str:
    """Jinja's `UndefinedError` on a row, in our words: which name or part has no value."""
    if found := _NAMED_UNDEFINED.fullmatch(message):
        return _("{name} has no value in this row").format(name=found[1])
    if found := _NO_ATTRIBUTE.fullmatch(message):
        return _("the value has no part named {name}").format(name=repr(found[1]))
    if found := _NO_ELEMENT.fullmatch(message):
        return _("the value has no element {index}").format(index=found[1])
    return _('the template cannot be filled in for this row ("{detail}")').format(detail=message)


def _render_problem(exc: Exception) -> str:
    """A row the template fails on (a division by zero, text added to a number), in our words;
    Python's own text, quoted, only where nothing says it better."""
    if isinstance(exc, jinja2.UndefinedError):
        return _undefined(str(exc.message or exc))
    if isinstance(exc, ZeroDivisionError):
        return _("a division by zero with this row's values")
    if isinstance(exc, TypeError) and re.search(r"unsupported operand|concatenate", str(exc)):
        return _("this row's values cannot be combined that way: text with a number, perhaps")
    if isinstance(exc, TypeError):
        return _('this row\'s values are of the wrong kind for the template ("{detail}")').format(
            detail=exc
        )
    return _('the template cannot be filled in for this row ("{detail}")').format(detail=exc)
