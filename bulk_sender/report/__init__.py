"""Report: one row per input row, what happened and why, made for Excel.

Owns what a report holds (`layout.py`), the workbook (`xlsx.py`) and CSV writers and where
the file goes (`workbook.py`), the partial file a failed write removes, the counts of the
summary, and the one interface the engine writes a report through (`writers.py`): on a thread,
at the end, or by the report's own process that follows the journal while a long run sends.
Everything a person reads in it is in the active language (`words.py` words the summary).
May import: `bulk_sender.journal` (the follower), `bulk_sender.contacts`, `bulk_sender.errors`,
`bulk_sender.result_columns` (the result columns' names and titles), `bulk_sender.language`,
`bulk_sender.records`, `bulk_sender.child`.
"""
