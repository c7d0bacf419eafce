"""The documentation's generated parts, from the code itself: one source for each fact.

Used by the `cog` blocks of the pages under docs/ (`cog -r @docs/cog-files.txt` writes them,
`cog --check @docs/cog-files.txt` fails when a page has drifted from the code) and by
tests/test_docs.py:

- `cli_reference(lang)`: every command's `--help`, walked from `bulk_sender.cli.parser`;
- `status_table`, `reason_table`, `error_rule_table`: from `bulk_sender.lifecycle`;
- `raised()` and `troubleshooting(lang)`: every one-line error the code can raise, found with
  `ast` in bulk_sender/**.py, grouped by error class and stage, with what to do;
- `bench_section(name, lang)` and `bench_chart(lang)`: the benchmarks' latest figures, from the
  files bench/*.py write (docs/bench/<name>.json).

Words for Spanish and Portuguese pages go through the package's own catalog
(`bulk_sender.language`): whatever it has not translated yet shows in English until it has.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "bulk_sender"
BENCH = ROOT / "docs" / "bench"
COLUMNS = "100"
"""The terminal width the CLI's help is printed at, so the page does not depend on the
machine that generated it."""

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


PLURALS: dict[str, str] = {}
"""An `ngettext` message's plural id -> its singular id, as `literal()` meets them: the docs
list the plural form."""


def _words(lang: str) -> Callable[[str], str]:
    """The package catalog's gettext for `lang` ("en" is the source language)."""
    if lang == "en":
        return lambda message: message
    from bulk_sender.language import language_of, translations

    catalog = translations(language_of(lang) or lang)
    return lambda m: catalog.ngettext(PLURALS[m], m, 2) if m in PLURALS else catalog.gettext(m)


def _pick(lang: str, en: str, es: str, pt: str) -> str:
    """The documentation's own words (not the program's) in the page's language."""
    return {"es": es, "pt": pt}.get(lang, en)


# --- The command line -------------------------------------------------------------------------


def commands(parser: argparse.ArgumentParser | None = None) -> list[list[str]]:
    """Every command's words after `bulk-sender`, the top level (`[]`) first, in the order
    the parser declares them, subcommands after their command (`budget set`)."""
    if parser is None:
        from bulk_sender.cli.parser import build_parser

        parser = build_parser()
    found: list[list[str]] = [[]]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.extend([name, *rest] for rest in commands(sub))
    return found


def cli_help(words: list[str], lang: str) -> str:
    """`bulk-sender WORDS --help` as a user's terminal prints it, in `lang`."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("BULK_SENDER_", "PLAZBOT_")) and key not in ("LANG", "LANGUAGE")
    }
    pythonpath = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    env.update(
        COLUMNS=COLUMNS, LINES="50", BULK_SENDER_LANG=lang, LC_ALL="C.UTF-8",
        PYTHONPATH=pythonpath, PYTHONIOENCODING="utf-8", NO_COLOR="1",
    )  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "bulk_sender", *words, "--help"],
        cwd=ROOT, env=env, capture_output=True, text=True, encoding="utf-8", check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"bulk-sender {' '.join(words)} --help failed: {done.stderr}")
    return done.stdout.rstrip() + "\n"


def cli_reference(lang: str) -> str:
    """Markdown: one section per command, its help in a text block."""
    every = commands()
    with ThreadPoolExecutor(max_workers=2) as pool:
        helps = list(pool.map(lambda words: cli_help(words, lang), every))
    out = []
    for words, text in zip(every, helps, strict=True):
        name = " ".join(["bulk-sender", *words])
        anchor = "-".join(["bulk-sender", *words])
        out.append(f"## `{name}` {{#{anchor}}}\n\n```text\n{text}```\n")
    return "\n".join(out)


# --- A row's statuses -------------------------------------------------------------------------


def _flag(move: object) -> str:
    return "--" + str(getattr(move, "name", move)).lower().replace("_", "-")


def status_table(lang: str) -> str:
    """Markdown: each status the report shows, what it means, and what a rerun does."""
    from bulk_sender import lifecycle as lc

    _ = _words(lang)
    head = _pick(lang, "| status | what it means | run the same command again |",
                 "| estado | qué significa | al ejecutar el mismo comando otra vez |",
                 "| status | o que significa | ao executar o mesmo comando de novo |")  # fmt: skip
    rows = [head, "|---|---|---|"]
    for status in lc.REPORTED:
        if status is lc.Status.READY:
            rerun = _pick(
                lang,
                "dry run only: `--sandbox` or `--live` sends it",
                "solo en el ensayo sin envío: `--sandbox` o `--live` lo envía",
                "só na simulação: `--sandbox` ou `--live` envia",
            )
        elif status in lc.SENDABLE:
            rerun = _pick(lang, "**sent**", "**se envía**", "**é enviado**")
        elif status in lc.RETRIED_BY:
            flag = _flag(lc.RETRIED_BY[status])
            rerun = _pick(lang, f"sent again only with `{flag}`", f"se reenvía solo con `{flag}`",
                          f"reenviado só com `{flag}`")  # fmt: skip
        else:
            rerun = _pick(lang, "never sent again", "nunca se reenvía", "nunca é reenviado")
        # As the report shows it (its word in the page's language), and its machine name.
        shown = f"`{status}`" if lang == "en" else f"{_(status.value)} (`{status}`)"
        rows.append(f"| {shown} | {_(lc.MEANINGS[status])} | {rerun} |")
    return "\n".join(rows) + "\n"


def reason_table(lang: str) -> str:
    """Markdown: each reason code `result_detail` starts with, in a few words."""
    from bulk_sender import lifecycle as lc

    _ = _words(lang)
    rows = [_pick(lang, "| reason code | in a few words |", "| código | en pocas palabras |",
                  "| código | em poucas palavras |"), "|---|---|"]  # fmt: skip
    rows += [f"| `{code}` | {_(words)} |" for code, words in lc.REASONS.items()]
    rows.append(f"| `api_<status>` | {_(lc.API_REASON).format(status='<status>')} |")
    return "\n".join(rows) + "\n"


def error_rule_table(lang: str) -> str:
    """Markdown: WhatsApp's error codes and what each does to the row (`ERROR_RULES`)."""
    from bulk_sender import lifecycle as lc

    _ = _words(lang)
    resend = {
        lc.Resend.SAME_RUN: _pick(lang, "not a failure: the run slows down and tries again",
                                  "no es un fallo: el envío va más lento y reintenta",
                                  "não é uma falha: o envio fica mais lento e tenta de novo"),
        lc.Resend.AFTER_BACKOFF: _pick(
            lang, "a later run sends it again by itself after a day, then 2, 4, up to 8 days; "
            "not before, even with `--retry-failed`",
            "un envío posterior lo reintenta solo tras un día, luego 2, 4, hasta 8 días; "
            "no antes, ni con `--retry-failed`",
            "um envio posterior a reenvia sozinha depois de um dia, depois 2, 4, até 8 dias; "
            "não antes, nem com `--retry-failed`"),
        lc.Resend.NEVER: _pick(lang, "this campaign never sends it again",
                               "esta campaña nunca lo reenvía",
                               "esta campanha nunca a reenvia"),
        lc.Resend.IF_ASKED: _pick(lang, "sent again by a later run (`failed`: with "
                                  "`--retry-failed`)", "un envío posterior lo manda "
                                  "(`failed`: con `--retry-failed`)",
                                  "um envio posterior a envia (`failed`: com `--retry-failed`)"),
    }  # fmt: skip
    head = _pick(lang, "| code | row | reason | what it means | next |",
                 "| código | fila | motivo | qué significa | después |",
                 "| código | linha | motivo | o que significa | depois |")  # fmt: skip
    rows = [head, "|---|---|---|---|---|"]
    for code, rule in lc.ERROR_RULES.items():
        status = f"`{lc.target(rule.move)}`" if rule.move is not None else "—"
        next_ = resend[rule.resend] + (f"; {_(rule.hint)}" if rule.hint else "")
        rows.append(f"| {code} | {status} | `{rule.reason}` | {_(rule.words)} | {next_} |")
    return "\n".join(rows) + "\n"


# --- Every error the tool can print -----------------------------------------------------------


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


STAGES = ("cli", "ui", "engine", "contacts", "messages", "protect", "journal", "delivery",
          "report", "sandbox")  # fmt: skip
"""The order of the troubleshooting page: front ends, the engine, then the stages as a row
meets them."""

STAGE_NAMES = {
    "cli": ("the command line", "la línea de comandos", "a linha de comando"),
    "ui": ("the web page", "la página web", "a página web"),
    "engine": ("preparing and running a campaign", "preparar y ejecutar una campaña",
               "preparar e executar uma campanha"),
    "contacts": ("reading the contacts file", "leer el archivo de contactos",
                 "ler o arquivo de contatos"),
    "messages": ("the message template", "la plantilla del mensaje", "o modelo da mensagem"),
    "protect": ("opt-outs, consent, send hours, the daily budget",
                "bajas, consentimiento, horario, presupuesto diario",
                "descadastros, consentimento, horário, orçamento diário"),
    "journal": ("the campaign's journal", "el registro (journal) de la campaña",
                "o registro (journal) da campanha"),
    "delivery": ("talking to Plazbot", "la conexión con Plazbot", "a conexão com o Plazbot"),
    "report": ("writing the report", "escribir el reporte", "escrever o relatório"),
    "sandbox": ("the test server (`bulk-sender serve`)",
                "el servidor de prueba (`bulk-sender serve`)",
                "o servidor de teste (`bulk-sender serve`)"),
}  # fmt: skip

ADVICE: dict[tuple[str, str | None], tuple[str, str, str]] = {
    ("BulkSenderError", None): (
        "A problem that stops the run. The line names what went wrong; nothing was sent.",
        "Un problema que detiene el envío. La línea dice qué falló; no se envió nada.",
        "Um problema que interrompe o envio. A mensagem diz o que deu errado; nada foi enviado.",
    ),
    ("InputError", None): (
        "A file you gave cannot be read or used as it is. The line names the file, and the row "
        "and column when there is one. Nothing was sent (exit 2): fix the file or the flag "
        "the line names, then run the same command again.",
        "Un archivo que usted indicó no se puede leer o usar tal como está. La línea nombra el "
        "archivo, y la fila y la columna cuando las hay. No se envió nada (salida 2): corrija "
        "el archivo o la opción que nombra la línea y ejecute el mismo comando otra vez.",
        "Um arquivo que você indicou não pode ser lido ou usado do jeito que está. A mensagem "
        "nomeia o arquivo, e a linha e a coluna quando houver. Nada foi enviado (saída 2): "
        "corrija o arquivo ou a opção que a mensagem nomeia e execute o mesmo comando de novo.",
    ),
    ("InputError", "contacts"): (
        "The contacts file: its format, its sheet, its header row or the phone column. Open "
        "the file in Excel to check the name the line gives; `--sheet`, `--phone-column` and "
        "`--country-column` name the right ones by hand. An `.xlsx` saved by Excel and a CSV "
        "export are both fine.",
        "El archivo de contactos: su formato, su hoja, su fila de títulos o la columna del "
        "teléfono. Ábralo en Excel y revise el nombre que da la línea; `--sheet`, "
        "`--phone-column` y `--country-column` indican a mano los correctos.",
        "O arquivo de contatos: o formato, a aba, a linha de títulos ou a coluna do telefone. "
        "Abra-o no Excel e confira o nome que a mensagem dá; `--sheet`, `--phone-column` e "
        "`--country-column` indicam à mão os corretos.",
    ),
    ("InputError", "journal"): (
        "A campaign's journal (`reports/<campaign>.journal.sqlite3`) cannot be used for this. "
        "Check the path; `bulk-sender report JOURNAL` and `settle`/`replies` take the campaign's "
        "name or its journal.",
        "El journal de una campaña (`reports/<campaña>.journal.sqlite3`) no sirve para esto. "
        "Revise la ruta; `bulk-sender report JOURNAL`, `settle` y `replies` reciben el nombre "
        "de la campaña o su journal.",
        "O registro de uma campanha (`reports/<campanha>.journal.sqlite3`) não serve para isto. "
        "Confira o caminho; `bulk-sender report REGISTRO`, `settle` e `replies` recebem o nome da "
        "campanha ou o registro dela.",
    ),
    ("TemplateError", None): (
        "The message template cannot be used: an unknown column, a typo in `{{ }}` or `{% %}`, "
        "a date pattern or currency that would print nonsense. The line names the template, "
        "the line and the closest column. Nothing was sent (exit 2): fix the template, then "
        "run the same command again. See [Templates](templates.md).",
        "La plantilla del mensaje no se puede usar: una columna desconocida, un error en "
        "`{{ }}` o `{% %}`, un formato de fecha o moneda que imprimiría algo sin sentido. La "
        "línea nombra la plantilla, la línea y la columna más parecida. No se envió nada "
        "(salida 2): corrija la plantilla y ejecute el mismo comando otra vez. Vea "
        "[Plantillas](templates.md).",
        "O modelo da mensagem não pode ser usado: uma coluna desconhecida, um erro em `{{ }}` ou "
        "`{% %}`, um formato de data ou moeda que imprimiria algo sem sentido. A mensagem nomeia "
        "o modelo, a linha e a coluna mais parecida. Nada foi enviado (saída 2): corrija o modelo "
        "e execute o mesmo comando de novo. Veja [Modelos](templates.md).",
    ),
    ("ConfigError", None): (
        "An option or a setting is missing, malformed, or contradicts another. Nothing was "
        "sent (exit 2). The line names the flag or variable: see `bulk-sender send --help` or "
        "the [command reference](cli.md); credentials go in a `.env` file in the working "
        "folder (`PLAZBOT_WORKSPACE_ID=...`).",
        "Falta una opción o un ajuste, está mal escrito o contradice a otro. No se envió nada "
        "(salida 2). La línea nombra la opción o la variable: vea `bulk-sender send --help` o "
        "la [referencia de comandos](cli.md); las credenciales van en un archivo `.env` en la "
        "carpeta de trabajo (`PLAZBOT_WORKSPACE_ID=...`).",
        "Falta uma opção ou uma configuração, ela está mal escrita ou contradiz outra. Nada foi "
        "enviado (saída 2). A mensagem nomeia a opção ou a variável: veja `bulk-sender send "
        "--help` ou a [referência de comandos](cli.md); as credenciais vão em um arquivo `.env` "
        "na pasta de trabalho (`PLAZBOT_WORKSPACE_ID=...`).",
    ),
    ("ConfigError", "sandbox"): (
        "A flag of `bulk-sender serve`, the test server, is out of range. Only rehearsals and "
        "tests use it.",
        "Una opción de `bulk-sender serve`, el servidor de prueba, está fuera de rango. Solo "
        "los ensayos y las pruebas lo usan.",
        "Uma opção de `bulk-sender serve`, o servidor de teste, está fora do intervalo. Só os "
        "ensaios e os testes o usam.",
    ),
    ("JournalError", None): (
        "The campaign's journal, which remembers every message sent, cannot be used: another "
        "run of the campaign holds it, it belongs to another template or target, it is "
        "damaged, or the disk is full or read-only. Nothing was sent (exit 2). Wait for the "
        "other run, use `--campaign NEW-NAME` for a new campaign, or free some space; never "
        "delete a journal of a campaign that sent, or it forgets who got the message. See "
        "[Resuming](resume.md).",
        "El journal de la campaña, que recuerda cada mensaje enviado, no se puede usar: otro "
        "envío de la campaña lo tiene abierto, es de otra plantilla o destino, está dañado, o "
        "el disco está lleno o es de solo lectura. No se envió nada (salida 2). Espere al otro "
        "envío, use `--campaign NOMBRE-NUEVO` para una campaña nueva, o libere espacio; nunca "
        "borre el journal de una campaña que envió, o olvidará a quién le llegó el mensaje. "
        "Vea [Reanudar](resume.md).",
        "O registro da campanha, que lembra cada mensagem enviada, não pode ser usado: outro "
        "envio da campanha o mantém aberto, ele é de outro modelo ou destino, está danificado, ou "
        "o disco está cheio ou é somente leitura. Nada foi enviado (saída 2). Espere o outro "
        "envio, use `--campaign NOME-NOVO` para uma campanha nova, ou libere espaço; nunca apague "
        "o registro de uma campanha que enviou, ou ele esquecerá quem recebeu a mensagem. Veja "
        "[Retomar](resume.md).",
    ),
    ("JournalFailed", None): (
        "The journal failed while sending (a full disk, say): no new message left, every "
        "outcome already journaled is kept, the report was written if it could be (exit 1). "
        "Free some space and run the same command again: nobody gets a message twice; the "
        "messages that were on their way are `uncertain`.",
        "El journal falló durante el envío (disco lleno, por ejemplo): no salió ningún mensaje "
        "nuevo, se conservó cada resultado ya registrado y se escribió el reporte si se pudo "
        "(salida 1). Libere espacio y ejecute el mismo comando otra vez: nadie recibe dos "
        "veces; los mensajes que iban en camino quedan `uncertain`.",
        "O registro falhou durante o envio (disco cheio, por exemplo): nenhuma mensagem nova "
        "saiu, cada resultado já registrado foi mantido e o relatório foi escrito se possível "
        "(saída 1). Libere espaço e execute o mesmo comando de novo: ninguém recebe duas vezes; "
        "as mensagens que estavam a caminho ficam `uncertain`.",
    ),
    ("ReportError", None): (
        "The report cannot be written where asked: the folder is missing or read-only, the "
        "file is open in Excel (Windows locks it), or the name does not end in `.xlsx` or "
        "`.csv`. Checked before sending, so nothing was sent (exit 2): close the file or give "
        "`--report` another path.",
        "El reporte no se puede escribir donde se pidió: la carpeta no existe o es de solo "
        "lectura, el archivo está abierto en Excel (Windows lo bloquea), o el nombre no termina "
        "en `.xlsx` o `.csv`. Se revisa antes de enviar, así que no se envió nada (salida 2): "
        "cierre el archivo o dé otra ruta con `--report`.",
        "O relatório não pode ser escrito onde foi pedido: a pasta não existe ou é somente "
        "leitura, o arquivo está aberto no Excel (o Windows o bloqueia), ou o nome não termina em "
        "`.xlsx` ou `.csv`. Isso é verificado antes de enviar, então nada foi enviado (saída 2): "
        "feche o arquivo ou dê outro caminho com `--report`.",
    ),
    ("ReportNotWritten", None): (
        "Messages were sent, but the report could not be written at the end (a full disk, "
        "say). The journal keeps every outcome (exit 1): free some space and run the same "
        "command again (or `bulk-sender report JOURNAL`); it writes the report and sends "
        "nothing twice.",
        "Se enviaron mensajes, pero el reporte no se pudo escribir al final (disco lleno, por "
        "ejemplo). El journal conserva cada resultado (salida 1): libere espacio y ejecute el "
        "mismo comando otra vez (o `bulk-sender report JOURNAL`); escribe el reporte y no "
        "envía nada dos veces.",
        "Mensagens foram enviadas, mas o relatório não pôde ser escrito no final (disco cheio, "
        "por exemplo). O registro guarda cada resultado (saída 1): libere espaço e execute o "
        "mesmo comando de novo (ou `bulk-sender report REGISTRO`); ele escreve o relatório e não "
        "envia nada duas vezes.",
    ),
    ("AbortedByApi", None): (
        "Plazbot refuses every message: a wrong workspace or key (401, or 404 before any "
        "success), or the first 20 messages all refused for the same reason (exit 3). Check "
        "`PLAZBOT_WORKSPACE_ID` and `PLAZBOT_API_KEY` in your `.env`, and the reason the line "
        "gives; rows not sent stay `pending`, so the same command sends them once fixed.",
        "Plazbot rechaza todos los mensajes: espacio de trabajo o clave equivocados (401, o "
        "404 antes de algún éxito), o los primeros 20 mensajes rechazados por el mismo motivo "
        "(salida 3). Revise `PLAZBOT_WORKSPACE_ID` y `PLAZBOT_API_KEY` en su `.env` y el motivo "
        "que da la línea; las filas no enviadas quedan `pending` y el mismo comando las envía "
        "una vez corregido.",
        "O Plazbot recusa todas as mensagens: workspace ou chave errados (401, ou 404 antes de "
        "algum sucesso), ou as primeiras 20 mensagens recusadas pelo mesmo motivo (saída 3). "
        "Confira `PLAZBOT_WORKSPACE_ID` e `PLAZBOT_API_KEY` no seu `.env` e o motivo que a "
        "mensagem dá; as linhas não enviadas ficam `pending` e o mesmo comando as envia depois de "
        "corrigido.",
    ),
    ("ConfigError", "ui"): (
        "The web page sent something the run cannot use: a field left empty or out of range, "
        "or a second campaign while one is running. The page shows the line beside the "
        "button; fill in the field it names, or wait for the running campaign (or stop it).",
        "La página envió algo que el envío no puede usar: un campo vacío o fuera de rango, o "
        "una segunda campaña mientras otra está en curso. La página muestra la línea junto al "
        "botón; complete el campo que nombra, o espere a que termine la campaña en curso (o "
        "deténgala).",
        "A página enviou algo que o envio não pode usar: um campo vazio ou fora do intervalo, ou "
        "uma segunda campanha enquanto outra está em andamento. A página mostra a mensagem ao "
        "lado do botão; preencha o campo que ela nomeia, ou espere a campanha em andamento "
        "terminar (ou pare-a).",
    ),
    ("InputError", "ui"): (
        "The page needs the contacts file (again): choose or drop it in step 1.",
        "La página necesita el archivo de contactos (otra vez): elíjalo o arrástrelo en el paso 1.",
        "A página precisa do arquivo de contatos (de novo): escolha-o ou arraste-o no passo 1.",
    ),
    ("ConfigError", "protect"): (
        "A protection setting cannot be used: `--send-hours`, the opt-out list, the stop "
        "words, or the daily budget's files in your data folder. Fix the value the line "
        "names; see [Protecting your number](protect.md).",
        "Un ajuste de protección no se puede usar: `--send-hours`, la lista de bajas, las "
        "palabras de baja, o los archivos del presupuesto diario en su carpeta de datos. "
        "Corrija el valor que nombra la línea; vea [Proteger su número](protect.md).",
        "Uma configuração de proteção não pode ser usada: `--send-hours`, a lista de descadastro, "
        "as palavras de descadastro, ou os arquivos do orçamento diário na sua pasta de dados. "
        "Corrija o valor que a mensagem nomeia; veja [Proteger o seu número](protect.md).",
    ),
    ("InputError", "protect"): (
        "The opt-out list or the consent column cannot be used: the file is missing, has no "
        "phone column, or cannot be written (open in Excel?). The list is left as it was.",
        "La lista de bajas o la columna de consentimiento no se puede usar: el archivo no "
        "existe, no tiene columna de teléfono, o no se puede escribir (¿abierto en Excel?). "
        "La lista queda como estaba.",
        "A lista de descadastro ou a coluna de consentimento não pode ser usada: o arquivo não "
        "existe, não tem coluna de telefone, ou não pode ser escrito (aberto no Excel?). A lista "
        "fica como estava.",
    ),
    ("InputError", "engine"): (
        "The file or journal the run was given cannot be used: it is missing, is not a "
        "journal, or the contacts file changed while the run read it (a sync folder "
        "rewriting it, say). Nothing was sent: check the path, or wait for the file to settle "
        "and run the same command again.",
        "El archivo o journal indicado no se puede usar: no existe, no es un journal, o el "
        "archivo de contactos cambió mientras se leía (una carpeta sincronizada que lo "
        "reescribe, por ejemplo). No se envió nada: revise la ruta, o espere a que el archivo "
        "no cambie y ejecute el mismo comando otra vez.",
        "O arquivo ou registro indicado não pode ser usado: não existe, não é um registro, ou o "
        "arquivo de contatos mudou enquanto era lido (uma pasta sincronizada que o reescreve, por "
        "exemplo). Nada foi enviado: confira o caminho, ou espere o arquivo parar de mudar e "
        "execute o mesmo comando de novo.",
    ),
    ("ConfigError", "messages"): (
        "The approved template's variables (`--var`, `--header-var`) or `--send-type` are "
        "written in a way Plazbot cannot take: number them 1, 2, 3... without gaps, or name "
        "them, not both. See [Templates](templates.md).",
        "Las variables de la plantilla aprobada (`--var`, `--header-var`) o `--send-type` "
        "están escritas de una forma que Plazbot no acepta: numérelas 1, 2, 3... sin saltos, "
        "o nómbrelas, no ambas cosas. Vea [Plantillas](templates.md).",
        "As variáveis do modelo aprovado (`--var`, `--header-var`) ou `--send-type` estão "
        "escritas de um jeito que o Plazbot não aceita: numere-as 1, 2, 3... sem pular, ou dê "
        "nomes a elas, não as duas coisas. Veja [Modelos](templates.md).",
    ),
    ("StopReason.ABORTED", None): (
        "Plazbot refuses every message: a wrong key (401), a wrong workspace or URL (404 "
        "before any success), or the first 20 messages all refused for the same reason (say "
        "the 24-hour window is closed for everyone). The run stopped at once (exit 3). Check "
        "`PLAZBOT_WORKSPACE_ID`, `PLAZBOT_API_KEY` and `--api-url`, or switch to an approved "
        "template; the rows not sent stay `pending`, so the same command sends them once fixed.",
        "Plazbot rechaza todos los mensajes: clave equivocada (401), espacio de trabajo o URL "
        "equivocados (404 antes de algún éxito), o los primeros 20 mensajes rechazados por el "
        "mismo motivo (por ejemplo, la ventana de 24 horas cerrada para todos). El envío se "
        "detuvo de inmediato (salida 3). Revise `PLAZBOT_WORKSPACE_ID`, `PLAZBOT_API_KEY` y "
        "`--api-url`, o use una plantilla aprobada; las filas no enviadas quedan `pending` y el "
        "mismo comando las envía una vez corregido.",
        "O Plazbot recusa todas as mensagens: chave errada (401), workspace ou URL errados (404 "
        "antes de algum sucesso), ou as primeiras 20 mensagens recusadas pelo mesmo motivo (por "
        "exemplo, a janela de 24 horas fechada para todos). O envio parou na hora (saída 3). "
        "Confira `PLAZBOT_WORKSPACE_ID`, `PLAZBOT_API_KEY` e `--api-url`, ou use um modelo "
        "aprovado; as linhas não enviadas ficam `pending` e o mesmo comando as envia depois de "
        "corrigido.",
    ),
    ("StopReason.QUALITY", None): (
        "The quality brake: too many of the last 50 answers were refusals that hurt the "
        "number (blocks, opt-outs, numbers not on WhatsApp). Sending paused before WhatsApp "
        "lowers the number's quality (exit 1). Look at the report's failed rows, clean the "
        "list, then run the same command again to go on. See [Protecting your number](protect.md).",
        "El freno de calidad: demasiadas de las últimas 50 respuestas fueron rechazos que "
        "dañan al número (bloqueos, bajas, números sin WhatsApp). El envío se pausó antes de "
        "que WhatsApp baje la calidad del número (salida 1). Revise las filas `failed` del "
        "reporte, limpie la lista y ejecute el mismo comando otra vez para continuar. Vea "
        "[Proteger su número](protect.md).",
        "O freio de qualidade: respostas demais entre as últimas 50 foram recusas que prejudicam "
        "o número (bloqueios, descadastros, números sem WhatsApp). O envio foi pausado antes que "
        "o WhatsApp baixe a qualidade do número (saída 1). Veja as linhas `failed` do relatório, "
        "limpe a lista e execute o mesmo comando de novo para continuar. Veja [Proteger o seu "
        "número](protect.md).",
    ),
    ("StopReason.NETWORK_DOWN", None): (
        "20 connection failures in a row: the internet or Plazbot is down, or `--api-url` is "
        "wrong (exit 1). The messages never left, so they stay `pending`: check the "
        "connection and run the same command again.",
        "20 fallos de conexión seguidos: se cayó internet o Plazbot, o `--api-url` está mal "
        "(salida 1). Los mensajes no salieron y quedan `pending`: revise la conexión y ejecute "
        "el mismo comando otra vez.",
        "20 falhas de conexão seguidas: a internet ou o Plazbot caiu, ou `--api-url` está errado "
        "(saída 1). As mensagens não saíram e ficam `pending`: confira a conexão e execute o "
        "mesmo comando de novo.",
    ),
    ("StopReason.INTERRUPTED", None): (
        "Ctrl-C, or the process was asked to stop (exit 130): the messages on their way "
        "finished and were journaled, the rest stay `pending`, the report was written. Run "
        "the same command again to go on.",
        "Ctrl-C, o se pidió detener el proceso (salida 130): los mensajes en camino terminaron "
        "y quedaron registrados, el resto queda `pending` y se escribió el reporte. Ejecute el "
        "mismo comando otra vez para continuar.",
        "Ctrl-C, ou foi pedido que o processo parasse (saída 130): as mensagens a caminho "
        "terminaram e ficaram registradas, o resto fica `pending` e o relatório foi escrito. "
        "Execute o mesmo comando de novo para continuar.",
    ),
    ("StopReason.JOURNAL_FAILED", None): (
        "The journal could not be written while sending: see `JournalFailed` above.",
        "No se pudo escribir el journal durante el envío: vea `JournalFailed` más arriba.",
        "Não foi possível escrever o registro durante o envio: veja `JournalFailed` acima.",
    ),
}
"""What a group of errors means and what to do, by (error class, stage), else (class, None);
in English, Spanish and Portuguese. A new message shows on the page by itself, under its group."""


def advice(error: str, stage: str, lang: str) -> str:
    """The hand-written paragraph for a group (the class's, when the stage has none)."""
    from bulk_sender import errors

    cls = getattr(errors, error, None)
    for name in [c.__name__ for c in (cls.__mro__ if cls else ())] or [error]:
        for key in ((name, stage), (name, None)):
            if key in ADVICE:
                return _pick(lang, *ADVICE[key])
    raise KeyError(f"no advice for {error} in {stage}: add it to ADVICE in tools/docs_gen.py")


def _code(text: str) -> str:
    """`text` as inline code, whatever backticks it holds."""
    fence = "``" if "`" in text else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def troubleshooting(lang: str) -> str:
    """Markdown: every error message, grouped by stage then error class, each group with what
    it means and what to do."""
    found, _unread = raised()
    classes = error_classes()
    groups: dict[tuple[str, str], list[Raised]] = {}
    for item in found:
        groups.setdefault((item.stage, item.error), []).append(item)
    order = {stage: i for i, stage in enumerate(STAGES)}
    out = []
    for stage, error in sorted(groups, key=lambda k: (order.get(k[0], len(order)), k)):
        title = _pick(lang, *STAGE_NAMES.get(stage, (stage, stage, stage)))
        exit_words = _pick(lang, "exit", "salida", "saída")
        out.append(f"### {title[0].upper()}{title[1:]}: `{error}` ({exit_words} "
                   f"{classes[error]}) {{#{stage}-{error.lower()}}}\n")  # fmt: skip
        out.append(advice(error, stage, lang) + "\n")
        seen = set()
        for item in sorted(groups[(stage, error)], key=lambda r: (r.module, r.line)):
            shown = item.shown(lang)
            if shown in seen:
                continue
            seen.add(shown)
            hint = item.hint_shown(lang)
            extra = f" — {_pick(lang, 'hint', 'sugerencia', 'dica')}: {_code(hint)}" if hint else ""
            out.append(f"- {_code(shown)}{extra} <small>({item.module})</small>")
        out.append("")
    return "\n".join(out)


# --- Benchmarks --------------------------------------------------------------------------------


BENCHMARKS = {
    "targets": ("python bench/targets.py", "The engine's four targets, in one run",
                "Los cuatro objetivos del motor, en una sola ejecución",
                "Os quatro objetivos do motor, em uma só execução"),
    "send": ("python bench/send.py", "Sending speed against a bare aiohttp loop",
             "Velocidad de envío frente a un bucle aiohttp simple",
             "Velocidade de envio comparada a um laço aiohttp simples"),
    "gap": ("python bench/gap.py", "Where the sending phase's gap goes",
            "Adónde se va la diferencia de la fase de envío",
            "Para onde vai a diferença da fase de envio"),
    "pipeline-csv": ("python bench/pipeline.py", "A 100,000-row dry run, stage by stage: CSV",
                     "Un ensayo de 100.000 filas, etapa por etapa: CSV",
                     "Uma simulação de 100.000 linhas, etapa por etapa: CSV"),
    "pipeline-xlsx": ("python bench/pipeline.py",
                      "A 100,000-row dry run, stage by stage: XLSX",
                      "Un ensayo de 100.000 filas, etapa por etapa: XLSX",
                      "Uma simulação de 100.000 linhas, etapa por etapa: XLSX"),
    "scale": ("python bench/scale.py", "Scaling to a million rows",
              "Escalar a un millón de filas", "Escalar para um milhão de linhas"),
    "memory": ("python bench/memory.py", "Peak memory of a million-row dry run",
               "Memoria máxima de un ensayo de un millón de filas",
               "Memória máxima de uma simulação de um milhão de linhas"),
    "rate": ("python bench/rate.py", "The rate limit", "El límite de velocidad",
             "O limite de velocidade"),
}  # fmt: skip


def bench_runs(name: str) -> list[dict[str, object]]:
    data = json.loads((BENCH / f"{name}.json").read_text(encoding="utf-8"))
    return list(data["runs"])


def _table(columns: list[str], rows: list[list[str]]) -> str:
    cells = [columns, *rows]
    lines = ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in cells]
    lines.insert(1, "|" + "---|" * len(columns))
    return "\n".join(lines)


def bench_section(name: str, lang: str) -> str:
    """Markdown: a benchmark's latest full run (its table, date, machine, commit, notes), and
    its earlier runs' key figures."""
    command, *titles = BENCHMARKS[name]
    runs = bench_runs(name)
    full = [run for run in runs if run.get("columns")]
    latest = full[-1]
    out = [f"### {_pick(lang, *titles)} {{#bench-{name}}}\n"]
    code = f", `{latest['code']}`" if latest.get("code") else ""
    out.append(_pick(lang, f"`{command}`, latest run: **{latest['date']}** on {latest['machine']}"
                     f"{code}.", f"`{command}`, última ejecución: **{latest['date']}** en "
                     f"{latest['machine']}{code}.", f"`{command}`, última execução: "
                     f"**{latest['date']}** em {latest['machine']}{code}.") + "\n")  # fmt: skip
    out.append(_table(list(latest["columns"]), [list(r) for r in latest["rows"]]) + "\n")  # type: ignore[arg-type]
    for note in latest.get("notes", []):  # type: ignore[attr-defined]
        out.append(f"- {note}")
    with_figures = [run for run in runs if run.get("figures")]
    if len(with_figures) > 1:
        keys: list[str] = []
        for run in with_figures:
            keys += [k for k in run["figures"] if k not in keys]  # type: ignore[attr-defined]
        out.append("\n" + _pick(lang, "Runs of this script:", "Ejecuciones de este script:",
                                 "Execuções deste script:") + "\n")  # fmt: skip
        head = [_pick(lang, "run", "ejecución", "execução"),
                _pick(lang, "code", "código", "código"), *keys]  # fmt: skip
        rows = []
        for run in with_figures:
            figures = run["figures"]
            what = " ".join(filter(None, [f"`{run['code']}`" if run.get("code") else "",
                                          str(run.get("label", ""))]))  # fmt: skip
            rows.append([str(run["date"]), what, *[figures.get(k, "") for k in keys]])  # type: ignore[attr-defined]
        out.append(_table(head, rows))
    return "\n".join(out) + "\n"


def _number(text: str) -> float:
    return float(text.replace(",", "").split()[0])


def bench_chart(lang: str) -> str:
    """An SVG bar chart, inline: messages per second of each way of sending, from the latest
    run of `bench/send.py`, with the ideal (concurrency / latency) drawn as a line."""
    latest = [run for run in bench_runs("send") if run.get("columns")][-1]
    bars = [(str(row[0]), _number(str(row[1]))) for row in latest["rows"]]  # type: ignore[attr-defined]
    ideal = 1280.0
    width, left, bar_h, gap = 640, 250, 22, 8
    top = 30
    height = top + len(bars) * (bar_h + gap) + 30
    scale = (width - left - 60) / ideal
    title = _pick(lang, f"Messages per second, 20,000 messages ({latest['date']})",
                  f"Mensajes por segundo, 20.000 mensajes ({latest['date']})",
                  f"Mensagens por segundo, 20.000 mensagens ({latest['date']})")  # fmt: skip
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{title}" '
        'font-family="sans-serif" font-size="13">',
        f'<text x="0" y="18" font-weight="bold">{title}</text>',
    ]
    for i, (label, value) in enumerate(bars):
        y = top + i * (bar_h + gap)
        colour = "#2e7d32" if label.startswith("bulk-sender") else "#90a4ae"
        parts.append(f'<text x="{left - 8}" y="{y + 16}" text-anchor="end">{label}</text>')
        parts.append(f'<rect x="{left}" y="{y}" width="{max(value * scale, 1):.1f}" '
                     f'height="{bar_h}" fill="{colour}"/>')  # fmt: skip
        parts.append(f'<text x="{left + value * scale + 6:.1f}" y="{y + 16}">{value:,.0f}</text>')
    x = left + ideal * scale
    bottom = top + len(bars) * (bar_h + gap)
    parts.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{bottom}" '
                 'stroke="#c62828" stroke-dasharray="4 3"/>')  # fmt: skip
    ideal_words = _pick(lang, "ideal 1,280/s", "ideal 1.280/s", "ideal 1.280/s")
    parts.append(f'<text x="{x:.1f}" y="{bottom + 16}" text-anchor="end" fill="#c62828">'
                 f"{ideal_words}</text>")  # fmt: skip
    parts.append("</svg>")
    return "".join(parts) + "\n"


if __name__ == "__main__":
    found, unread = raised()
    for item in found:
        print(f"{item.error:18} {item.module:24} {item.text}")
    for site in unread:
        print("no literal message:", site)
