"""The `bulk-sender` command: a front end over the engine.

Declares the commands and their flags (`parser`), makes the engine's settings of them, runs
the command and maps errors to one line and an exit code (`main`), asks and prints progress
(`console`, `progress`); the protection flags, the test send and `optout` are `protect`'s.
May import the engine, the stages and the sandbox server (`--sandbox`, `serve`); the web page
only to start it (`bulk-sender ui`).
"""
