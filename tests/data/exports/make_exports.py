"""Build the CRM and shop export fixtures, and what each row must send, deterministically.

Run from the repository root: `python tests/data/exports/make_exports.py`. Each export has
the columns its product's documentation lists, in its order, written the way the product
writes the file (encoding, delimiter, XLSX, title rows, `'` text markers); the rows are
made-up Latin-American customers. Beside each file, `<file>.expected.json` holds the flags
of the run and, per data row, `status phone-or-reason [words of result_detail]`.
`tests/test_exports.py` runs every file through the real pipeline.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import xlsxwriter

HERE = Path(__file__).parent
CREATED = datetime(2026, 12, 2, 8, 30)


@dataclass
class Export:
    """One product's export: its file, columns, rows, and the expected outcome per row."""

    file: str
    columns: list[str]
    rows: list[tuple[dict[str, Any], str]]
    """The filled cells of each row, and `status phone-or-reason [detail words]`."""
    args: list[str] = field(default_factory=list)
    encoding: str = "utf-8"
    delimiter: str = ","
    titles: list[list[str]] = field(default_factory=list)
    """Rows above the header (a report's title, a group header row)."""
    phone_columns: str = ""
    """The start of the run's `Phone column...` line: the columns tried, in order."""
    country_column: str = ""
    """The run's `Country column: ...` line, after those words."""
    left_out: str = ""
    """The run's `Left out: ...` line, after those words: columns of other people's numbers."""


GOOGLE = Export(
    "google_contacts.csv",
    ["First Name", "Middle Name", "Last Name", "Phonetic First Name", "Phonetic Middle Name",
     "Phonetic Last Name", "Name Prefix", "Name Suffix", "Nickname", "File As",
     "Organization Name", "Organization Title", "Organization Department", "Birthday", "Notes",
     "Photo", "Labels", "E-mail 1 - Label", "E-mail 1 - Value", "Phone 1 - Label",
     "Phone 1 - Value", "Phone 2 - Label", "Phone 2 - Value", "Address 1 - Label",
     "Address 1 - Formatted", "Address 1 - Street", "Address 1 - City", "Address 1 - PO Box",
     "Address 1 - Region", "Address 1 - Postal Code", "Address 1 - Country",
     "Address 1 - Extended Address"],
    [
        ({"First Name": "Ana", "Last Name": "Quispe", "Labels": "* myContacts",
          "Phone 1 - Label": "Mobile", "Phone 1 - Value": "+51 912 345 678 ::: +51 998 877 665"},
         "ready 51912345678"),
        ({"First Name": "Luis", "Last Name": "Mamani", "Labels": "* myContacts",
          "Phone 1 - Label": "Work", "Phone 1 - Value": "(01) 412-3456",
          "Phone 2 - Label": "Mobile", "Phone 2 - Value": "987 654 321"},
         "ready 51987654321 from Phone 2 - Value"),
        ({"First Name": "Carla", "Last Name": "Ríos", "Labels": "* myContacts ::: Clientes",
          "Phone 1 - Label": "* Mobile", "Phone 1 - Value": "300 123 4567",
          "Address 1 - Label": "Home", "Address 1 - City": "Medellín",
          "Address 1 - Country": "Colombia"},
         "ready 573001234567"),
        ({"First Name": "Jorge", "Last Name": "Salazar", "Labels": "* myContacts",
          "Phone 1 - Label": "Work Fax", "Phone 1 - Value": "+51 955 000 111",
          "Phone 2 - Label": "Mobile", "Phone 2 - Value": "955 111 222"},
         "ready 51955111222 from Phone 2 - Value"),
        ({"First Name": "Rosa", "Last Name": "Huamán", "Labels": "* myContacts",
          "Phone 1 - Label": "Home", "Phone 1 - Value": "+57 601 234 5678"},
         "invalid landline"),
    ],
    args=["--country", "PE"],
    phone_columns="Phone columns, in order: Phone 1 - Value (2 rows), Phone 2 - Value (2 rows)",
    country_column="Address 1 - Country (1 of 5 rows named a country; the others use --country PE)",
)  # fmt: skip

OUTLOOK = Export(
    "outlook_contacts.csv",
    ["First Name", "Middle Name", "Last Name", "Title", "Suffix", "Nickname", "E-mail Address",
     "E-mail 2 Address", "Home Phone", "Home Phone 2", "Business Phone", "Business Phone 2",
     "Mobile Phone", "Car Phone", "Other Phone", "Primary Phone", "Pager", "Business Fax",
     "Home Fax", "Other Fax", "Company Main Phone", "Callback", "Radio Phone", "Telex",
     "TTY/TDD Phone", "Job Title", "Department", "Company", "Home Street", "Home City",
     "Home State", "Home Postal Code", "Home Country/Region", "Business Street",
     "Business City", "Business Country/Region", "Notes"],
    [
        ({"First Name": "José", "Last Name": "Pérez", "Mobile Phone": "+52 1 55 1234 5678",
          "Home Phone": "55 5555 1234", "Home City": "Ciudad de México"},
         "ready 525512345678"),
        ({"First Name": "Maria", "Last Name": "Conceição", "Home Phone": "(11) 3456-7890",
          "Business Phone": "(11) 98765-4321", "Home Country/Region": "Brasil",
          "Business Country/Region": "Brasil", "Company": "Padaria São João"},
         "ready 5511987654321 from Business Phone"),
        ({"First Name": "Pedro", "Last Name": "Núñez", "Business Fax": "+51 987 111 222",
          "Company": "Importaciones Núñez"},
         "invalid missing_phone"),
        ({"First Name": "Lucía", "Last Name": "Zúñiga", "Mobile Phone": "9 8765 4321",
          "Home Country/Region": "Chile", "Business Country/Region": "Perú"},
         "ready 56987654321"),
    ],
    args=["--country", "MX"],
    encoding="cp1252",
    phone_columns="Phone columns, in order: Mobile Phone (2 rows), Business Phone (1 row), "
    "and 7 more that gave none",
    country_column="Home Country/Region (2 of 4 rows named a country; the others use --country MX)",
)  # fmt: skip

HUBSPOT = Export(
    "hubspot_contacts.csv",
    ["Record ID", "First Name", "Last Name", "Email", "Phone Number", "Mobile Phone Number",
     "Country/Region", "City", "State/Region", "Lifecycle Stage", "Contact owner",
     "Create Date"],
    [
        ({"Record ID": "51234567001", "First Name": "Camila", "Last Name": "Gómez",
          "Phone Number": "601 234 5678", "Mobile Phone Number": "300 123 4567",
          "Country/Region": "Colombia", "City": "Bogotá"},
         "ready 573001234567"),
        ({"Record ID": "51234567002", "First Name": "Andrés", "Last Name": "Vélez",
          "Phone Number": "310 555 1234", "Country/Region": "Colombia", "City": "Cali"},
         "ready 573105551234 from Phone Number"),
        ({"Record ID": "51234567003", "First Name": "Valentina", "Last Name": "Soto",
          "Mobile Phone Number": "+56 9 8765 4321", "Country/Region": "Colombia"},
         "ready 56987654321"),
        ({"Record ID": "51234567004", "First Name": "Mateo", "Last Name": "Rojas",
          "Mobile Phone Number": "998 877 665", "Country/Region": "Peru"},
         "ready 51998877665"),
        ({"Record ID": "51234567005", "First Name": "Sofía", "Last Name": "Díaz",
          "Mobile Phone Number": "315 222 3344"},
         "invalid no_country"),
    ],
    phone_columns="Phone columns, in order: Mobile Phone Number (3 rows), Phone Number (1 row)",
    country_column="Country/Region (4 of 5 rows named a country"
    "; the others need a +code or --country)",
)  # fmt: skip

# Salesforce's contact report; "Phone Type" and "Other Phone Type" are the picklists orgs add
# to say what kind of number each is.
SALESFORCE = Export(
    "salesforce_contacts.csv",
    ["Contact ID", "Salutation", "First Name", "Last Name", "Title", "Account Name",
     "Mailing Street", "Mailing City", "Mailing State/Province", "Mailing Zip/Postal Code",
     "Mailing Country", "Phone", "Phone Type", "Mobile", "Home Phone", "Other Phone",
     "Other Phone Type", "Fax", "Email"],
    [
        ({"Contact ID": "0035g00000AbCdE", "First Name": "Lucía", "Last Name": "Torres",
          "Mailing Country": "Peru", "Phone": "(01) 412-3456", "Phone Type": "Work",
          "Mobile": "987 654 321"},
         "ready 51987654321"),
        ({"Contact ID": "0035g00000AbCdF", "First Name": "Diego", "Last Name": "Llanos",
          "Mailing Country": "Peru", "Phone": "912 345 678", "Phone Type": "Mobile",
          "Other Phone": "955 111 222", "Other Phone Type": "Home"},
         "ready 51912345678 from Phone"),
        ({"Contact ID": "0035g00000AbCdG", "First Name": "Paola", "Last Name": "Rivas",
          "Mailing Country": "Peru", "Phone": "955 222 333", "Phone Type": "Home",
          "Other Phone": "998 877 665", "Other Phone Type": "Mobile"},
         "ready 51998877665 from Other Phone"),
        ({"Contact ID": "0035g00000AbCdH", "First Name": "Héctor", "Last Name": "Ramírez",
          "Mailing Country": "Mexico", "Mobile": "+52 1 55 1234 5679"},
         "ready 525512345679"),
        ({"Contact ID": "0035g00000AbCdI", "First Name": "Grace", "Last Name": "Miller",
          "Mailing Country": "United States", "Mobile": "(201) 555-0123"},
         "ready 12015550123"),
    ],
    phone_columns="Phone columns, in order: Mobile (3 rows), Phone (1 row), "
    "Other Phone (1 row), Home Phone (0 rows)",
    country_column="Mailing Country (5 of 5 rows named a country)",
)  # fmt: skip

# Salesforce's Data Loader and reports by API name: the assistant's number sits beside the
# contact's own, and a contact with no mobile of their own must not reach the assistant.
SALESFORCE_API = Export(
    "salesforce_data_loader.csv",
    ["Id", "FirstName", "LastName", "AccountId", "Title", "Phone", "MobilePhone", "HomePhone",
     "OtherPhone", "Fax", "AssistantPhone", "AssistantName", "Email", "MailingCountry"],
    [
        ({"Id": "0035g00000XyZaA", "FirstName": "Lucía", "LastName": "Torres",
          "Phone": "(01) 412-3456", "MobilePhone": "987 654 321",
          "AssistantPhone": "912 000 111", "AssistantName": "Rosa Díaz", "MailingCountry": "Peru"},
         "ready 51987654321"),
        ({"Id": "0035g00000XyZaB", "FirstName": "Diego", "LastName": "Llanos",
          "Phone": "(01) 412-3457", "HomePhone": "955 111 222",
          "AssistantPhone": "912 000 112", "AssistantName": "Rosa Díaz", "MailingCountry": "Peru"},
         "ready 51955111222 from HomePhone"),
        ({"Id": "0035g00000XyZaC", "FirstName": "Paola", "LastName": "Rivas",
          "Phone": "(01) 412-3458", "Fax": "(01) 412-3459",
          "AssistantPhone": "912 000 113", "AssistantName": "Rosa Díaz", "MailingCountry": "Peru"},
         "invalid landline"),
        ({"Id": "0035g00000XyZaD", "FirstName": "Héctor", "LastName": "Ramírez",
          "AssistantPhone": "912 000 114", "AssistantName": "Rosa Díaz", "MailingCountry": "Peru"},
         "invalid not_own_phone AssistantPhone"),
    ],
    phone_columns="Phone columns, in order: MobilePhone (1 row), Phone (0 rows), "
    "OtherPhone (0 rows), HomePhone (1 row)",
    country_column="MailingCountry (4 of 4 rows named a country)",
    left_out="AssistantPhone (another person's number)",
)  # fmt: skip

ZOHO = Export(
    "zoho_contacts.csv",
    ["Record Id", "Contact Owner", "Lead Source", "First Name", "Last Name", "Account Name",
     "Email", "Title", "Department", "Phone", "Home Phone", "Other Phone", "Fax", "Mobile",
     "Date of Birth", "Assistant", "Asst Phone", "Email Opt Out", "Created Time",
     "Mailing Street", "Other Street", "Mailing City", "Other City", "Mailing State",
     "Other State", "Mailing Zip", "Other Zip", "Mailing Country", "Other Country",
     "Description"],
    [
        ({"Record Id": "zcrm_4876876000000334001", "First Name": "Gabriela",
          "Last Name": "León", "Mobile": "099 123 4567", "Mailing Country": "Ecuador",
          "Email Opt Out": "false"},
         "ready 593991234567"),
        ({"Record Id": "zcrm_4876876000000334002", "First Name": "Martín",
          "Last Name": "Ugarte", "Phone": "(02) 234-5678", "Home Phone": "098 765 4321",
          "Mailing Country": "Ecuador", "Email Opt Out": "false"},
         "ready 593987654321 from Home Phone"),
        ({"Record Id": "zcrm_4876876000000334003", "First Name": "Inés", "Last Name": "Cabrera",
          "Mobile": "310 555 1235", "Mailing Country": "Colombia", "Other Country": "Ecuador",
          "Email Opt Out": "false"},
         "ready 573105551235"),
        ({"Record Id": "zcrm_4876876000000334004", "First Name": "Tomás", "Last Name": "Apaza",
          "Phone": "(02) 234-5679", "Email Opt Out": "false"},
         "invalid landline"),
        # No mobile of her own: her assistant's is never the fallback.
        ({"Record Id": "zcrm_4876876000000334005", "First Name": "Rocío", "Last Name": "Vera",
          "Phone": "(02) 234-5680", "Assistant": "Julia Paz", "Asst Phone": "099 765 4321",
          "Mailing Country": "Ecuador", "Email Opt Out": "false"},
         "invalid landline"),
        ({"Record Id": "zcrm_4876876000000334006", "First Name": "Raúl", "Last Name": "Ortiz",
          "Assistant": "Julia Paz", "Asst Phone": "099 765 4322", "Mailing Country": "Ecuador",
          "Email Opt Out": "false"},
         "invalid not_own_phone Asst Phone"),
    ],
    args=["--country", "EC"],
    phone_columns="Phone columns, in order: Mobile (2 rows), Phone (0 rows), "
    "Other Phone (0 rows), Home Phone (1 row)",
    left_out="Asst Phone (another person's number)",
    country_column="Mailing Country (5 of 6 rows named a country; the others use --country EC)",
)  # fmt: skip

SHOPIFY = Export(
    "shopify_customers.csv",
    ["Customer ID", "First Name", "Last Name", "Email", "Accepts Email Marketing",
     "Default Address Company", "Default Address Address1", "Default Address Address2",
     "Default Address City", "Default Address Province Code", "Default Address Country Code",
     "Default Address Zip", "Default Address Phone", "Phone", "Accepts SMS Marketing",
     "Total Spent", "Total Orders", "Note", "Tax Exempt", "Tags"],
    [
        ({"Customer ID": "'7418302521534", "First Name": "Renato", "Last Name": "Sáenz",
          "Accepts Email Marketing": "yes", "Default Address City": "Lima",
          "Default Address Country Code": "PE", "Default Address Phone": "'+5114123456",
          "Phone": "'+51987654321", "Accepts SMS Marketing": "no", "Total Spent": "120.50",
          "Total Orders": "2", "Tax Exempt": "no"},
         "ready 51987654321"),
        ({"Customer ID": "'7418302521535", "First Name": "Silvia", "Last Name": "Ortiz",
          "Default Address Country Code": "PE", "Default Address Phone": "'+51912345678",
          "Accepts SMS Marketing": "no", "Total Spent": "80.00", "Total Orders": "1"},
         "ready 51912345678 from Default Address Phone"),
        ({"Customer ID": "'7418302521536", "First Name": "Álvaro", "Last Name": "Medina",
          "Default Address Country Code": "MX", "Phone": "'+525512345678",
          "Accepts SMS Marketing": "yes", "Total Spent": "0.00", "Total Orders": "0"},
         "ready 525512345678"),
        ({"Customer ID": "'7418302521537", "First Name": "Noemí", "Last Name": "Yupanqui",
          "Default Address Country Code": "PE", "Default Address Phone": "'014123457",
          "Accepts SMS Marketing": "no", "Total Spent": "15.00", "Total Orders": "1"},
         "invalid landline"),
    ],
    phone_columns="Phone columns, in order: Phone (2 rows), Default Address Phone (1 row)",
    country_column="Default Address Country Code (4 of 4 rows named a country)",
)  # fmt: skip

WOOCOMMERCE = Export(
    "woocommerce_orders.csv",
    ["order_id", "order_number", "order_date", "status", "shipping_total", "order_total",
     "order_currency", "payment_method", "shipping_method", "customer_id",
     "billing_first_name", "billing_last_name", "billing_company", "billing_email",
     "billing_phone", "billing_address_1", "billing_address_2", "billing_postcode",
     "billing_city", "billing_state", "billing_country", "shipping_first_name",
     "shipping_last_name", "shipping_address_1", "shipping_city", "shipping_state",
     "shipping_country", "shipping_phone", "customer_note"],
    [
        ({"order_id": "1501", "order_number": "1501", "order_date": "2026-11-28 10:15:00",
          "status": "completed", "order_total": "150000", "order_currency": "COP",
          "billing_first_name": "Daniela", "billing_phone": "300 123 4567",
          "billing_city": "Bogotá", "billing_state": "DC", "billing_country": "CO"},
         "ready 573001234567"),
        ({"order_id": "1502", "order_number": "1502", "order_date": "2026-11-29 09:02:00",
          "status": "processing", "order_total": "89000", "order_currency": "COP",
          "billing_first_name": "Daniela", "billing_phone": "3001234567",
          "billing_country": "CO"},
         "duplicate 573001234567"),
        ({"order_id": "1503", "order_number": "1503", "status": "processing",
          "order_total": "1250", "order_currency": "MXN", "billing_first_name": "Raúl",
          "billing_phone": "55 1234 5670", "billing_country": "MX"},
         "ready 525512345670"),
        ({"order_id": "1504", "order_number": "1504", "status": "on-hold",
          "order_total": "99000", "order_currency": "COP", "billing_first_name": "Elena",
          "billing_phone": "601 234 5678", "billing_country": "CO",
          "shipping_country": "CO", "shipping_phone": "3105551236"},
         "ready 573105551236 from shipping_phone"),
    ],
    phone_columns="Phone columns, in order: billing_phone (3 rows), shipping_phone (1 row)",
    country_column="billing_country (4 of 4 rows named a country)",
)  # fmt: skip

MERCADO_LIBRE = Export(
    "mercadolibre_ventas.xlsx",
    ["# de venta", "Fecha de venta", "Estado", "Descripción del estado", "Unidades",
     "Ingresos por productos (MXN)", "Total (MXN)", "SKU", "# de publicación",
     "Título de la publicación", "Comprador", "Teléfono", "Domicilio", "Municipio/Alcaldía",
     "Código postal", "País", "Forma de entrega", "Número de seguimiento"],
    [
        ({"# de venta": 2000009876543210, "Fecha de venta": "28 de noviembre de 2026 10:15 hs.",
          "Estado": "Entregado", "Unidades": 1, "Total (MXN)": 499.0,
          "Comprador": "Mónica Espinoza", "Teléfono": 5512345671, "País": "México",
          "Número de seguimiento": 41234567890},
         "ready 525512345671"),
        ({"# de venta": 2000009876543211, "Estado": "En camino", "Unidades": 2,
          "Total (MXN)": 998.0, "Comprador": "Julio César Ayala", "Teléfono": "33 1234 5678",
          "País": "México"},
         "ready 523312345678"),
        ({"# de venta": 2000009876543212, "Estado": "Cancelada", "Unidades": 1,
          "Total (MXN)": 250.0, "Comprador": "Teresa Ticona", "Teléfono": "", "País": "México"},
         "invalid missing_phone"),
    ],
    titles=[["Ventas"], [], ["Ventas", "", "", "", "", "", "", "", "", "", "Compradores"]],
    phone_columns="Phone column: Teléfono (2 rows)",
    country_column="País (3 of 3 rows named a country)",
)  # fmt: skip

TIENDANUBE = Export(
    "tiendanube_ordenes.csv",
    ["Número de orden", "Email", "Fecha", "Estado de la orden", "Estado del pago",
     "Estado del envío", "Moneda", "Subtotal de productos", "Descuento", "Costo de envío",
     "Total", "Nombre del comprador", "DNI / CUIT", "Teléfono", "Nombre para el envío",
     "Teléfono para el envío", "Dirección", "Número", "Piso", "Localidad", "Ciudad",
     "Código postal", "Provincia o estado", "País", "Medio de envío", "Medio de pago",
     "Nombre del producto", "Precio del producto", "Cantidad del producto", "SKU"],
    [
        ({"Número de orden": "1043", "Fecha": "28/11/2026 10:15:00", "Moneda": "ARS",
          "Total": "25000,00", "Nombre del comprador": "Martín Fierro", "DNI / CUIT": "30123456",
          "Teléfono": "+5491123456789", "Dirección": "Av. Corrientes", "Número": "1234",
          "Ciudad": "CABA", "País": "Argentina", "Nombre del producto": "Mate"},
         "ready 5491123456789"),
        ({"Número de orden": "1043", "Moneda": "ARS", "Total": "25000,00",
          "Nombre del comprador": "Martín Fierro", "Teléfono": "+5491123456789",
          "País": "Argentina", "Nombre del producto": "Bombilla"},
         "duplicate 5491123456789"),
        ({"Número de orden": "1044", "Moneda": "ARS", "Nombre del comprador": "Eva Duarte",
          "Teléfono": "011 4321-5678", "Teléfono para el envío": "011 15 2345-6780",
          "Número": "550", "País": "Argentina"},
         "ready 5491123456780 from Teléfono para el envío"),
        ({"Número de orden": "1045", "Moneda": "UYU", "Nombre del comprador": "Juana Ibarbourou",
          "Teléfono": "094 123 456", "País": "Uruguay"},
         "ready 59894123456"),
    ],
    encoding="latin-1",
    delimiter=";",
    phone_columns="Phone columns, in order: Teléfono (3 rows), Teléfono para el envío (1 row)",
    country_column="País (4 of 4 rows named a country)",
)  # fmt: skip

BLING = Export(
    "bling_contatos.csv",
    ["ID", "Código", "Nome", "Fantasia", "Endereço", "Número", "Complemento", "Bairro", "CEP",
     "Cidade", "UF", "Fone", "Fax", "Celular", "E-mail", "Web Site", "Tipo pessoa",
     "CPF/CNPJ", "IE/RG", "Situação", "Observações"],
    [
        ({"ID": "15987654321", "Nome": "Ana Paula Souza", "Endereço": "Rua Augusta",
          "Número": "1500", "Cidade": "São Paulo", "UF": "SP", "Celular": "(11) 98765-4321",
          "Tipo pessoa": "F", "CPF/CNPJ": "123.456.789-09", "Situação": "Ativo"},
         "ready 5511987654321"),
        ({"ID": "15987654322", "Nome": "Padaria Pão Quente", "Número": "88",
          "Cidade": "Rio de Janeiro", "UF": "RJ", "Fone": "(21) 99876-5432",
          "Tipo pessoa": "J", "Situação": "Ativo"},
         "ready 5521998765432 from Fone"),
        ({"ID": "15987654323", "Nome": "João Batista", "Cidade": "São Paulo", "UF": "SP",
          "Fone": "(11) 3456-7890", "Celular": "(11) 8765-4321", "Situação": "Ativo"},
         "invalid invalid_phone ninth digit"),
        ({"ID": "15987654324", "Nome": "Loja Central", "Cidade": "Curitiba", "UF": "PR",
          "Fax": "(41) 99888-7777", "Situação": "Ativo"},
         "invalid missing_phone"),
    ],
    args=["--country", "BR"],
    delimiter=";",
    encoding="utf-8-sig",
    phone_columns="Phone columns, in order: Celular (1 row), Fone (1 row)",
    country_column="none (numbers without a country code use --country BR)",
)  # fmt: skip

SIIGO = Export(
    "siigo_terceros.xlsx",
    ["Tipo de identificación", "Identificación", "Dígito de verificación", "Nombres",
     "Apellidos", "Razón social", "Dirección", "País", "Departamento", "Ciudad",
     "Indicativo teléfono", "Teléfono", "Extensión", "Celular", "Correo electrónico", "Estado"],
    [
        ({"Tipo de identificación": "Cédula de ciudadanía", "Identificación": 1020304050,
          "Nombres": "Natalia", "Apellidos": "Chumpitaz", "País": "Colombia",
          "Departamento": "Antioquia", "Ciudad": "Medellín", "Celular": 3001234568,
          "Estado": "Activo"},
         "ready 573001234568"),
        ({"Tipo de identificación": "NIT", "Identificación": 900123456,
          "Dígito de verificación": 7, "Razón social": "Ferretería El Tornillo S.A.S.",
          "País": "Colombia", "Ciudad": "Bogotá", "Indicativo teléfono": 601,
          "Teléfono": 2345678, "Extensión": 102, "Estado": "Activo"},
         "invalid invalid_phone"),
        ({"Tipo de identificación": "Cédula de ciudadanía", "Identificación": 79123456,
          "Nombres": "Iván", "Apellidos": "Condori", "País": "Colombia",
          "Celular": "310 123 4567 / 315 222 3344", "Estado": "Activo"},
         "ready 573101234567"),
        ({"Tipo de identificación": "Cédula de ciudadanía", "Identificación": 52123456,
          "Nombres": "Lorena", "Apellidos": "Arévalo", "País": "Colombia",
          "Teléfono": "'3157654321", "Estado": "Activo"},
         "ready 573157654321 from Teléfono"),
    ],
    titles=[["Listado de terceros"], ["Generado el 02/12/2026 08:30"]],
    phone_columns="Phone columns, in order: Celular (2 rows), Teléfono (1 row)",
    country_column="País (4 of 4 rows named a country)",
)  # fmt: skip

ALEGRA = Export(
    "alegra_contactos.xlsx",
    ["Nombre", "Tipo de identificación", "Identificación", "Dirección", "Ciudad",
     "Departamento", "País", "Correo electrónico", "Teléfono 1", "Teléfono 2", "Celular",
     "Fax", "Tipo de contacto", "Vendedor asociado", "Observaciones"],
    [
        ({"Nombre": "Sebastián Olivares", "Tipo de identificación": "Cédula física",
          "Identificación": "1-1234-0567", "País": "Costa Rica", "Celular": "8312 3456",
          "Tipo de contacto": "Cliente"},
         "ready 50683123456"),
        ({"Nombre": "Úrsula Montes", "Tipo de identificación": "DNI",
          "Identificación": "41234567", "País": "Perú", "Teléfono 1": "987 654 323",
          "Tipo de contacto": "Cliente"},
         "ready 51987654323 from Teléfono 1"),
        ({"Nombre": "César Apaza", "Tipo de identificación": "CC", "Identificación": "80123456",
          "País": "Colombia", "Celular": "300 123 4569 y 310 555 1237",
          "Tipo de contacto": "Cliente"},
         "ready 573001234569"),
        ({"Nombre": "Hugo Cornejo", "País": "Colombia", "Teléfono 1": "601 234 5678",
          "Teléfono 2": "318 765 4321", "Tipo de contacto": "Cliente, Proveedor"},
         "ready 573187654321 from Teléfono 2"),
    ],
    phone_columns="Phone columns, in order: Celular (2 rows), Teléfono 1 (1 row), "
    "Teléfono 2 (1 row)",
    country_column="País (4 of 4 rows named a country)",
)  # fmt: skip

ODOO = Export(
    "odoo_contactos.xlsx",
    ["Nombre", "Correo electrónico", "Teléfono", "Móvil", "Calle", "Ciudad", "País",
     "Etiquetas", "Empresa relacionada"],
    [
        ({"Nombre": "Karina Loayza", "Teléfono": "+51 1 4123456", "Móvil": "+51 987 654 324",
          "Ciudad": "Lima", "País": "Perú"},
         "ready 51987654324"),
        ({"Nombre": "Emilio Saavedra", "Teléfono": "+51 1 4123458", "Ciudad": "Lima",
          "País": "Perú"},
         "invalid landline"),
        ({"Nombre": "Distribuidora Norte", "Teléfono": "998 877 666", "Ciudad": "Piura",
          "País": "Perú"},
         "ready 51998877666 from Teléfono"),
        ({"Nombre": "Ana Beatriz Lima", "Móvil": "(11) 98765-4322", "Ciudad": "São Paulo",
          "País": "Brasil"},
         "ready 5511987654322"),
        ({"Nombre": "Ricardo Álvarez", "Móvil": "+54 9 351 234-5678", "Ciudad": "Córdoba",
          "País": "Argentina"},
         "ready 5493512345678"),
    ],
    phone_columns="Phone columns, in order: Móvil (3 rows), Teléfono (1 row)",
    country_column="País (5 of 5 rows named a country)",
)  # fmt: skip

# A shop's own sheet: a region and country in one column, several numbers in one cell.
HANDMADE = Export(
    "planilla_clientes.csv",
    ["Cliente", "Celular / WhatsApp", "Teléfono fijo", "Estado/País", "Observaciones"],
    [
        ({"Cliente": "Pilar Benavides", "Celular / WhatsApp": "987 654 325 o 912 345 679",
          "Estado/País": "Lima / Perú"},
         "ready 51987654325"),
        ({"Cliente": "Fernando Ñique", "Celular / WhatsApp": "(01) 412-3459\n955 111 223",
          "Estado/País": "Lima/Perú"},
         "ready 51955111223"),
        ({"Cliente": "Gustavo Príncipe", "Celular / WhatsApp": "+44 7911 123456",
          "Estado/País": "Jalisco, México"},
         "ready 447911123456"),
        ({"Cliente": "Claudia Bermúdez", "Celular / WhatsApp": "33 1234 5679",
          "Estado/País": "Jalisco, México"},
         "ready 523312345679"),
        ({"Cliente": "Óscar Villanueva", "Teléfono fijo": "(01) 412-3460",
          "Estado/País": "Lima / Perú", "Observaciones": "solo fijo"},
         "invalid landline"),
    ],
    args=["--country", "PE"],
    encoding="cp1252",
    delimiter=";",
    phone_columns="Phone columns, in order: Celular / WhatsApp (4 rows), Teléfono fijo (0 rows)",
    country_column="Estado/País (5 of 5 rows named a country)",
)  # fmt: skip

EXPORTS = [GOOGLE, OUTLOOK, HUBSPOT, SALESFORCE, SALESFORCE_API, ZOHO, SHOPIFY, WOOCOMMERCE,
           MERCADO_LIBRE, TIENDANUBE, BLING, SIIGO, ALEGRA, ODOO, HANDMADE]  # fmt: skip


def write(export: Export) -> None:
    path = HERE / export.file
    rows = [[cells.get(c, "") for c in export.columns] for cells, _ in export.rows]
    if path.suffix == ".xlsx":
        with xlsxwriter.Workbook(path) as book:
            book.set_properties({"created": CREATED})  # the same bytes on every rebuild
            sheet = book.add_worksheet("Hoja1")
            for number, row in enumerate([*export.titles, export.columns, *rows]):
                for column, value in enumerate(row):
                    if value != "":
                        sheet.write(number, column, value)
    else:
        with path.open("w", encoding=export.encoding, newline="") as f:
            writer = csv.writer(f, delimiter=export.delimiter, lineterminator="\r\n")
            writer.writerows([*export.titles, export.columns, *rows])
    expected = {
        "args": export.args,
        "phone_columns": export.phone_columns,
        "country_column": export.country_column,
        "left_out": export.left_out,
        "rows": [outcome for _, outcome in export.rows],
    }
    text = json.dumps(expected, ensure_ascii=False, indent=1) + "\n"
    (HERE / f"{export.file}.expected.json").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    for export in EXPORTS:
        write(export)
