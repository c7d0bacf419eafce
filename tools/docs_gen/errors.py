"""Every one-line error the tool can print, found with `ast` in bulk_sender/**.py."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .common import PACKAGE, PLURALS, ROOT, _words


@dataclass(frozen=True)
class Raised:
    """One `raise SomeError(message, hint=...)` of the package."""

    error: str
    """The error class raised (a `BulkSenderError` subclass)."""
    module: str
    """bulk_sender/contacts/load.py -> contacts.load"""
    line: int
    text: str
    """The message as written: `{...}` where an f-string or `.format()` fills in a value."""
    catalog: bool
    """True when written `_("...")`, so the catalog translates it."""
    hint: str | None = None
    hint_catalog: bool = False

    @property
    def stage(self) -> str:
        return self.module.split(".")[0]

    def shown(self, lang: str) -> str:
        return _words(lang)(self.text) if self.catalog else self.text

    def hint_shown(self, lang: str) -> str | None:
        if self.hint is None:
            return None
        return _words(lang)(self.hint) if self.hint_catalog else self.hint


def error_classes() -> dict[str, int]:
    """Every `BulkSenderError` subclass, by name, with its exit code."""
    from bulk_sender.errors import BulkSenderError

    found: dict[str, int] = {}
    todo: list[type[BulkSenderError]] = [BulkSenderError]
    while todo:
        cls = todo.pop()
        found[cls.__name__] = cls.exit_code
        todo.extend(cls.__subclasses__())
    found.update((f"StopReason.{name}", code) for name, code in STOPS.items())
    return found


def placeholder(node: ast.expr) -> str:
    """A short name for a value an f-string fills in, as a reader of the page wants it:
    `{table.path}` -> `{path}`, `{', '.join(names)}` -> `{names}`, `{exc.strerror or exc}` ->
    `{exc}`, `{fields['send_type']}` -> `{send_type}`."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return placeholder(node.value) if node.attr == "args" else node.attr
    if isinstance(node, ast.Call):
        if isinstance(node.func, ast.Name) and node.func.id == "len":
            return "n"
        return placeholder(node.args[0]) if node.args else placeholder(node.func)
    if isinstance(node, ast.BoolOp):
        named = [v for v in node.values if not isinstance(v, ast.Constant)]
        return placeholder(named[0] if named else node.values[0])
    if isinstance(node, ast.Subscript):
        index = node.slice
        if isinstance(index, ast.Constant) and isinstance(index.value, str):
            return index.value
        return placeholder(node.value)
    if isinstance(node, ast.BinOp):
        return placeholder(node.left)
    return "..."


def literal(node: ast.expr) -> tuple[str, bool] | None:
    """The text a message expression writes, and whether it goes through the catalog:
    a string, an f-string (its values as `{...}`), `_("...")`, `ngettext("...", "...", n)` (its
    plural), `"...".format(...)`, `a + b`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value, False
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append(str(value.value))
            elif isinstance(value, ast.FormattedValue):
                parts.append("{" + placeholder(value.value) + "}")
        return "".join(parts), False
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name) and func.id in ("_", "N_", "gettext") and node.args:
            inner = literal(node.args[0])
            return (inner[0], True) if inner else None
        if isinstance(func, ast.Name) and func.id == "ngettext" and len(node.args) == 3:
            one, many = literal(node.args[0]), literal(node.args[1])
            if one and many:
                PLURALS[many[0]] = one[0]
                return many[0], True
        if isinstance(func, ast.Attribute) and func.attr == "format":
            return literal(func.value)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = literal(node.left), literal(node.right)
        if left and right:
            return left[0] + right[0], left[1] and right[1]
    return None


STOPS = {"ABORTED": 3, "QUALITY": 1, "NETWORK_DOWN": 1, "JOURNAL_FAILED": 1, "INTERRUPTED": 130}
"""A run's stops while sending (`delivery/limits.py`'s `StopReason`), printed as
`Stopped: ...`, by their exit codes (docs/spec.md section 3)."""


def _sites(
    tree: ast.AST, classes: dict[str, int]
) -> Iterator[tuple[ast.AST, str, list[ast.expr], list[ast.keyword]]]:
    """Each raise of an error class, and each stop of a run with its words: the node, the
    error's name (`StopReason.QUALITY` for a stop), its arguments and keywords."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            func = node.exc.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name in classes:
                yield node, name, node.exc.args, node.exc.keywords
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr == "stop" and len(node.args) == 2
              and isinstance(node.args[0], ast.Attribute)
              and ast.unparse(node.args[0].value) == "StopReason"
              and node.args[0].attr in STOPS):  # fmt: skip
            yield node, f"StopReason.{node.args[0].attr}", node.args[1:], []


def _resolve(
    node: ast.expr,
    site: ast.AST,
    functions: dict[str, ast.FunctionDef],
    parents: dict[ast.AST, ast.AST],
    tables: dict[str, list[ast.expr]],
) -> list[tuple[str, bool]]:
    """`literal(node)`, or where `node` is a name assigned a literal in the same function,
    or a call of a module-level function of the package that returns one, that literal; or
    `_(TABLE[key])`, each message of a module-level table (a dict of `N_("...")`)."""
    found = literal(node)
    if found is not None:
        return [found]
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "format"):  # fmt: skip
        node = node.func.value
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_"
            and node.args and isinstance(node.args[0], ast.Subscript)
            and isinstance(node.args[0].value, ast.Name)):  # fmt: skip
        values = tables.get(node.args[0].value.id, [])
        return [(text, True) for text, __ in filter(None, map(literal, values))]
    single = _resolve_one(node, site, functions, parents)
    return [single] if single else []


def _resolve_one(
    node: ast.expr,
    site: ast.AST,
    functions: dict[str, ast.FunctionDef],
    parents: dict[ast.AST, ast.AST],
) -> tuple[str, bool] | None:
    if isinstance(node, ast.Name):
        scope = site
        while scope in parents and not isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef):
            scope = parents[scope]
        for inner in ast.walk(scope):
            if (isinstance(inner, ast.Assign) and len(inner.targets) == 1
                    and isinstance(inner.targets[0], ast.Name)
                    and inner.targets[0].id == node.id):  # fmt: skip
                return literal(inner.value)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        called = functions.get(node.func.id)
        if called is not None:
            returns = [r.value for r in ast.walk(called) if isinstance(r, ast.Return) and r.value]
            if returns:
                return literal(max(returns, key=lambda r: r.lineno))
    return None


def raised(package: Path = PACKAGE) -> tuple[list[Raised], list[str]]:
    """Every error message the package raises (and every stop of a run while sending), and
    where a message is no literal (a value passed on: those sites are listed, for a reader to
    check)."""
    classes = error_classes()
    found: list[Raised] = []
    unread: list[str] = []
    trees = {path: ast.parse(path.read_text(encoding="utf-8"), str(path))
             for path in sorted(package.rglob("*.py"))}  # fmt: skip
    functions = {top.name: top for tree in trees.values() for top in tree.body
                 if isinstance(top, ast.FunctionDef)}  # fmt: skip
    for path, tree in trees.items():
        module = ".".join(path.relative_to(package).with_suffix("").parts)
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        tables = {top.targets[0].id: top.value.values for top in tree.body
                  if isinstance(top, ast.Assign) and isinstance(top.value, ast.Dict)
                  and len(top.targets) == 1 and isinstance(top.targets[0], ast.Name)}  # fmt: skip
        for node, name, args, keywords in _sites(tree, classes):
            messages = _resolve(args[0], node, functions, parents, tables) if args else []
            if not messages:
                unread.append(f"{path.relative_to(ROOT)}:{node.lineno}")  # type: ignore[attr-defined]
                continue
            hint = next((literal(k.value) for k in keywords if k.arg == "hint"), None)
            for text, catalog in messages:
                found.append(Raised(name, module, node.lineno, text, catalog,  # type: ignore[attr-defined]
                                    hint[0] if hint else None, bool(hint and hint[1])))  # fmt: skip
    return found, unread
