"""Engine: one campaign run, as an async call that reports events and stops on a token.

Owns the run's settings and result (`campaign`), the plan (what this run sends), the
pipeline wiring the stages, the schedule and waits, the events front ends subscribe to, and
the composing process of long lists. Prints nothing, asks nothing, installs no signal
handler. May import every stage, `bulk_sender.errors`, `bulk_sender.records`,
`bulk_sender.child`; never a front end.
"""
