"""Protect: the rules that keep the sender's number safe.

Owns the opt-out list, the consent column, the recipient's send hours, and `rules`, which
turns the protection flags into a row's verdict. May import: `bulk_sender.contacts`,
`bulk_sender.errors`, `bulk_sender.records`.
"""
