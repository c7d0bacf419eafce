"""Messages: each row's text, from one template, in the campaign's locale.

Owns templates (Jinja2, sandboxed), the filters customers read (money, dates, names) and
`compose`, where a contact row becomes the `Message` it sends (phone plus text plus identity)
or the reason it cannot. May import: `bulk_sender.contacts`, `bulk_sender.errors`,
`bulk_sender.records`.
"""
