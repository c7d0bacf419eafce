"""Render: the bundled templates against the sample data, the checks made before any row is
rendered, the sandbox, and what a row's message may and may not be."""

from __future__ import annotations

import re
import shutil
from datetime import date, time
from pathlib import Path

import jinja2
import pytest
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from bulk_sender import TemplateError
from bulk_sender.contacts.load import read_all
from bulk_sender.messages.render import (
    MAX_LENGTH,
    MessageTemplate,
    Rendered,
    default_locale,
    identifier,
    load_template_source,
    variable_template,
)

from . import cldr
from .conftest import ROOT, run_cli

SAMPLES = ["clientes.csv", "clientes.xlsx"]
TEMPLATES = ROOT / "templates"
PE = "es_PE"


def soles(amount: str) -> str:
    return cldr.money(amount, "PEN", PE)


def weekday(day: date) -> str:
    """The bundled templates' date pattern, as CLDR writes it in Peru."""
    return cldr.day(day, "EEEE d 'de' MMMM", PE)


def at(hour: int, minute: int = 0) -> str:
    return cldr.clock(time(hour, minute), "short", PE)


# Rows 1 and 2 of the sample data, and Renato's row, whose delivery date is empty. The words
# around the values are the templates'; the values' writing is CLDR's (`tests/cldr.py`).
EXPECTED = {
    "pedido_enviado": [
        "Hola María 👋\n"
        "Tu pedido *PED-10450* ya salió de nuestro almacén y llegará a Arequipa el "
        f"*{weekday(date(2026, 12, 4))}*.\n"
        f"Total: {soles('2214.36')}\n"
        "¡Gracias por tu compra!",
        "Hola José 👋\n"
        "Tu pedido *PED-10451* ya salió de nuestro almacén y llegará a Iquitos el "
        f"*{weekday(date(2026, 12, 19))}*.\n"
        f"Total: {soles('1886.28')}\n"
        "¡Gracias por tu compra!",
        Rendered(code="missing_value", detail="Fecha Entrega is empty in this row"),
    ],
    "recordatorio_cita": [
        "Hola María, te recordamos tu cita en nuestra sede de Arequipa:\n"
        f"*{weekday(date(2026, 12, 7)).capitalize()}, {at(16, 30)}*\n"
        "Si no puedes asistir, responde a este mensaje y la reprogramamos.",
        "Hola José, te recordamos tu cita en nuestra sede de Iquitos:\n"
        f"*{weekday(date(2026, 12, 22)).capitalize()}, {at(16, 30)}*\n"
        "Si no puedes asistir, responde a este mensaje y la reprogramamos.",
        "Hola Renato, te recordamos tu cita en nuestra sede de Lima:\n"
        f"*{weekday(date(2026, 12, 9)).capitalize()}, {at(17)}*\n"
        "Si no puedes asistir, responde a este mensaje y la reprogramamos.",
    ],
    "pago_pendiente": [
        f"Hola, María José Quispe. Le recordamos que el pago de *{soles('2214.36')}* de su "
        f"pedido PED-10450 vence el {weekday(date(2026, 12, 19))}.\n"
        "Puede pagar por Yape, Plin o transferencia bancaria.\n"
        "_Si ya realizó el pago, por favor ignore este mensaje._",
        f"Hola, José Luis Mamani. Le recordamos que el pago de *{soles('1886.28')}* de su "
        f"pedido PED-10451 vence el {weekday(date(2027, 1, 3))}.\n"
        "Puede pagar por Yape, Plin o transferencia bancaria.\n"
        "_Si ya realizó el pago, por favor ignore este mensaje._",
        f"Hola, Renato Sáenz. Le recordamos que el pago de *{soles('1148.74')}* de su "
        f"pedido PED-10483 vence el {weekday(date(2026, 12, 21))}.\n"
        "Puede pagar por Yape, Plin o transferencia bancaria.\n"
        "_Si ya realizó el pago, por favor ignore este mensaje._",
    ],
}
COLUMNS = ("Nombre Cliente", "Teléfono", "Total", "Fecha Entrega")


def jinja_says(source: str) -> str:
    """Jinja's own words for a template it cannot compile, as a regular expression."""
    try:
        jinja2.Environment().from_string(source)
    except jinja2.TemplateSyntaxError as exc:
        return re.escape(f"line {exc.lineno}: {exc.message}")
    raise AssertionError(f"Jinja compiles {source}")


def sandbox_says(source: str) -> str:
    """Jinja's immutable sandbox refusing `source` on a row, in its words, as a pattern."""
    try:
        ImmutableSandboxedEnvironment().from_string(source).render(row={})
    except SecurityError as exc:
        return re.escape(str(exc))
    raise AssertionError(f"the sandbox lets {source} run")


def template(source: str, columns=COLUMNS, locale: str = "es_PE") -> MessageTemplate:
    return MessageTemplate(source, columns, name="t", locale=locale)


def rendered(source: str, *values: object, columns=COLUMNS) -> Rendered:
    return template(source, columns).render(values)


def test_the_bundled_templates_are_the_ones_tested():
    assert sorted(p.stem for p in TEMPLATES.glob("*.txt")) == sorted(EXPECTED)


@pytest.mark.parametrize("sample", SAMPLES)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bundled_templates_render_the_sample_data_as_expected(name, sample):
    table, contacts = read_all(ROOT / "sample_data" / sample)
    source, stem = load_template_source(name, TEMPLATES)
    compiled = MessageTemplate(source, table.columns, name=stem, locale=default_locale("PE"))
    renato = next(c for c in contacts if c.values[0] == "Renato Sáenz")
    if sample.endswith(".xlsx"):  # typed cells reach the filters as they are
        assert [type(v) for v in contacts[0].values[4:8]] == [float, date, date, time]

    results = [compiled.render(c.values) for c in (contacts[0], contacts[1], renato)]

    expected = [e if isinstance(e, Rendered) else Rendered(text=e) for e in EXPECTED[name]]
    assert results == expected


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("Nombre Cliente", "nombre_cliente"),
        ("Teléfono", "telefono"),
        ("  Fecha-Entrega (dd/mm) ", "fecha_entrega_dd_mm"),
        ("2do Apellido", "c_2do_apellido"),
        ("Row", "row_"),
        ("Range", "range_"),
        ("True", "true_"),
        ("¿?", "column"),
    ],
)
def test_headers_become_identifiers(header, name):
    assert identifier(header) == name


def test_original_headers_are_reachable_through_row():
    source = '{{ row["Nombre Cliente"] }} / {{ nombre_cliente }} / {{ row.Total }}'

    assert rendered(source, "Ana", "999", "12", "").text == "Ana / Ana / 12"


def test_two_headers_with_one_identifier_shadow_neither():
    columns = ("Teléfono", "Telefono", "Nombre")
    ok = template('{{ row["Teléfono"] }} {{ row["Telefono"] }} {{ nombre }}', columns)
    assert ok.render(("1", "2", "Ana")).text == "1 2 Ana"
    assert "telefono" not in ok.variables

    with pytest.raises(
        TemplateError, match="could be column 'Teléfono' or 'Telefono'; say which: row"
    ):
        template("{{ telefono }}", columns)


@pytest.mark.parametrize("empty", ["", "   ", None])
def test_an_empty_cell_is_missing_and_marks_only_its_row(empty):
    compiled = template("Hola {{ nombre_cliente }}")

    assert compiled.render((empty, "1", "", "")) == Rendered(
        code="missing_value", detail="Nombre Cliente is empty in this row"
    )
    assert compiled.render(("Ana", "1", "", "")).text == "Hola Ana"


def test_an_empty_cell_read_through_row_is_missing_too():
    assert rendered('{{ row["Fecha Entrega"] }}', "Ana", "1", "", "").code == "missing_value"


def test_a_default_or_a_test_for_defined_covers_an_empty_cell():
    source = (
        'Hola {{ nombre_cliente|default("cliente") }}. '
        "{% if fecha_entrega is defined %}Llega el {{ fecha_entrega|date(\"d 'de' MMMM\") }}."
        "{% else %}Te avisaremos la fecha.{% endif %}"
    )

    assert rendered(source, "", "1", "", "").text == "Hola cliente. Te avisaremos la fecha."
    day = cldr.day(date(2026, 11, 25), "d 'de' MMMM", PE)
    assert rendered(source, "Ana", "1", "", date(2026, 11, 25)).text == f"Hola Ana. Llega el {day}."


def test_an_unknown_variable_is_a_usage_error_naming_the_closest_column():
    with pytest.raises(TemplateError) as caught:
        template("Hola {{ nombre }}, {{ fecha_entega }} {{ zzz }}")

    message = str(caught.value)
    assert "{{ fecha_entega }} (did you mean 'fecha_entrega'?)" in message
    assert "{{ nombre }} (did you mean 'nombre_cliente'?)" in message
    assert "{{ zzz }} match no column" in message
    assert "the file offers: nombre_cliente, telefono, total, fecha_entrega" in message
    assert caught.value.exit_code == 2


def test_an_unknown_row_key_is_a_usage_error():
    with pytest.raises(TemplateError, match=r"row\['Nombre'\] names no column \(did you mean"):
        template('{{ row["Nombre"] }}')


@pytest.mark.parametrize(
    "source",
    [
        "{% for i in range(2) %}{{ loop.index }}{{ i }}{% endfor %}",
        "{% set saludo = 'Hola' %}{{ saludo }} {{ nombre_cliente }}",
        "{% for key, value in row.items() %}{{ key }}={{ value }};{% endfor %}",
        "{{ row.get('Total', '0') }} {{ fecha_entrega.year }}",
        "{% macro firma() %}Tienda{% endmacro %}{{ firma() }}",
    ],
)
def test_loops_sets_and_attribute_access_give_no_false_errors(source):
    assert rendered(source, "Ana", "1", "12", date(2026, 11, 25)).text


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ ''['__class__'] }}",
        "{{ row|attr('__class__') }}",
        "{{ nombre_cliente.__init__.__globals__ }}",
    ],
)
def test_python_internals_are_refused_before_any_row(source):
    with pytest.raises(TemplateError, match=r"refused by the sandbox: __\w+__ reaches Python"):
        template(source)


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("{{ nombre_cliente * 5000 }}", "repetition is too long"),
        ("{{ total|int ** 99999 }}", "power 99999 is too large"),
        ("{{ row.clear() }}", "may not use 'clear'"),
    ],
)
def test_a_sandbox_refusal_while_rendering_stops_the_run(source, reason):
    compiled = template(source)

    with pytest.raises(TemplateError, match=f"t: refused by the sandbox: .*{reason}") as caught:
        compiled.render(("Ana", "1", "12", ""))
    if "clear" in source:  # the sandbox's own English is said in our words, not passed on
        assert not re.search(sandbox_says(source), str(caught.value))


def test_whatsapp_formatting_passes_untouched_and_trailing_spaces_go():
    source = "*Hola* _{{ nombre_cliente }}_ ~tachado~ ```mono```   \n\n<b>&amp;</b>  \n  "

    text = rendered(source, "Ana & Luis", "1", "", "").text

    assert text == "*Hola* _Ana & Luis_ ~tachado~ ```mono```\n\n<b>&amp;</b>"


def test_block_tags_leave_no_blank_lines():
    source = "Hola\n{% if total is defined %}\nTotal: {{ total }}\n{% endif %}\nChau\n"

    assert rendered(source, "Ana", "1", "", "").text == "Hola\nChau"
    assert rendered(source, "Ana", "1", 12.0, "").text == "Hola\nTotal: 12\nChau"


def test_an_empty_message_and_a_too_long_one_are_invalid():
    fits = rendered("{{ nombre_cliente }}", "x" * MAX_LENGTH, "1", "", "")
    too_long = rendered("{{ nombre_cliente }}", "x" * (MAX_LENGTH + 1), "1", "", "")
    empty = rendered("{% if false %}hola{% endif %}  \n ", "Ana", "1", "", "")

    assert len(fits.text) == MAX_LENGTH
    assert (too_long.code, too_long.detail) == ("too_long", "4097 characters, WhatsApp allows 4096")
    assert empty.code == "empty_message"


def test_a_value_the_filter_cannot_read_marks_its_row_bad_value():
    compiled = template('{{ total|money("PEN") }}')

    assert compiled.render(("Ana", "1", "n/a", "")) == Rendered(
        code="bad_value", detail="'n/a' is not a number"
    )
    assert compiled.render(("Ana", "1", "1.234,50", "")).text == soles("1234.50")


def test_a_template_mistake_on_a_value_marks_its_row_template_error():
    result = rendered("{{ nombre_cliente.upper }}{{ total + 1 }}", "Ana", "1", "12", "")

    assert result.code == "template_error"


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ('{{ total|money("SOLES") }}', "'SOLES' is not a currency code"),
        ("{{ fecha_entrega|date('dd/mm/yyyy') }}", "mm means minutes"),
        ('{{ fecha_entrega|date("d \'de MMMM") }}', "quote is not closed"),
        ("{{ fecha_entrega|time('d/M') }}", "use the date filter"),
        ("{{ nombre_cliente|fecha }}", "line 1: there is no filter named 'fecha'"),
        ("Hola {{ nombre_cliente }", "line 1: '}' is out of place"),
    ],
)
def test_mistakes_that_would_fail_every_row_fail_at_compile_time(source, reason):
    with pytest.raises(TemplateError, match=re.escape(reason)) as caught:
        template(source)
    if "fecha }}" in source or source.endswith(" }"):  # Jinja's English, said in our words
        assert not re.search(jinja_says(source), str(caught.value))


def test_money_without_currency_needs_a_locale_with_a_country():
    assert rendered("{{ total|money }}", "Ana", "1", 5, "").text == soles("5")
    with pytest.raises(TemplateError, match="locale es has no country"):
        template("{{ total|money }}", locale="es")


def test_typed_cells_without_a_filter_print_as_people_write_them():
    source = "{{ total }} {{ fecha_entrega }} {{ row['Teléfono'] }}"

    text = rendered(source, "Ana", time(9, 30), 10450.0, date(2026, 11, 25)).text

    assert text == f"10450 {cldr.day(date(2026, 11, 25), 'long', PE)} {at(9, 30)}"


@pytest.mark.parametrize(
    ("country", "locale"),
    [("PE", "es_PE"), ("mx", "es_MX"), ("BR", "pt_BR"), ("CO", "es_CO"), ("US", "es_US"),
     ("DE", "es"), (None, "es"), ("", "es")],
)  # fmt: skip
def test_the_locale_follows_the_country(country, locale):
    assert default_locale(country) == locale


def test_an_unknown_locale_is_a_usage_error():
    with pytest.raises(TemplateError, match="--locale xx_YY: unknown locale"):
        template("hola", locale="xx_YY")


@pytest.mark.parametrize(
    ("expression", "expected"),
    [("Nombre Cliente", "Ana"), ("nombre_cliente", "Ana"), ("Hola", "Hola"),
     ("{{ total|money('PEN') }}", soles("12"))],
)  # fmt: skip
def test_wa_template_variables_take_a_header_an_identifier_or_an_expression(expression, expected):
    compiled = variable_template(expression, COLUMNS, name="--var 1", locale="es_PE")

    assert compiled.render(("Ana", "1", "12", "")).text == expected


def test_a_template_is_found_by_name_or_path(tmp_path):
    own = tmp_path / "mio.txt"
    own.write_text("\ufeffHola {{ nombre }}", encoding="utf-8")

    assert load_template_source("pedido_enviado", TEMPLATES)[1] == "pedido_enviado"
    assert load_template_source(str(own), TEMPLATES) == ("Hola {{ nombre }}", "mio")
    with pytest.raises(TemplateError, match="no such template file"):
        load_template_source("no_existe", TEMPLATES)


# End to end: the CLI as a user runs it.


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "sample_data" / "clientes.csv", tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("Hola {{ nombre }}, tu descuento: {{ descuento }}", "{{ descuento }} matches no column"),
        ("{{ ''.__class__.__mro__ }}", "refused by the sandbox"),
        ("Hola {{ nombre * 5000 }}", "refused by the sandbox: that repetition is too long"),
    ],
)
def test_a_template_that_cannot_work_stops_the_run_before_sending(
    workdir, serve, message, expected
):
    server = serve()
    args = ["send", "clientes.csv", "-m", message, "--country", "PE", "--live", "--yes",
            "--api-url", server.url, "--quiet"]  # fmt: skip

    result = run_cli(*args, cwd=workdir, env={"PLAZBOT_WORKSPACE_ID": "sandbox"})

    assert result.returncode == 2
    assert expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert server.deliveries() == []


def test_the_dry_run_previews_three_messages_and_counts_the_different_ones(workdir):
    shutil.copytree(TEMPLATES, workdir / "templates")
    result = run_cli("send", "clientes.csv", "-t", "pedido_enviado", "--country", "PE", cwd=workdir)

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Phone column: Teléfono (")  # which columns, first of all
    assert lines[2] == "Preview of the first 3 messages (43 to send, 43 different texts):"
    assert lines[3:6] == ["", "row 2, to +51952880483", "    Hola María 👋"]
    assert f"    Total: {soles('2214.36')}" in lines
    assert sum(line.startswith("row ") for line in lines) == 3
    assert "missing_value 1" in result.stdout


def test_the_preview_survives_a_console_that_cannot_show_emoji(workdir):
    shutil.copytree(TEMPLATES, workdir / "templates")
    env = {"PYTHONIOENCODING": "ascii"}  # like a Windows console in a legacy code page

    result = run_cli("send", "clientes.csv", "-t", "pedido_enviado", "--country", "PE",
                     cwd=workdir, env=env)  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert "    Hola Mar?a ?" in result.stdout.splitlines()
