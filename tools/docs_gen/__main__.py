"""Every error message the collector finds: `python -m docs_gen` from tools/."""

from docs_gen.errors import raised

found, unread = raised()
for item in found:
    print(f"{item.error:18} {item.module:24} {item.text}")
for site in unread:
    print("no literal message:", site)
