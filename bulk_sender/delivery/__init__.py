"""Delivery: messages to the Plazbot API and what each attempt means.

Owns the raw HTTP POST (`wire`), the classification of an attempt into an outcome or a retry
(`classify`), the pace and give-up rules (`limits`) and the bounded-concurrency sender.
May import: `bulk_sender.errors`, `bulk_sender.records`. Nothing above it imports aiohttp.
"""
