"""Journal: every message's fate in SQLite, so a rerun carries on where a run stopped.

Owns the journal file (its tables, opening, the lock that allows one run per campaign), the
store (`Journal`: plan, claims, outcomes, results), the plan's rows read back for the report
(`results`), the reading of a journal by other processes without its lock (`reading`:
`Follower`, `snapshot`, `read_meta`) and its one writer thread. May import:
`bulk_sender.contacts` (cells kept with their types), `bulk_sender.messages` (a message
sent again later), `bulk_sender.errors`, `bulk_sender.records`.
"""
