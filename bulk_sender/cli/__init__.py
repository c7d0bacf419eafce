"""The `bulk-sender` command: a front end over the engine.

Parses flags into the engine's settings, asks, prints progress and the outcome, maps errors
to one line and an exit code. May import the engine, the stages and the sandbox server
(`--sandbox`, `serve`); the web page only to start it (`bulk-sender ui`).
"""
