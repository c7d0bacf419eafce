"""Column words: what the words of a header or a label say about the phone number it holds.

The tables `phone_columns.py` ranks phone columns by, in Spanish, Portuguese and English,
each word as a header splits into them there (camelCase apart, then `countries.fold`: lower
case, no accents, anything else a break): the customer's own WhatsApp, mobile or phone;
generic names that count only as a whole header; what is never a number to message; faxes;
another person's number; label columns and the words of a label/value pair; the tiers of
whose number it is, after the customer's own; the words of a second number.
"""

from __future__ import annotations

WHATSAPP = {"whatsapp", "whats", "wsp", "wpp", "zap"}
MOBILE = {"celular", "cel", "movil", "mobile", "mobil", "cell", "cellphone", "cellular",
          "telemovel", "movel"}  # fmt: skip
PHONE = {"telefono", "telefone", "phone", "telephone", "fone", "fono", "tel", "telf", "tlf",
         "tfno", "msisdn"}  # fmt: skip
# Words only a whole header means a phone by: "Número de pedido" is an order number, and
# Bling's "Número" is the house number, so these count only when no header says "phone".
GENERIC_NAMES = {"numero", "number", "nro", "contacto", "contato", "wa"}
# Never a number to message: pagers, parts of a number, flags about it.
NEVER = {"pager", "beeper", "bip", "telex", "isdn", "tty", "tdd", "radio", "ext",
         "extension", "extensao", "anexo", "ramal", "interno", "indicativo", "ddd", "ddi",
         "prefijo", "prefixo", "code", "codigo", "area", "verified", "verificado", "consent",
         "opt", "optin", "marketing", "accepts", "acepta", "aceita", "autoriza", "autorizacion",
         "permiso", "status"}  # fmt: skip
FAX = {"fax", "facsimile", "facsimil"}
# Another person's number: a message meant for the customer, with their name and their order,
# must never land there (Salesforce's AssistantPhone, Zoho's Asst Phone, a school's
# "Teléfono apoderado", a Brazilian form's "Telefone para recado").
OTHER_PERSON = {
    "assistant", "assistants", "asst", "asistente", "assistente", "secretary", "secretaria",
    "secretario", "manager", "managers", "gerente", "jefe", "jefa", "supervisor", "boss",
    "spouse", "partner", "wife", "husband", "conyuge", "conjuge", "esposo", "esposa", "marido",
    "pareja", "companheiro", "companheira", "parent", "parents", "father", "mother", "guardian",
    "padre", "madre", "papa", "mama", "pai", "mae", "apoderado", "apoderada", "tutor", "tutora",
    "acudiente", "responsavel", "familiar", "pariente", "parente", "emergency", "emergencia",
    "reference", "referencia", "referencias", "referrer", "referente", "referido", "referida",
    "indicacao", "recado", "recados", "vendedor", "vendedora", "asesor", "asesora",
    "ejecutivo", "ejecutiva", "owner", "agent", "agente", "seller", "consultor", "consultora",
}  # fmt: skip

# A column naming what kind of number its neighbour holds ("Phone 1 - Label", "Phone Type").
LABEL = {"label", "type", "tipo", "etiqueta", "rotulo", "kind"}
PAIR_FILLER = LABEL | {"value", "valor", "de", "do", "da", "del", "of"}
# Whose number it is, after the customer's own: work, home, address, billing, shipping.
# The company's main line (Outlook's "Company Main Phone", "Teléfono empresa") comes last: it
# reaches a switchboard, not the person.
TIERS = (
    {"work", "business", "trabajo", "trabalho", "oficina", "office", "comercial", "laboral",
     "escritorio"},
    # Outlook in Spanish calls the home phone "Teléfono particular".
    {"home", "casa", "hogar", "residencia", "residencial", "domicilio", "fijo", "fixo",
     "landline", "particular"},
    {"address", "direccion", "endereco", "mailing", "default"},
    {"billing", "bill", "facturacion", "factura", "cobro", "cobranca", "faturamento"},
    {"shipping", "ship", "envio", "entrega", "despacho", "delivery"},
    # Not "main": Google Contacts labels the person's own main number so.
    {"company", "empresa", "compania", "companhia", "corporativo", "negocio", "central",
     "switchboard", "centralita", "conmutador", "pbx"},
)  # fmt: skip
SECONDARY = {"other", "otro", "outro", "alternativo", "alternative", "alt", "secundario",
             "secondary", "adicional", "2", "3", "4", "5"}  # fmt: skip
