"""Delivery: messages to the Plazbot API and what each attempt means.

Owns the wire (`wire`: where messages go, the send settings, each message's request, the raw
HTTP POST), the classification of an attempt into an outcome or a retry (`classify`), the pace
and give-up rules (`limits`) and the bounded-concurrency sender (`sender`).
May import: `bulk_sender.errors`, `bulk_sender.records`. Nothing above it imports aiohttp.
"""
