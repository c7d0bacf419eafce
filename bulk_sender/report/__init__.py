"""Report: one row per input row, what happened and why, made for Excel.

Owns the workbook and CSV writers, the partial file a failed write removes, the counts of the
summary, and the report's own process that follows the journal while a long run sends.
May import: `bulk_sender.journal` (the follower), `bulk_sender.contacts`, `bulk_sender.errors`,
`bulk_sender.records`, `bulk_sender.child`.
"""
