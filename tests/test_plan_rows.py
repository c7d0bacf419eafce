"""plan_rows: the plan committed as it goes, so sending can start before it ends."""

from __future__ import annotations

from bulk_sender import Mode, Settings
from bulk_sender.engine.campaign import prepare
from bulk_sender.engine.composing import composed_rows
from bulk_sender.engine.plan import FIRST_COMMIT, ResumeRules, plan_rows
from bulk_sender.journal.store import Journal

from .test_composing import write_contacts


def test_the_first_rows_are_committed_at_once_then_every_chunk(tmp_path):
    settings = Settings(
        contacts=write_contacts(tmp_path / "contacts.csv", 600), message="Hola {{ nombre }}",
        mode=Mode.LIVE, country="PE", phone_column="Celular,Telefono",
        reports_dir=tmp_path / "reports",
    )  # fmt: skip
    plan = prepare(settings)
    commits: list[int] = []
    sent: list[str] = []

    with Journal(tmp_path / "c.journal.sqlite3") as journal:
        journal.start_run()
        plan_rows(
            composed_rows(plan), journal, ResumeRules(),
            to_send=lambda message: sent.append(message.key),
            on_commit=commits.append, commit_every=256,
        )  # fmt: skip

    assert commits == [FIRST_COMMIT, 256, 512, 600]
    assert len(sent) == len(set(sent)) > 0
