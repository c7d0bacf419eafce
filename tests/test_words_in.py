"""Words in (docs/spec.md section 11): what the contacts and message stages say, in Spanish and
Brazilian Portuguese, whole: every error they raise and every row detail they give.

Each expectation is the catalog's own translation (`translations(lang)`), formatted, never
hard-coded Spanish or Portuguese, so a better translation does not break a test; what is
asserted is the project's decision: which sentence is said, that it is translated (not the
English), and that it still names the file, the row and the column. What comes from a library
(Jinja's, Babel's, phonenumbers' words) is compared with that library's own output.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jinja2
import openpyxl
import phonenumbers
import pytest
from babel import Locale
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from bulk_sender import ConfigError, InputError
from bulk_sender.contacts.load import open_contacts, read_all
from bulk_sender.contacts.phone_columns import (
    ColumnsUsed,
    LeftOut,
    detect_phone_columns,
    phone_columns_for,
)
from bulk_sender.contacts.phones import country_flag, normalise_phone
from bulk_sender.errors import TemplateError
from bulk_sender.language import translations, use_language
from bulk_sender.lifecycle import Move, first
from bulk_sender.messages.compose import Composer, WaTemplateSpec, check_variables
from bulk_sender.messages.filters import check_pattern, to_date, to_decimal, to_time
from bulk_sender.messages.render import MAX_LENGTH, MessageTemplate, load_template_source
from bulk_sender.records import Contact, Outcome

from .conftest import ROOT, run_cli

LANGUAGES = ["es", "pt_BR"]


@pytest.fixture(params=LANGUAGES)
def lang(request: pytest.FixtureRequest) -> Iterator[str]:
    with use_language(request.param):
        yield request.param


def words(lang: str, msgid: str, **fields: Any) -> str:
    """The catalog's translation of `msgid`, filled in: what the code must say."""
    return translations(lang).gettext(msgid).format(**fields)


def plural(lang: str, singular: str, plural_: str, n: int, **fields: Any) -> str:
    return translations(lang).ngettext(singular, plural_, n).format(n=n, **fields)


def english(msgid: str, **fields: Any) -> str:
    return msgid.format(**fields)


def said(caught: pytest.ExceptionInfo[BaseException]) -> str:
    return str(caught.value)


def with_hint(lang: str, problem: str, hint: str) -> str:
    return words(lang, "{problem} (hint: {hint})", problem=problem, hint=hint)


def assert_translated(text: str, msgid: str, **fields: Any) -> None:
    """The translation is not the English: no sentence of the msgid's left."""
    assert text != english(msgid, **fields)
    assert english(msgid, **fields) not in text


# Errors: the contacts file.


def test_a_missing_file(lang, tmp_path):
    path = tmp_path / "falta.csv"
    with pytest.raises(InputError) as caught:
        open_contacts(path)
    assert said(caught) == words(lang, "{file}: no such file", file=path)
    assert_translated(said(caught), "{file}: no such file", file=path)


def test_an_unsupported_file_type(lang, tmp_path):
    path = tmp_path / "lista.pdf"
    path.write_bytes(b"%PDF-1.4")
    msgid = (
        "{file}: unsupported file type {suffix}; use .csv, .tsv, .txt, .xlsx, .xlsm, .xls or .ods"
    )
    with pytest.raises(InputError) as caught:
        open_contacts(path)
    assert said(caught) == words(lang, msgid, file=path, suffix=".pdf")
    assert_translated(said(caught), msgid, file=path, suffix=".pdf")


@pytest.mark.parametrize("name", ["roto.xlsx", "roto.xls"])
def test_a_damaged_spreadsheet_in_our_words_not_calamines(lang, tmp_path, name):
    import python_calamine

    path = tmp_path / name
    path.write_bytes(b"<html><table></table></html>")
    msgid = "{file}: cannot read this spreadsheet: it is damaged, or it is not really a {kind} file"
    with pytest.raises(InputError) as caught:
        open_contacts(path)
    hint = words(lang, "open it in Excel or LibreOffice and save it again as .xlsx or .csv")
    problem = words(lang, msgid, file=path, kind=path.suffix)
    assert said(caught) == with_hint(lang, problem, hint)
    assert_translated(problem, msgid, file=path, kind=path.suffix)
    with pytest.raises(Exception) as library:
        python_calamine.CalamineWorkbook.from_path(str(path))
    assert str(library.value) not in said(caught)


def test_a_password_protected_workbook(lang, tmp_path):
    path = tmp_path / "clave.xlsx"
    path.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504))  # Excel's encrypted .xlsx
    msgid = "{file}: cannot read this spreadsheet: it is protected with a password"
    with pytest.raises(InputError) as caught:
        open_contacts(path)
    assert said(caught).startswith(words(lang, msgid, file=path) + " (")
    assert_translated(words(lang, msgid, file=path), msgid, file=path)


def test_an_empty_file(lang, tmp_path):
    path = tmp_path / "vacio.csv"
    path.write_bytes(b"\r\n\r\n")
    with pytest.raises(InputError) as caught:
        open_contacts(path)
    assert said(caught) == words(lang, "{file}: the file has no rows", file=path)
    assert_translated(said(caught), "{file}: the file has no rows", file=path)


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    path = tmp_path / "libro.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Clientes"
    book.active.append(["Nombre", "Celular"])
    book.create_sheet("Notas")
    book.save(path)
    return path


def test_no_such_sheet_by_name_or_number(lang, workbook):
    with pytest.raises(InputError) as by_name:
        open_contacts(workbook, sheet="Ventas")
    msgid = "{file}: no sheet named {name}; sheets: {sheets}"
    fields = {"file": workbook, "name": "'Ventas'", "sheets": "Clientes, Notas"}
    assert said(by_name) == words(lang, msgid, **fields)
    assert_translated(said(by_name), msgid, **fields)

    with pytest.raises(InputError) as by_number:
        open_contacts(workbook, sheet=5)
    one = "{file}: no sheet number {number}; it has {n}: {sheets}"
    expected = plural(lang, one, one, 2, file=workbook, number=5, sheets="Clientes, Notas")
    assert said(by_number) == expected
    assert_translated(expected, one, file=workbook, number=5, n=2, sheets="Clientes, Notas")


def test_undecodable_text_names_the_line_and_the_encoding(lang, tmp_path):
    path = tmp_path / "cortado.txt"
    path.write_bytes("Nombre\tCelular\r\nAna\t987654321\r\n".encode("utf-16") + b"\x00")
    msgid = (
        "{file}: cannot read as {encoding} text: line {line} holds bytes that are not {encoding}"
    )
    with pytest.raises(InputError) as caught:
        read_all(path)
    problem = words(lang, msgid, file=path, encoding="utf-16", line=3)
    hint = words(lang, "open it in Excel or LibreOffice and save it again as CSV UTF-8")
    assert said(caught) == with_hint(lang, problem, hint)
    assert_translated(problem, msgid, file=path, encoding="utf-16", line=3)


def test_a_csv_the_csv_module_cannot_read_in_our_words(lang, tmp_path):
    path = tmp_path / "enorme.csv"
    path.write_text("Nombre,Celular\nAna," + "9" * 200_000 + "\n", encoding="utf-8")
    msgid = "{file}: line {line}: cannot read as CSV: a cell is longer than {limit} characters"
    with pytest.raises(InputError) as caught:
        read_all(path)
    fields = {"file": path, "line": 2, "limit": 131072}
    assert said(caught) == words(lang, msgid, **fields)
    assert_translated(said(caught), msgid, **fields)
    assert "field larger than field limit" not in said(caught)  # the csv module's English


# Errors: the phone columns.


def test_no_phone_column_names_the_file_the_row_and_the_columns(lang, tmp_path):
    path = tmp_path / "sin_telefono.csv"
    path.write_text("Título\n\nNombre;Ciudad;Pedido\nAna;Lima;PED-1\n", encoding="utf-8")
    msgid = "{file}: no phone column found in row {row}; columns: {columns}"
    with pytest.raises(InputError) as caught:
        phone_columns_for(open_contacts(path), None, "PE")
    fields = {"file": path, "row": 3, "columns": "Nombre, Ciudad, Pedido"}
    problem = words(lang, msgid, **fields)
    assert said(caught) == with_hint(lang, problem, words(lang, "name it with --phone-column"))
    assert_translated(problem, msgid, **fields)
    assert str(path) in problem and "3" in problem and "Nombre, Ciudad, Pedido" in problem


@pytest.mark.parametrize("others", [["AssistantPhone"], ["AssistantPhone", "Spouse Mobile"]])
def test_only_other_peoples_columns_by_ngettext(lang, tmp_path, others):
    path = tmp_path / "crm.csv"
    numbers = ["987654321", "912345678"][: len(others)]
    path.write_text(f"Name,{','.join(others)}\nAna,{','.join(numbers)}\n", encoding="utf-8")
    one = (
        "{file}: no column of the contacts' own phones in row {row}; "
        "{columns} holds another person's number"
    )
    many = (
        "{file}: no column of the contacts' own phones in row {row}; "
        "{columns} hold other people's numbers"
    )
    with pytest.raises(InputError) as caught:
        phone_columns_for(open_contacts(path), None, "PE")
    fields = {"file": path, "row": 1, "columns": ", ".join(others)}
    problem = plural(lang, one, many, len(others), **fields)
    assert said(caught).startswith(problem + " (")
    assert_translated(problem, one if len(others) == 1 else many, **fields)


def test_a_named_column_that_is_not_there(lang, tmp_path):
    path = tmp_path / "clientes.csv"
    path.write_text("Nombre,Celular,País\nAna,987654321,Perú\n", encoding="utf-8")
    table = open_contacts(path)

    with pytest.raises(InputError) as phone:
        phone_columns_for(table, "Movil", "PE")
    msgid = "{where}--phone-column {name}: no such column; columns: {columns}"
    fields = {"where": f"{path}: ", "name": "Movil", "columns": "Nombre, Celular, País"}
    assert said(phone) == words(lang, msgid, **fields)
    assert_translated(said(phone), msgid, **fields)

    with pytest.raises(InputError) as country:
        phone_columns_for(table, None, "PE", country="Pays")
    msgid = "{file}: --country-column {name}: no such column; columns: {columns}"
    fields = {"file": path, "name": "Pays", "columns": "Nombre, Celular, País"}
    hint = words(lang, "name one of them, or {none} to use --country for every row", none="none")
    assert said(country) == with_hint(lang, words(lang, msgid, **fields), hint)
    assert_translated(words(lang, msgid, **fields), msgid, **fields)


def test_a_country_that_is_none(lang):
    msgid = "--country {country}: not a country; use an ISO code such as PE or MX"
    with pytest.raises(ConfigError) as caught:
        country_flag("Atlantis")
    assert said(caught) == words(lang, msgid, country="Atlantis")
    assert_translated(said(caught), msgid, country="Atlantis")


# Errors: the template.

COLUMNS = ("Nombre", "Celular", "Total", "Fecha")


def jinja_message(source: str) -> str:
    """Jinja's own words for a template it cannot compile."""
    try:
        jinja2.Environment().from_string(source)
    except jinja2.TemplateSyntaxError as exc:
        return str(exc.message)
    raise AssertionError(f"Jinja compiles {source}")


@pytest.mark.parametrize(
    ("source", "msgid", "fields"),
    [
        ("Hola {{ nombre }", "line {line}: {found} is out of place", {"found": "'}'"}),
        ("{% if nombre %}Hola", "line {line}: {block} is never closed; end it with {end}",
         {"block": "{% if %}", "end": "{% endif %}"}),
        ("{% if nombre %}{% endfor %}",
         "line {line}: {tag} comes before {block} is closed with {end}",
         {"tag": "{% endfor %}", "block": "{% if %}", "end": "{% endif %}"}),
        ("{% saludo %}", "line {line}: {tag} is not an instruction templates know",
         {"tag": "{% saludo %}"}),
        ("{% endif %}", "line {line}: {tag} closes no block", {"tag": "{% endif %}"}),
        ("{{ nombre|fecha }}", "line {line}: there is no filter named {name}", {"name": "'fecha'"}),
        ("{{ $ }}",
         "line {line}: the character {char} cannot be used inside {printed} or {statement}",
         {"char": "'$'", "printed": "{{ }}", "statement": "{% %}"}),
        ("{{ nombre total }}",
         "line {line}: {found} is out of place; check the {printed} and {statement} of this line",
         {"found": "'total'", "printed": "{{ }}", "statement": "{% %}"}),
        ("{{ }}", "line {line}: a value is missing inside {printed} or {statement}",
         {"printed": "{{ }}", "statement": "{% %}"}),
        ("{{ (nombre }}", "line {line}: {found} where {expected} was expected",
         {"found": "'}'", "expected": "')'"}),
    ],
)  # fmt: skip
def test_a_jinja_syntax_error_is_our_sentence_not_jinjas(lang, source, msgid, fields):
    with pytest.raises(TemplateError) as caught:
        MessageTemplate(source, COLUMNS, name="-m")
    assert said(caught) == "-m: " + words(lang, msgid, line=1, **fields)
    assert_translated(said(caught), msgid, line=1, **fields)
    assert jinja_message(source) not in said(caught)
    assert jinja_message(source).rstrip(".") not in said(caught)


def test_an_unknown_variable_is_our_sentence_naming_it_and_the_closest_column(lang):
    with pytest.raises(TemplateError) as caught:
        MessageTemplate("Hola {{ nombr }}", COLUMNS, name="-m")
    one = "{variables} matches no column; the file offers: {offered}"
    many = "{variables} match no column; the file offers: {offered}"
    variable = words(lang, "{variable} (did you mean {suggestion}?)",
                     variable="{{ nombr }}", suggestion="'nombre'")  # fmt: skip
    offered = "nombre, celular, total, fecha"
    assert said(caught) == "-m: " + plural(lang, one, many, 1, variables=variable, offered=offered)
    assert_translated(said(caught), one, variables="{{ nombr }} (did you mean 'nombre'?)",
                      offered=offered)  # fmt: skip
    # Jinja's own words for an unknown name, had the template been rendered:
    with pytest.raises(jinja2.UndefinedError) as jinja:
        jinja2.Environment(undefined=jinja2.StrictUndefined).from_string("{{ nombr }}").render()
    assert str(jinja.value) not in said(caught)
    assert "is undefined" not in said(caught)


def test_two_unknown_variables_are_listed_with_the_languages_and(lang):
    with pytest.raises(TemplateError) as caught:
        MessageTemplate("{{ zzz }} {{ yyy }}", COLUMNS, name="-m")
    both = Locale.parse(lang).list_patterns["standard"]["2"].format("{{ yyy }}", "{{ zzz }}")
    one = "{variables} matches no column; the file offers: {offered}"
    many = "{variables} match no column; the file offers: {offered}"
    expected = plural(lang, one, many, 2, variables=both, offered="nombre, celular, total, fecha")
    assert said(caught) == "-m: " + expected


def test_a_variable_two_columns_give_says_so_with_the_languages_or(lang):
    columns = ("Teléfono", "Telefono")
    with pytest.raises(TemplateError) as caught:
        MessageTemplate("{{ telefono }}", columns, name="-m")
    either = Locale.parse(lang).list_patterns["or"]["2"]
    msgid = "{variable} could be column {columns}; say which: {choices}"
    fields = {
        "variable": "{{ telefono }}",
        "columns": either.format("'Teléfono'", "'Telefono'"),
        "choices": either.format("row['Teléfono']", "row['Telefono']"),
    }
    assert said(caught) == "-m: " + words(lang, msgid, **fields)
    assert_translated(said(caught), msgid, **fields)


def test_an_unknown_row_key(lang):
    with pytest.raises(TemplateError) as caught:
        MessageTemplate('{{ row["Nombres"] }}', COLUMNS, name="-m")
    msgid = "{key} names no column (did you mean {suggestion}?); columns: {columns}"
    fields = {"key": "row['Nombres']", "suggestion": "row['Nombre']", "columns": ", ".join(COLUMNS)}
    assert said(caught) == "-m: " + words(lang, msgid, **fields)
    assert_translated(said(caught), msgid, **fields)


@pytest.mark.parametrize(
    ("source", "msgid", "fields"),
    [
        ('{{ total|money("SOLES") }}', "line {line}: {code} is not a currency code (PEN, MXN...)",
         {"code": "'SOLES'"}),
        ("{{ ''.__class__ }}",
         "line {line}: refused by the sandbox: {name} reaches Python internals",
         {"name": "__class__"}),
    ],
)  # fmt: skip
def test_template_mistakes_found_before_any_row(lang, source, msgid, fields):
    with pytest.raises(TemplateError) as caught:
        MessageTemplate(source, COLUMNS, name="-m", locale="es_PE")
    assert said(caught) == "-m: " + words(lang, msgid, line=1, **fields)
    assert_translated(said(caught), msgid, line=1, **fields)


@pytest.mark.parametrize(
    ("pattern", "msgid"),
    [
        ("dd/mm/yyyy", "mm means minutes; write MM for the month"),
        ("dd/MM/YYYY", "YYYY is the week-based year, wrong late in December; write yyyy"),
        ("d 'de MMMM", "a quote is not closed; quote words like this: d 'de' MMMM"),
    ],
)
def test_a_bad_date_pattern_in_a_template(lang, pattern, msgid):
    source = "{{ fecha|date(" + repr(pattern) + ") }}"
    with pytest.raises(TemplateError) as caught:
        MessageTemplate(source, COLUMNS, name="-m", locale="es_PE")
    problem = words(lang, msgid)
    line = "line {line}: {filter}: {problem}"
    assert said(caught) == "-m: " + words(lang, line, line=1, filter="date", problem=problem)
    assert_translated(problem, msgid)


def test_a_pattern_babel_refuses_in_our_words_not_babels(lang):
    from babel.dates import parse_pattern

    with pytest.raises(ValueError) as caught:
        check_pattern("date", "QQQQQQ")
    msgid = "{field} has too many or too few letters for a pattern field"
    assert said(caught) == words(lang, msgid, field="QQQQQQ")
    with pytest.raises(ValueError) as babel:
        parse_pattern("QQQQQQ")
    assert str(babel.value) not in said(caught)


def test_a_sandbox_refusal_while_rendering(lang):
    compiled = MessageTemplate("{{ nombre * 5000 }}", COLUMNS, name="-m")
    with pytest.raises(TemplateError) as caught:
        compiled.render(("Ana", "987654321", "1", ""))
    msgid = "{template}: refused by the sandbox: {reason}"
    reason = words(lang, "that repetition is too long")
    assert said(caught) == words(lang, msgid, template="-m", reason=reason)
    assert_translated(said(caught), msgid, template="-m", reason="that repetition is too long")


def test_the_template_file_and_the_locale(lang, tmp_path):
    with pytest.raises(TemplateError) as missing:
        load_template_source("promo", tmp_path)
    msgid = "{name}: no such template file, nor {path}"
    fields = {"name": "promo", "path": tmp_path / "promo.txt"}
    assert said(missing) == words(lang, msgid, **fields)
    assert_translated(said(missing), msgid, **fields)

    bad = tmp_path / "latin.txt"
    bad.write_bytes("Hola ñandú".encode("utf-16"))
    with pytest.raises(TemplateError) as undecodable:
        load_template_source(str(bad), tmp_path)
    msgid = "{file}: cannot read the template: it is not UTF-8 text"
    problem = words(lang, msgid, file=bad)
    assert said(undecodable) == with_hint(lang, problem, words(lang, "save it again as UTF-8 text"))

    with pytest.raises(TemplateError) as locale:
        MessageTemplate("Hola", COLUMNS, locale="xx_YY")
    msgid = "--locale {name}: unknown locale"
    assert said(locale) == words(lang, msgid, name="xx_YY")
    assert_translated(said(locale), msgid, name="xx_YY")


# Errors: composing (approved WhatsApp templates' variables and columns).


@pytest.mark.parametrize(
    ("pairs", "msgid", "fields"),
    [
        ([("1", "a"), ("3", "b")], "{flag}: number the variables 1, 2, 3... (given {names})",
         {"names": "1, 3"}),
        ([("1", "a"), ("nombre", "b")],
         "{flag}: use numbers (1, 2, 3...) or names, not both ({names})", {"names": "1, nombre"}),
        ([("mi-nombre", "a")],
         "{flag} {name}=...: a variable is a number or a name of letters, digits and _",
         {"name": "mi-nombre"}),
        ([("nombre", "a"), ("nombre", "b")], "{flag}: the variable {name} is given twice",
         {"name": "nombre"}),
    ],
)  # fmt: skip
def test_template_variables_given_wrong(lang, pairs, msgid, fields):
    with pytest.raises(ConfigError) as caught:
        check_variables(pairs, "--var")
    assert said(caught) == words(lang, msgid, flag="--var", **fields)
    assert_translated(said(caught), msgid, flag="--var", **fields)


def test_composer_options_given_wrong(lang):
    with pytest.raises(ConfigError) as neither:
        Composer(COLUMNS, "Celular")
    msgid = "give one of a message template or an approved WhatsApp template"
    assert said(neither) == words(lang, msgid)
    assert_translated(said(neither), msgid)

    with pytest.raises(InputError) as media:
        Composer(COLUMNS, "Celular", wa_template=WaTemplateSpec("t", media_url_column="Foto"))
    msgid = "{flag} {column}: no such column; columns: {columns}"
    fields = {"flag": "--media-url-column", "column": "Foto", "columns": ", ".join(COLUMNS)}
    assert said(media) == words(lang, msgid, **fields)
    assert_translated(said(media), msgid, **fields)

    with pytest.raises(ConfigError) as send_type:
        Composer(COLUMNS, "Celular", wa_template=WaTemplateSpec("t", send_type="mass"))
    msgid = "--send-type {word}: use one of {words}"
    fields = {"word": "mass", "words": "campaign, individual, api"}
    assert said(send_type) == words(lang, msgid, **fields)
    assert_translated(said(send_type), msgid, **fields)


# Row details: the code first and English, the words after it translated whole.


def example(region: str, kind: int) -> str:
    """libphonenumber's own example of a kind of number, as people write it."""
    number = phonenumbers.example_number_for_type(region, kind)
    return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)


def territory(lang: str, region: str) -> str:
    return Locale.parse(lang).territories[region]


@pytest.mark.parametrize(
    ("cell", "region", "code", "msgid", "fields"),
    [
        ("", "PE", "missing_phone", "the phone cell is empty", {}),
        ("no tiene", "PE", "invalid_phone", "{value} is not a phone number",
         {"value": "'no tiene'"}),
        ("987654321", None, "no_country", "{phone} has no country code and no --country was given",
         {"phone": "987654321"}),
        ("5.19877E+10", "PE", "digits_lost",
         "{phone} is in scientific notation: Excel lost the last digits", {"phone": "5.19877E+10"}),
        ("+999 1234567", None, "invalid_phone", "{phone}: unknown country code",
         {"phone": "+999 1234567"}),
        ("+51 9", "PE", "invalid_phone", "{phone}: too short to be a phone number",
         {"phone": "+51 9"}),
        ("+55 11 8765-4321", None, "invalid_phone",
         "{n} digits: a Brazilian mobile has 9 digits after the area code and the ninth digit is "
         "missing ({guess}?)", {"n": 10, "guess": "+55 11 98765-4321"}),
    ],
)  # fmt: skip
def test_each_phone_detail(lang, cell, region, code, msgid, fields):
    phone = normalise_phone(cell, region)
    assert (phone.code, phone.detail) == (code, words(lang, msgid, **fields))
    assert_translated(phone.detail, msgid, **fields)
    outcome = Outcome(first(Move.REJECTED), phone.code, phone.detail)
    assert outcome.result_detail == f"{code}: {words(lang, msgid, **fields)}"  # the code stays


def test_phonenumbers_results_in_our_words_with_the_countrys_name(lang):
    """Too short, too long: phonenumbers' possible lengths, said with CLDR's country name."""
    lengths = phonenumbers.PhoneMetadata.metadata_for_region("MX").general_desc.possible_length
    short, long = "9" * (min(lengths) - 1), "9" * (max(lengths) + 1)
    country = territory(lang, "MX")
    assert country != territory("en", "MX")  # México, not Mexico

    too_short = normalise_phone(f"+52 {short}", None)
    one, many = "{n} digit, too short for {country}", "{n} digits, too short for {country}"
    assert too_short.detail == plural(lang, one, many, len(short), country=country)
    assert "MX" not in too_short.detail and "too short" not in too_short.detail

    too_long = normalise_phone(f"+52 {long}", None)
    one, many = "{n} digit, too long for {country}", "{n} digits, too long for {country}"
    assert too_long.detail == plural(lang, one, many, len(long), country=country)
    assert "too long" not in too_long.detail


def test_a_landline_and_how_an_argentine_mobile_is_written(lang):
    landline = example("PE", PhoneNumberType.FIXED_LINE)
    msgid = "{phone} is a landline; WhatsApp needs a mobile (--allow-landlines keeps it)"
    refused = normalise_phone(landline, "PE")
    assert (refused.code, refused.detail) == ("landline", words(lang, msgid, phone=landline))
    assert_translated(refused.detail, msgid, phone=landline)

    argentine = example("AR", PhoneNumberType.FIXED_LINE)
    msgid = (
        "{phone} is a landline; WhatsApp needs a mobile (--allow-landlines keeps it); "
        "an Argentine mobile is written +54 9 {area} {number} or 0{area} 15 {number}"
    )
    area, number = f"<{words(lang, 'area')}>", f"<{words(lang, 'number')}>"
    assert normalise_phone(argentine, "AR").detail == words(
        lang, msgid, phone=argentine, area=area, number=number
    )
    assert "<area>" not in normalise_phone(argentine, "AR").detail


def test_a_phone_read_in_english_is_worded_again_in_another_language(lang):
    """The cache of phone cells keeps each language's words apart."""
    with use_language("en"):
        english_detail = normalise_phone("no tiene", "PE").detail
    assert normalise_phone("no tiene", "PE").detail != english_detail


def test_several_phone_columns_name_the_column_and_other_peoples_numbers(lang):
    columns = ("Nombre", "MobilePhone", "Phone", "AssistantPhone")
    sample = [("Ana", "987654321", "912345678", "955111222")]
    found = detect_phone_columns(columns, sample, "PE")
    assert found.names == ("MobilePhone", "Phone")

    nothing = found.pick(("Ana", "", "", "955111222"), "PE", False).phone
    msgid = "only another person's number ({others}); nothing in {columns}"
    fields = {"others": "AssistantPhone", "columns": "MobilePhone, Phone"}
    assert (nothing.code, nothing.detail) == ("not_own_phone", words(lang, msgid, **fields))
    assert_translated(nothing.detail, msgid, **fields)

    empty = found.pick(("Ana", "", "", ""), "PE", False).phone
    msgid = "no phone in {columns}"
    assert (empty.code, empty.detail) == (
        "missing_phone", words(lang, msgid, columns="MobilePhone, Phone"))  # fmt: skip
    assert_translated(empty.detail, msgid, columns="MobilePhone, Phone")

    bad = found.pick(("Ana", "", "98765", ""), "PE", False).phone
    inner = normalise_phone("98765", "PE").detail
    assert bad.detail == words(lang, "{problem}; in column {column}", problem=inner, column="Phone")
    assert "in column" not in bad.detail


def test_the_phone_column_choice_lines_by_ngettext(lang):
    used = ColumnsUsed(phones=(("Mobile", 40), ("Phone", 1)), country="País", country_rows=30,
                       default_country="PE", rows=41,
                       left_out=(LeftOut("Asst Phone", 3),))  # fmt: skip
    rows = [plural(lang, "{n} row", "{n} rows", n) for n in (40, 1)]
    columns = ", ".join(
        words(lang, "{column} ({rows})", column=name, rows=r)
        for name, r in zip(("Mobile", "Phone"), rows, strict=True)
    )
    phone_line = plural(lang, "Phone column: {columns}", "Phone columns, in order: {columns}", 2,
                        columns=columns)  # fmt: skip
    left = plural(lang, "{columns} (another person's number)", "{columns} (other people's numbers)",
                  1, columns="Asst Phone")  # fmt: skip
    one = "{column} ({named} of {n} row named a country; the others use --country {country})"
    many = "{column} ({named} of {n} rows named a country; the others use --country {country})"
    country = plural(lang, one, many, 41, column="País", named=30, country="PE")
    assert used.lines() == [
        phone_line,
        words(lang, "Left out: {columns}", columns=left),
        words(lang, "Country column: {column}", column=country),
    ]
    for line in used.lines():
        assert not re.search(r"\b(rows?|in order|Left out|Country column|named a country)\b", line)

    single = ColumnsUsed(phones=(("Celular", 1),), rows=1)
    assert single.lines()[0] == plural(
        lang, "Phone column: {columns}", "Phone columns, in order: {columns}", 1,
        columns=words(lang, "{column} ({rows})", column="Celular",
                      rows=plural(lang, "{n} row", "{n} rows", 1)),
    )  # fmt: skip
    assert single.lines()[1] == words(
        lang, "Country column: {column}",
        column=words(lang, "none (numbers without a country code need a +code or --country)"),
    )  # fmt: skip


def test_each_template_detail(lang):
    template = MessageTemplate("Hola {{ nombre }}: {{ total|number }}", COLUMNS, locale="es_PE")
    missing = template.render(("", "987654321", "5", ""))
    msgid = "{column} is empty in this row"
    assert (missing.code, missing.detail) == ("missing_value", words(lang, msgid, column="Nombre"))
    assert_translated(missing.detail, msgid, column="Nombre")

    bad = template.render(("Ana", "987654321", "n/a", ""))
    msgid = "{value} is not a number"
    assert (bad.code, bad.detail) == ("bad_value", words(lang, msgid, value="'n/a'"))
    assert_translated(bad.detail, msgid, value="'n/a'")

    empty = MessageTemplate("{{ '' }}", COLUMNS).render(("Ana", "1", "1", ""))
    msgid = "the template rendered nothing"
    assert (empty.code, empty.detail) == ("empty_message", words(lang, msgid))
    assert_translated(empty.detail, msgid)

    size = MAX_LENGTH + 6
    long = MessageTemplate("{{ nombre }}" + "x" * MAX_LENGTH, COLUMNS).render(
        ("Ana123", "", "", "")
    )
    one, many = "{n} character, WhatsApp allows {limit}", "{n} characters, WhatsApp allows {limit}"
    assert (long.code, long.detail) == ("too_long", plural(lang, one, many, size, limit=MAX_LENGTH))
    assert_translated(long.detail, many, n=size, limit=MAX_LENGTH)


def test_a_template_error_on_a_row_in_our_words_not_jinjas(lang):
    template = MessageTemplate("{{ nombre.foo }}", COLUMNS)
    result = template.render(("Ana", "", "", ""))
    msgid = "the value has no part named {name}"
    assert (result.code, result.detail) == ("template_error", words(lang, msgid, name="'foo'"))
    assert "has no attribute" not in result.detail  # Jinja's English

    added = MessageTemplate("{{ nombre + 1 }}", COLUMNS).render(("Ana", "", 5, ""))
    msgid = "this row's values cannot be combined that way: text with a number, perhaps"
    assert (added.code, added.detail) == ("template_error", words(lang, msgid))
    assert "concatenate" not in added.detail  # Python's English

    zero = MessageTemplate("{{ total / 0 }}", COLUMNS).render(("Ana", "", 5, ""))
    msgid = "a division by zero with this row's values"
    assert (zero.code, zero.detail) == ("template_error", words(lang, msgid))
    assert "division by zero" not in zero.detail


@pytest.mark.parametrize(
    ("read", "cell", "msgid"),
    [
        (to_decimal, "n/a", "{value} is not a number"),
        (to_date, "ayer", "{value} is not a date (write it as 25/11/2026 or 2026-11-25)"),
        (to_time, "tarde", "{value} is not a time of day (write it as 16:30)"),
    ],
)
def test_each_value_a_filter_cannot_read(lang, read, cell, msgid):
    with pytest.raises(ValueError) as caught:
        read(cell)
    assert said(caught) == words(lang, msgid, value=repr(cell))
    assert_translated(said(caught), msgid, value=repr(cell))


def test_a_composed_row_without_its_media_url(lang):
    spec = WaTemplateSpec("pedido", body=(("1", "{{ nombre }}"),), media_url_column="Fecha")
    composer = Composer(COLUMNS, "Celular", wa_template=spec, country="PE")
    outcome = composer.compose(Contact(row=2, values=("Ana", "987654321", "1", "")))
    assert isinstance(outcome, Outcome)
    assert outcome.result_detail == "missing_value: " + words(lang, "no media URL in this row")


def test_a_composed_row_whose_variable_is_empty_names_it(lang):
    spec = WaTemplateSpec("pedido", body=(("1", "nombre"),))
    composer = Composer(COLUMNS, "Celular", wa_template=spec, country="PE")
    outcome = composer.compose(Contact(row=2, values=("", "987654321", "1", "")))
    assert isinstance(outcome, Outcome)
    empty = words(lang, "{column} is empty in this row", column="Nombre")
    assert outcome.result_detail == f"missing_value: --var 1=nombre: {empty}"


# The CLI: a real bad file, in Spanish.


def test_the_spanish_error_for_a_bad_file_is_one_line_naming_file_row_and_columns(tmp_path):
    path = tmp_path / "sin_telefono.csv"
    path.write_text("Nombre;Ciudad;Pedido\nAna;Lima;PED-1\nLuis;Cusco;PED-2\n", encoding="utf-8")

    result = run_cli("send", str(path), "-m", "Hola {{ nombre }}", "--country", "PE",
                     cwd=tmp_path, env={"BULK_SENDER_LANG": "es"})  # fmt: skip

    msgid = "{file}: no phone column found in row {row}; columns: {columns}"
    fields = {"file": path, "row": 1, "columns": "Nombre, Ciudad, Pedido"}
    problem = words("es", msgid, **fields)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    assert problem in result.stderr
    assert words("es", "name it with --phone-column") in result.stderr
    assert english(msgid, **fields) not in result.stderr
    assert str(path) in result.stderr and "1" in problem and "Nombre, Ciudad, Pedido" in problem


def test_the_sample_files_rows_give_their_details_in_portuguese(tmp_path):
    """The README's sample list previewed in Portuguese: no row detail in English."""
    shutil.copy(ROOT / "sample_data" / "clientes.csv", tmp_path)
    with use_language("pt_BR"):
        table = open_contacts(tmp_path / "clientes.csv")
        phones = phone_columns_for(table, None, "PE")
        template = MessageTemplate("Olá {{ nombre }}", table.columns, locale="pt_BR")
        composer = Composer(table.columns, phones, template=template, country="PE")
        details = [
            o.detail for c in table.contacts() if isinstance(o := composer.compose(c), Outcome)
        ]
    assert details
    for detail in details:
        assert not re.search(
            r"\b(digits?|too|short|long|empty|is not|landline|scientific)\b", detail
        )
