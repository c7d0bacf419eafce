"""The local web page, `bulk-sender ui`: a front end over the same engine as the CLI.

`server` starts it (loopback only, a token in the URL), `security` is its door, `i18n` its
languages, `contacts` and `campaigns` read files for the page, `runs` drives the engine.
"""
