"""bulk-sender: personalised WhatsApp messages through Plazbot, from a spreadsheet."""

__version__ = "0.1.0"
