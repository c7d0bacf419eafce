"""Sandbox: a Plazbot-compatible server for rehearsals and tests.

`server.py` is the application: its checks and faults; `settings.py` its settings;
`bodies.py` what a send must hold and what its 200 answers; `logs.py` its two JSON-lines logs;
`whatsapp.py` what WhatsApp decides per phone (error codes, replies, blocks), as pure functions;
`records.py` what it accepted, in memory; `lookups.py` Plazbot's read endpoints over that.

May import: `bulk_sender.errors`. Nothing of the sending side: it is the other end of the wire.
"""
