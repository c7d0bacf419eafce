"""Lifecycle: a row's statuses and the moves between them. The one place that decides.

Every input row ends in exactly one status of the report (docs/spec.md section 3). How it
gets there is a short list of moves, each allowed only from certain statuses; `apply` makes
a move and refuses an illegal one. The journal takes its SQL from this table (a message is
claimed only while it is `pending`), the sender maps what an HTTP attempt meant to a move,
the planner asks which statuses a rerun sends, the report and the front ends take their
status lists and colours from here. A new rule (settling uncertain rows, a daily budget)
is a new move in the table, not a new `if` somewhere else.

    (none) --previewed--> ready                  a dry run's row that would be sent
    (none) --rejected--> invalid                 bad phone, template error
    (none) --repeated--> duplicate               same as an earlier row, or the resend rule
    (none) --excluded--> excluded                opted out, no consent
    (none) --sent_before--> sent                 a report fed back says so
    (none) --planned--> pending --claimed--> in_flight --accepted--> sent
                        pending --held--> pending (outside its send hours)
                                             in_flight --refused--> failed
                                             in_flight --unanswered--> uncertain
                                             in_flight --never_left--> pending
                                             in_flight --interrupted--> uncertain (a crash)
                                             in_flight --undeliverable--> invalid (131026)
                                             in_flight --opted_out--> excluded (131050)
    failed --retry_failed--> pending             only with --retry-failed
    failed --retry_due--> pending                its back-off is over (131049)
    uncertain --retry_uncertain--> pending       only with --retry-uncertain
    uncertain --confirmed--> sent                `settle` found it in Plazbot's records
    uncertain --not_found--> pending             `settle` proved Plazbot never got it

WhatsApp's error codes each make one of these moves (`ERROR_RULES`, docs/spec.md section 9).

Modelled on Celery's `celery/states.py`: the states, the sets that matter, nothing else. It
imports nothing of the package but the catalog's marker, `N_`: its words are translated where shown.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from .language import N_, _, ngettext


class Status(enum.StrEnum):
    """A row's status; the report shows every one but `IN_FLIGHT`."""

    READY = "ready"
    """Dry run: valid and rendered, would be sent."""
    PENDING = "pending"
    """Not sent, and certainly never reached the API: a rerun sends it."""
    IN_FLIGHT = "in_flight"
    """Claimed for sending, its request on its way: only ever in the journal."""
    SENT = "sent"
    FAILED = "failed"
    UNCERTAIN = "uncertain"
    """It may have reached the API: never sent again without the user's say."""
    INVALID = "invalid"
    DUPLICATE = "duplicate"
    EXCLUDED = "excluded"
    """Not sent by the sender's own rule: opted out, or no consent."""


class Move(enum.StrEnum):
    """What can happen to a row."""

    PREVIEWED = "previewed"
    REJECTED = "rejected"
    REPEATED = "repeated"
    EXCLUDED = "excluded"
    SENT_BEFORE = "sent_before"
    PLANNED = "planned"
    HELD = "held"
    CLAIMED = "claimed"
    ACCEPTED = "accepted"
    REFUSED = "refused"
    UNANSWERED = "unanswered"
    NEVER_LEFT = "never_left"
    INTERRUPTED = "interrupted"
    UNDELIVERABLE = "undeliverable"
    OPTED_OUT = "opted_out"
    RETRY_FAILED = "retry_failed"
    RETRY_DUE = "retry_due"
    RETRY_UNCERTAIN = "retry_uncertain"
    CONFIRMED = "confirmed"
    NOT_FOUND = "not_found"


NEW = None
"""A row no move has touched yet."""

TABLE: Mapping[tuple[Status | None, Move], Status] = {
    (NEW, Move.PREVIEWED): Status.READY,
    (NEW, Move.REJECTED): Status.INVALID,
    (NEW, Move.REPEATED): Status.DUPLICATE,
    (NEW, Move.EXCLUDED): Status.EXCLUDED,
    (NEW, Move.SENT_BEFORE): Status.SENT,
    (NEW, Move.PLANNED): Status.PENDING,
    (Status.PENDING, Move.HELD): Status.PENDING,
    (Status.PENDING, Move.CLAIMED): Status.IN_FLIGHT,
    (Status.IN_FLIGHT, Move.ACCEPTED): Status.SENT,
    (Status.IN_FLIGHT, Move.REFUSED): Status.FAILED,
    (Status.IN_FLIGHT, Move.UNANSWERED): Status.UNCERTAIN,
    (Status.IN_FLIGHT, Move.NEVER_LEFT): Status.PENDING,
    (Status.IN_FLIGHT, Move.INTERRUPTED): Status.UNCERTAIN,
    (Status.IN_FLIGHT, Move.UNDELIVERABLE): Status.INVALID,
    (Status.IN_FLIGHT, Move.OPTED_OUT): Status.EXCLUDED,
    (Status.FAILED, Move.RETRY_FAILED): Status.PENDING,
    (Status.FAILED, Move.RETRY_DUE): Status.PENDING,
    (Status.UNCERTAIN, Move.RETRY_UNCERTAIN): Status.PENDING,
    (Status.UNCERTAIN, Move.CONFIRMED): Status.SENT,
    (Status.UNCERTAIN, Move.NOT_FOUND): Status.PENDING,
}
"""(status, move) -> status: every legal move. Anything else is refused."""


class IllegalMove(ValueError):
    """A move the table does not allow from the row's status: a bug, never a user's error."""


def apply(status: Status | None, move: Move) -> Status:
    """The status after `move`; `status` None for a row no move has touched yet."""
    try:
        return TABLE[status, move]
    except KeyError:
        raise IllegalMove(f"{move.value} is not allowed from {status or 'a new row'}") from None


def first(move: Move) -> Status:
    """The status a row's first move gives it (rejected -> invalid, planned -> pending...)."""
    return apply(NEW, move)


def sources(move: Move) -> frozenset[Status]:
    """The statuses `move` may leave from: the journal's `WHERE status IN (...)`."""
    return frozenset(s for (s, m) in TABLE if m is move and s is not NEW)


def target(move: Move) -> Status:
    """Where `move` leads, wherever it leaves from (each move leads to one status)."""
    (found,) = {to for (_, m), to in TABLE.items() if m is move}
    return found


# The sets that matter (as Celery's READY_STATES, UNREADY_STATES).
REPORTED = tuple(s for s in Status if s is not Status.IN_FLIGHT)
"""The statuses a report shows, in this order."""
COUNT_IDS: dict[Status, tuple[str, str]] = {
    status: (f"{{n}} {status}", f"{{n}} {status}") for status in REPORTED
}
"""A count of rows in each status, `{n} sent`: the catalog's message ids (singular, plural),
made from the names (`tools/catalog.py` lists them for the catalog)."""


def status_count(status: Status, n: int) -> str:
    """`43 sent`, `1 duplicada`: a count of rows in a status, in the active language."""
    return ngettext(*COUNT_IDS[status], n).format(n=n)


DONE = frozenset((Status.SENT, Status.INVALID, Status.DUPLICATE, Status.EXCLUDED))
"""Nothing left to do for these rows: a run whose every row is one of them exits 0."""
UNFINISHED = frozenset((Status.FAILED, Status.UNCERTAIN, Status.PENDING))
"""A live run with any of these exits 1: the user has something to do or rerun."""
UNSETTLED = frozenset((Status.PENDING, Status.IN_FLIGHT))
"""Not yet final while a run sends: the report's process waits for these."""
RETRIED_BY = {Status.FAILED: Move.RETRY_FAILED, Status.UNCERTAIN: Move.RETRY_UNCERTAIN}
"""The statuses a rerun may send again, and the move that does it when the user says so."""
WHILE_SENDING = (Status.SENT, Status.FAILED, Status.UNCERTAIN, Status.PENDING)
"""What a front end counts while a run sends, in this order."""
PROBLEMS = (Status.FAILED, Status.UNCERTAIN, Status.INVALID, Status.DUPLICATE,
            Status.EXCLUDED, Status.PENDING)  # fmt: skip
"""Rows a user looks at after a run, in this order."""
COLOURS = {
    Status.SENT: "#C6EFCE",
    Status.FAILED: "#FFC7CE",
    Status.UNCERTAIN: "#FFEB9C",
    Status.INVALID: "#D9D9D9",
    Status.DUPLICATE: "#D9D9D9",
    Status.EXCLUDED: "#D9D9D9",
}
"""Each status's fill in the report (Excel's good, bad and neutral colours)."""
MEANINGS = {
    Status.READY: N_("valid and written: a live run would send it"),
    Status.PENDING: N_("not sent yet, and never reached Plazbot: running again sends it"),
    Status.SENT: N_("accepted by Plazbot (not yet a delivery to the phone)"),
    Status.FAILED: N_("refused by Plazbot for good"),
    Status.UNCERTAIN: N_("may have reached Plazbot with no answer: not sent again unless you say"),
    Status.INVALID: N_("cannot be sent: bad or missing phone, or a message error"),
    Status.DUPLICATE: N_("the same phone and message as an earlier row, or already messaged"),
    Status.EXCLUDED: N_("left out by your own rule: opted out, or no consent"),
}
"""What each status means to the person reading a report or the page (translated where shown)."""

REASONS = {
    "missing_phone": N_("no phone"),
    "not_own_phone": N_("only another person's number"),
    "invalid_phone": N_("invalid phone"),
    "no_country": N_("no country for the phone"),
    "landline": N_("landline"),
    "digits_lost": N_("digits lost in the sheet"),
    "missing_value": N_("a value the message needs is missing"),
    "bad_value": N_("a value the message cannot use"),
    "template_error": N_("template error"),
    "empty_message": N_("empty message"),
    "too_long": N_("message too long"),
    "duplicate": N_("repeated row"),
    "already_messaged": N_("already messaged"),
    "opted_out": N_("asked not to be messaged"),
    "no_consent": N_("no consent"),
    "outside_hours": N_("outside the send hours"),
    "daily_limit": N_("over the daily budget"),
    "window_closed": N_("24-hour window closed"),
    "not_on_whatsapp": N_("not on WhatsApp"),
    "api_refused": N_("refused by Plazbot"),
    "connect_error": N_("cannot connect"),
    "connect_timeout": N_("connecting took too long"),
    "read_timeout": N_("no answer in time"),
    "connection_lost": N_("connection lost"),
    "interrupted": N_("interrupted"),
    "in_flight": N_("being sent right now"),
    "meta_limited": N_("limited by Meta for now"),
    "meta_experiment": N_("in a Meta experiment"),
    "throughput_limit": N_("WhatsApp's throughput limit"),
    "pair_rate_limit": N_("too many messages to this customer"),
    "confirmed_by_lookup": N_("confirmed in Plazbot's records"),
    "not_found_by_lookup": N_("not in Plazbot's records"),
    "lookup_failed": N_("Plazbot could not tell"),
    "too_recent": N_("too recent to tell"),
}
"""Each reason code (docs/spec.md section 3) in a few words, for the summaries a person reads
(the terminal's, the report's, the page's); translated where shown. The code itself is the
stable name scripts read (`result_detail` starts with it). `api_4xx` codes are worded by
`reason_words()`."""
API_REASON = N_("Plazbot answered {status}")


def reason_words(code: str) -> str:
    """A reason code's few words in the active language: the table's, `Plazbot answered 404`
    for an `api_404`, else the code itself."""
    if code.startswith("api_") and code[4:].isdigit():
        return _(API_REASON).format(status=code[4:])
    return _(REASONS[code]) if code in REASONS else code


SENDABLE = sources(Move.CLAIMED)
"""What a run sends: the statuses `Move.CLAIMED` leaves from."""


def rerun_move(
    status: Status,
    *,
    retry_failed: bool,
    retry_uncertain: bool,
    code: str = "",
    retry_at: datetime | None = None,
    now: datetime | None = None,
) -> Move | None:
    """The move a rerun makes on a message an earlier run left in `status`, if any.

    `failed` and `uncertain` go back to `pending` only with the user's say (`--retry-failed`,
    `--retry-uncertain`); an uncertain one may have reached the customer already. A failure
    whose WhatsApp code says so (`code`, the reason the journal keeps) is tried again only
    once its back-off is over (`retry_at`, whatever the flags say), or never.
    """
    if status is Status.UNCERTAIN:
        return Move.RETRY_UNCERTAIN if retry_uncertain else None
    if status is not Status.FAILED:
        return None
    rule = RULES_BY_REASON.get(code)
    if rule is not None and rule.resend is Resend.NEVER:
        return None
    if rule is not None and rule.resend is Resend.AFTER_BACKOFF:
        due = retry_at is not None and (now or datetime.now(UTC)) >= retry_at
        return Move.RETRY_DUE if due else None
    return Move.RETRY_FAILED if retry_failed else None


class Resend(enum.Enum):
    """When a later run may send a message WhatsApp refused again."""

    IF_ASKED = "if_asked"
    """With `--retry-failed`, as any failure."""
    AFTER_BACKOFF = "after_backoff"
    """By itself, once the back-off the journal keeps is over; not before, whatever the flags."""
    NEVER = "never"
    """Never by this campaign."""
    SAME_RUN = "same_run"
    """Not a failure: the run slows down and tries again."""


@dataclass(frozen=True, slots=True)
class ErrorRule:
    """What one of WhatsApp's error codes means for the row (docs/spec.md section 9)."""

    code: str
    reason: str
    """The row's reason code in the report (`result_detail` starts with it)."""
    move: Move | None
    """The move the attempt ends with; None when the run slows down and tries again."""
    resend: Resend
    words: str
    """What it means, for the report's detail and the README."""
    hint: str = ""
    """What the user can do about it, said at the end of a run."""


ERROR_RULES = {
    rule.code: rule
    for rule in (
        ErrorRule("130429", "throughput_limit", None, Resend.SAME_RUN,
                  N_("WhatsApp's throughput limit for the number: slowed down and tried again")),
        ErrorRule("131056", "pair_rate_limit", None, Resend.SAME_RUN,
                  N_("too many messages to this customer in a short time: waited and tried "
                     "again")),
        ErrorRule("131049", "meta_limited", Move.REFUSED, Resend.AFTER_BACKOFF,
                  N_("Meta limited marketing messages to this customer for now")),
        ErrorRule("130472", "meta_experiment", Move.REFUSED, Resend.NEVER,
                  N_("the customer is part of a Meta experiment: this campaign never sends it "
                     "again")),
        ErrorRule("131050", "opted_out", Move.OPTED_OUT, Resend.NEVER,
                  N_("the customer stopped marketing messages: added to the opt-out list")),
        ErrorRule("131026", "not_on_whatsapp", Move.UNDELIVERABLE, Resend.NEVER,
                  N_("undeliverable: not on WhatsApp, an old app, or WhatsApp's terms not "
                     "accepted")),
        ErrorRule("131048", "daily_limit", Move.NEVER_LEFT, Resend.IF_ASKED,
                  N_("WhatsApp's daily limit of different customers is reached: not sent"),
                  N_("tell bulk-sender your tier (bulk-sender budget set N) so runs stay within "
                     "it; these rows are pending and a later run sends them")),
        ErrorRule("131047", "window_closed", Move.REFUSED, Resend.IF_ASKED,
                  N_("more than 24 hours since the customer last wrote: only an approved "
                     "template gets through (--wa-template)"),
                  N_("only an approved template reaches these customers: send it as a new "
                     "campaign with --wa-template NAME")),
    )
}  # fmt: skip
"""WhatsApp's error codes that matter to a bulk sender, by code. Unknown codes keep the
class their HTTP answer gives (docs/spec.md section 3)."""
RULES_BY_REASON = {rule.reason: rule for rule in ERROR_RULES.values()}

BACKOFF_FIRST = timedelta(days=1)
BACKOFF_MOST = timedelta(days=8)


def backoff(times_limited: int) -> timedelta:
    """How long a 131049 row waits: a day the first time, twice as long each time after."""
    return min(BACKOFF_MOST, BACKOFF_FIRST * (1 << max(0, times_limited - 1)))


REPORTED_AS = {
    (Status.IN_FLIGHT, False): (Status.UNCERTAIN, "in_flight", N_("the run is still going")),
    (Status.IN_FLIGHT, True): (Status.UNCERTAIN, "in_flight", N_("the run is still going")),
    (Status.PENDING, True): (Status.READY, "", ""),
}
"""(status, dry run) -> (status shown, its reason code, its words), where a report shows a
message's status as another: in flight as `uncertain` (another run is sending it right now),
a dry run's `pending` as `ready` (it would be sent). Its words are translated where shown."""


def as_reported(status: Status, *, dry_run: bool) -> Status:
    """How a report shows a message's status while or after a run (`REPORTED_AS`)."""
    found = REPORTED_AS.get((status, dry_run))
    return status if found is None else found[0]


def row_status(own: str | None, message: str | None, *, dry_run: bool) -> Status:
    """The status a report shows for a planned row, from what the journal keeps of it.

    `own` is the row's own status, set when planning decided it (invalid, duplicate,
    excluded, or sent by a report fed back); `message` its message's, when it has one.
    A row planned without a message could not be composed: rejected.
    """
    if own and own != Status.SENT:
        return Status(own)
    if message is None:
        return first(Move.REJECTED)
    return as_reported(Status(message), dry_run=dry_run)


def source_of_settling() -> Status:
    """The status `settle` looks up: the one its moves leave from."""
    (found,) = sources(Move.CONFIRMED) | sources(Move.NOT_FOUND)
    return found


def unfinished(statuses: Iterable[str]) -> bool:
    """Whether any of these statuses leaves the user something to do."""
    return any(s in UNFINISHED for s in statuses)
