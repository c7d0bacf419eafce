"""Contacts: read the user's export and find each row's phone and country.

Owns files (sniffing encodings and delimiters, CSV and spreadsheets, pandas frames), the cells
kept with their types, the phone columns and whose number each is (the header words they are
known by in `column_words`), countries, and phone normalisation. May import:
`bulk_sender.errors`, `bulk_sender.records`. Nothing else of the package: every later stage
builds on this one.
"""
