"""Phone columns: the order columns are tried in, and the phone each row gives."""

from __future__ import annotations

import phonenumbers
import pytest
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from bulk_sender import InputError
from bulk_sender.contacts.phone_columns import (
    ColumnsUsed,
    choose_phone_columns,
    detect_phone_columns,
    label_rank,
    rank_phone_columns,
)
from bulk_sender.contacts.phones import normalise_phone

# Which numbers are landlines is libphonenumber's metadata: take its own Peruvian example.
_FIXED = phonenumbers.example_number_for_type("PE", PhoneNumberType.FIXED_LINE)
LANDLINE = phonenumbers.format_number(_FIXED, PhoneNumberFormat.NATIONAL)
LANDLINE_DIGITS = phonenumbers.format_number(_FIXED, PhoneNumberFormat.E164)[1:]


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        # The customer's own WhatsApp or mobile, then other personal numbers, then the rest.
        (["Teléfono", "Teléfono trabajo", "Celular", "WhatsApp"],
         ["WhatsApp", "Celular", "Teléfono", "Teléfono trabajo"]),
        (["Home Phone", "Business Phone", "Mobile Phone", "Other Phone", "Business Fax"],
         ["Mobile Phone", "Other Phone", "Business Phone", "Home Phone"]),
        (["Phone Number", "Mobile Phone Number"], ["Mobile Phone Number", "Phone Number"]),
        (["Default Address Phone", "Phone"], ["Phone", "Default Address Phone"]),
        (["shipping_phone", "billing_phone"], ["billing_phone", "shipping_phone"]),
        (["Teléfono para el envío", "Teléfono"], ["Teléfono", "Teléfono para el envío"]),
        (["Telefone residencial", "Telefone comercial", "Celular"],
         ["Celular", "Telefone comercial", "Telefone residencial"]),
        (["Teléfono 2", "Teléfono 1"], ["Teléfono 1", "Teléfono 2"]),
        (["Teléfono particular", "Teléfono del trabajo", "Teléfono móvil", "Fax del trabajo"],
         ["Teléfono móvil", "Teléfono del trabajo", "Teléfono particular"]),  # Outlook in Spanish
        (["MobilePhone", "HomePhone", "Fax"], ["MobilePhone", "HomePhone"]),
        # Never a number to message: faxes, pagers, extensions, flags, labels, area codes.
        (["Fax", "Pager", "Extensión", "Phone Type", "Phone 1 - Label", "Indicativo teléfono",
          "Accepts SMS Marketing", "Phone verified", "Teléfono"], ["Teléfono"]),
        # A consent column is no phone, whatever it names.
        (["Acepta WhatsApp", "Autoriza WhatsApp", "Opt-in WhatsApp", "Celular"], ["Celular"]),
        # Other people's numbers: the seller's, an emergency or reference contact's.
        (["Celular del vendedor", "Contact owner phone", "Teléfono de emergencia",
          "Teléfono de referencia", "Celular"], ["Celular"]),
        # An assistant's, a spouse's, a parent's or guardian's, never even as a fallback.
        (["AssistantPhone", "Asst Phone", "Assistant's Phone", "Teléfono asistente",
          "Celular secretaria", "Manager Phone", "Spouse Mobile", "Partner Phone",
          "Teléfono cónyuge", "Celular esposa", "Teléfono apoderado", "Celular del tutor",
          "Parent/Guardian Phone", "Contacto de emergencia - teléfono",
          "Telefone do responsável", "Celular cônjuge", "Telefone para recado",
          "Referrer phone", "HomePhone"], ["HomePhone"]),
        # The company's main line comes after every number of the person's own.
        (["Company Phone", "Home Phone", "Mobile Phone", "Business Phone"],
         ["Mobile Phone", "Business Phone", "Home Phone", "Company Phone"]),
        (["Teléfono empresa", "Teléfono envío", "Celular"],
         ["Celular", "Teléfono envío", "Teléfono empresa"]),
        # "Número" is a house number where another column says phone (Bling, Tiendanube).
        (["Endereço", "Número", "Fone"], ["Fone"]),
        (["Cliente", "Número"], ["Número"]),
        (["Nombre", "Número de pedido"], []),
    ],
)  # fmt: skip
def test_phone_columns_are_ranked_by_their_header_words(columns, expected):
    assert rank_phone_columns(columns) == expected


def test_a_column_named_like_a_phone_that_holds_only_words_is_not_a_phone_column():
    columns = ["Phone 1 - Kind", "Phone 1 - Value"]  # a label column under an unknown name
    sample = [["Mobile", "+51 987 654 321"], ["Work", "(01) 412-3456"]]
    assert rank_phone_columns(columns, sample) == ["Phone 1 - Value"]


@pytest.mark.parametrize(
    ("label", "better_than"),
    [("Mobile", "Work"), ("* Mobile", "Home"), ("Celular", "Casa"), ("WhatsApp", "Mobile"),
     ("Work", "Home"), ("Main", "Work")],
)  # fmt: skip
def test_labels_rank_their_numbers(label, better_than):
    assert label_rank(label) < label_rank(better_than)


@pytest.mark.parametrize("label", ["Work Fax", "Home Fax", "Pager", "Fax", "Assistant"])
def test_a_fax_or_pager_label_takes_its_number_out(label):
    assert label_rank(label) is None


GOOGLE = ("Name", "Phone 1 - Label", "Phone 1 - Value", "Phone 2 - Label", "Phone 2 - Value")


@pytest.mark.parametrize(
    ("row", "digits", "column", "fallback"),
    [
        (("Ana", "Mobile", "987 654 321", "Work", "912 345 678"),
         "51987654321", "Phone 1 - Value", False),
        (("Ana", "Work", "912 345 678", "Mobile", "987 654 321"),
         "51987654321", "Phone 2 - Value", True),
        (("Ana", "Work Fax", "912 345 678", "Home", "987 654 321"),
         "51987654321", "Phone 2 - Value", True),
        (("Ana", "", "912 345 678", "", "987 654 321"), "51912345678", "Phone 1 - Value", False),
        (("Ana", "Mobile", "+51 912 345 678 ::: +51 998 877 665", "", ""),
         "51912345678", "Phone 1 - Value", False),
    ],
)  # fmt: skip
def test_label_value_pairs_try_the_number_labelled_mobile_first(row, digits, column, fallback):
    columns = detect_phone_columns(GOOGLE)
    pick = columns.pick(row, "PE", allow_landlines=False)
    assert (pick.phone.digits, pick.column, pick.fallback) == (digits, column, fallback)


def test_each_row_takes_the_first_cell_holding_a_valid_mobile():
    columns = detect_phone_columns(("Celular", "Teléfono", "Teléfono trabajo"))

    def digits(*row: str, allow: bool = False) -> tuple[str, str]:
        pick = columns.pick(row, "PE", allow_landlines=allow)
        return pick.phone.digits or pick.phone.code, pick.column

    assert digits("987 654 321", "912 345 678", "") == ("51987654321", "Celular")
    assert digits("", "912 345 678", "955 111 222") == ("51912345678", "Teléfono")
    assert digits("98765", LANDLINE, "955 111 222") == ("51955111222", "Teléfono trabajo")
    # A landline only with --allow-landlines, and only when no cell holds a mobile.
    assert digits("", LANDLINE, "") == ("landline", "")
    assert digits("", LANDLINE, "", allow=True) == (LANDLINE_DIGITS, "Teléfono")
    assert digits(LANDLINE, "", "955 111 222", allow=True) == (
        "51955111222", "Teléfono trabajo",
    )  # fmt: skip


def test_a_row_without_a_mobile_says_why_and_where():
    columns = detect_phone_columns(("Phone", "Default Address Phone"))
    empty = columns.pick(("", ""), "PE", allow_landlines=False).phone
    landline = columns.pick(("", f"'{LANDLINE}"), "PE", allow_landlines=False).phone
    bad = columns.pick(("98765", LANDLINE), "PE", allow_landlines=False).phone
    assert (empty.code, empty.detail) == (
        "missing_phone",
        "no phone in Phone, Default Address Phone",
    )
    assert landline.code == "landline"
    assert landline.detail.endswith("; in column Default Address Phone")
    assert (bad.code, bad.detail) == (  # the phone's own reason, then where it was
        "invalid_phone",
        f"{normalise_phone('98765', 'PE').detail}; in column Phone",
    )


SALESFORCE = ("FirstName", "Phone", "MobilePhone", "HomePhone", "AssistantPhone", "AssistantName")


def test_another_person_s_number_is_left_out_and_never_a_fallback():
    found = detect_phone_columns(SALESFORCE)
    assert found.names == ("MobilePhone", "Phone", "HomePhone")
    assert [c.name for c in found.left_out] == ["AssistantPhone"]
    row = ("Héctor", "", "", "", "912 000 114", "Rosa Díaz")
    phone = found.pick(row, "PE", allow_landlines=False).phone
    assert (phone.ok, phone.code) == (False, "not_own_phone")
    assert phone.detail == (
        "only another person's number (AssistantPhone); nothing in MobilePhone, Phone, HomePhone"
    )
    own = found.pick(("Ana", "", "", "955 111 222", "912 000 114", ""), "PE", False)
    assert (own.phone.digits, own.column) == ("51955111222", "HomePhone")


def test_a_column_of_another_person_s_numbers_is_not_taken_for_its_content():
    """Without any phone header, mobiles under "Apoderado" are still a guardian's."""
    sample = [("Ana", "912 345 678"), ("Luis", "987 654 321")]
    assert rank_phone_columns(("Alumno", "Apoderado"), sample, "PE") == []
    assert rank_phone_columns(("Alumno", "Contacto"), sample, "PE") == ["Contacto"]


def test_naming_another_person_s_column_by_hand_still_wins():
    by_hand = choose_phone_columns(SALESFORCE, "AssistantPhone")
    pick = by_hand.pick(("Héctor", "", "", "", "912 000 114", ""), "PE", allow_landlines=False)
    assert (pick.phone.digits, pick.column) == ("51912000114", "AssistantPhone")


def test_the_left_out_columns_read_as_a_line_of_their_own():
    found = detect_phone_columns(("Celular", "Asst Phone", "Teléfono apoderado"))
    used = ColumnsUsed((("Celular", 3),), None, 0, "PE", 3, found.left_out)
    assert used.lines()[1] == "Left out: Asst Phone, Teléfono apoderado (other people's numbers)"
    assert ("left out", used.left_out_text()) in used.summary_rows()


def test_phone_column_by_hand_gives_the_order():
    columns = ("Nombre", "Teléfono", "Celular", "Teléfono, celular")
    assert choose_phone_columns(columns, "Teléfono,Celular").names == ("Teléfono", "Celular")
    assert choose_phone_columns(columns, " Celular , Teléfono").names == ("Celular", "Teléfono")
    assert choose_phone_columns(columns, "Teléfono, celular").names == ("Teléfono, celular",)
    by_hand = choose_phone_columns(columns, "Teléfono,Celular")
    pick = by_hand.pick(("Ana", "912 345 678", "987 654 321", ""), "PE", allow_landlines=False)
    assert (pick.phone.digits, pick.column) == ("51912345678", "Teléfono")


def test_an_unknown_phone_column_names_the_file_and_the_columns():
    with pytest.raises(InputError) as caught:
        choose_phone_columns(("Nombre", "Celular"), "Celular,Movil", where="clientes.csv: ")
    assert str(caught.value) == (
        "clientes.csv: --phone-column Movil: no such column; columns: Nombre, Celular"
    )


def test_the_columns_used_read_as_one_line_each():
    used = ColumnsUsed((("Mobile", 40), ("Phone", 2)), "País", 30, "PE", 42)
    assert used.lines() == [
        "Phone columns, in order: Mobile (40 rows), Phone (2 rows)",
        "Country column: País (30 of 42 rows named a country; the others use --country PE)",
    ]
    alone = ColumnsUsed((("Celular", 1),), None, 0, None, 1)
    assert alone.lines() == [
        "Phone column: Celular (1 row)",
        "Country column: none (numbers without a country code need a +code or --country)",
    ]
    assert alone.summary_rows()[0] == ("phone columns", "Celular (1 row)")


@pytest.mark.parametrize(
    ("columns", "row"),
    [
        (("Phone 1 - Type", "Phone 1 - Value", "Phone 2 - Type", "Phone 2 - Value"),  # old Google
         ("Home", "912 345 678", "Mobile", "987 654 321")),
        (("Phone 1 - Label", "Phone 1 - Value", "Phone 2 - Label", "Phone 2 - Value"),
         ("Work", "912 345 678", "Mobile", "987 654 321")),
        (("Phone", "Phone Type", "Other Phone", "Other Phone Type"),
         ("912 345 678", "Home", "987 654 321", "Mobile")),
        (("Teléfono", "Tipo de teléfono", "Teléfono 2", "Tipo de teléfono 2"),
         ("912 345 678", "Casa", "987 654 321", "Celular")),
    ],
)  # fmt: skip
def test_label_columns_pair_with_their_value_columns(columns, row):
    found = detect_phone_columns(columns)
    pick = found.pick(row, "PE", allow_landlines=False)
    assert len(found.sources) == 2  # the label columns are not phone columns
    assert (pick.phone.digits, pick.fallback) == ("51987654321", True)  # the mobile-labelled one
