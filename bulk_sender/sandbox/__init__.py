"""Sandbox: a Plazbot-compatible server for rehearsals and tests.

May import: `bulk_sender.errors`. Nothing of the sending side: it is the other end of the wire.
"""
