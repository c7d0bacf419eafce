"""A long list composed by a child process: the same rows, messages and counts as in-process."""

from __future__ import annotations

import csv
import dataclasses
import pickle
import threading
from pathlib import Path

import pytest

from bulk_sender import InputError, Mode, Settings
from bulk_sender.engine.campaign import prepare
from bulk_sender.engine.composing import Job, composed_rows, composes_apart
from bulk_sender.report.process import PROCESS_ROWS

WAIT = 60.0
"""Seconds the tests give the child to start (a slow machine); they never wait that long."""


def write_contacts(path: Path, count: int) -> Path:
    """Two phone columns and a country column: the second phone serves where the first fails,
    and some rows have none."""
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["Nombre", "Celular", "Telefono", "Pais", "Pedido"])
        for i in range(count):
            first = "" if i % 7 == 0 else ("123" if i % 11 == 0 else str(912000000 + i))
            country = "Mexico" if i % 5 == 0 else ""
            second = f"+52 55 1234 {i % 10000:04d}" if country else str(987000000 + i)
            second = "12" if i % 13 == 0 else second  # no phone at all: invalid
            writer.writerow([f"Cliente {i}", first, second, country, f"PED-{i}"])
    return path


def settings(tmp_path: Path, count: int) -> Settings:
    return Settings(
        contacts=write_contacts(tmp_path / "contacts.csv", count),
        message="Hola {{ nombre }}, pedido {{ pedido }}",
        mode=Mode.LIVE, country="PE", phone_column="Celular,Telefono", workspace_id="secret",
        reports_dir=tmp_path / "reports",
    )  # fmt: skip


def test_the_child_composes_what_this_process_would(tmp_path):
    run = settings(tmp_path, 600)
    here, there = prepare(run), prepare(run)
    expected = [(contact, here.composer.compose(contact)) for contact in here.table.contacts()]
    ready = threading.Event()

    rows = composed_rows(there, True, wake=ready.set)
    first = next(rows)  # composed here, while the child starts
    assert ready.wait(WAIT)  # the child is ready: it takes over from the second row
    found = [first, *rows]

    assert found == expected
    assert there.composer.columns_used() == here.composer.columns_used()
    assert {type(composed).__name__ for _, composed in found} == {"Message", "Outcome"}


def test_not_apart_every_row_is_composed_here(tmp_path):
    run = settings(tmp_path, 50)
    here, there = prepare(run), prepare(run)
    woken = threading.Event()

    found = list(composed_rows(there, wake=woken.set))

    assert found == [(c, here.composer.compose(c)) for c in here.table.contacts()]
    assert not woken.is_set()  # no child was started


def test_a_list_read_before_the_child_is_ready_is_composed_here_whole(tmp_path):
    run = settings(tmp_path, 30)  # read in a few milliseconds; the child takes far longer
    here, there = prepare(run), prepare(run)

    found = list(composed_rows(there, True))

    assert found == [(c, here.composer.compose(c)) for c in here.table.contacts()]
    assert there.composer.columns_used() == here.composer.columns_used()


def test_a_file_changed_under_the_run_stops_it_with_one_error(tmp_path):
    run = settings(tmp_path, 20)
    plan = prepare(run)
    with (tmp_path / "contacts.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["Cliente", "Movil"], ["Ana", "912000001"]])
    ready = threading.Event()

    rows = composed_rows(plan, True, wake=ready.set)
    next(rows)  # the run's own first row, read before the file changed
    assert ready.wait(WAIT)
    with pytest.raises(InputError, match="the file changed while it was read"):
        list(rows)


def test_the_child_gets_the_run_s_decisions_and_no_secret(tmp_path):
    plan = prepare(settings(tmp_path, 20))

    job = Job.of(plan)

    assert b"secret" not in pickle.dumps(job)
    assert (job.columns, job.phones) == (plan.table.columns, plan.composer.phones)
    contact = next(iter(plan.table.contacts()))
    assert job.composer().compose(contact) == plan.composer.compose(contact)


def test_only_a_long_text_file_is_composed_apart(tmp_path):
    plan = prepare(settings(tmp_path, 20))
    workbook = dataclasses.replace(plan, table=dataclasses.replace(
        plan.table, path=plan.table.path.with_suffix(".xlsx")))  # fmt: skip

    assert composes_apart(plan, PROCESS_ROWS)
    assert not composes_apart(plan, PROCESS_ROWS - 1)
    assert not composes_apart(workbook, PROCESS_ROWS)  # read whole: a second copy, no gain
