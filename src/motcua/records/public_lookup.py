"""A citizen looks up their own record: the code printed on the receipt (Mẫu 01) and a proof that
only the applicant holds — the ID number or the phone number given when filing.

Record codes are sequential (agency-yymmdd-sequence), so a code alone proves nothing and shows
nothing. A wrong code and a wrong proof answer alike (the page must not tell which records
exist), and misses are counted per client address: past the limit the address is refused until
the window has passed, whatever it sends."""

import datetime as dt
import hmac
import re
from dataclasses import dataclass

from django.conf import settings

from .lifecycle import Action
from .models import PublicLookupFailure, Record, RecordEvent
from .notify.sms import mobile_number

MAX_CODE = 60  # Record.code's length: anything longer is not a code
MAX_PROOF = 40
KEEP_FAILURES = dt.timedelta(days=1)

# What the applicant is told of their record's history: the steps they took part in or were
# told of on paper. Hand-overs inside the administration (assign, consult) stay internal.
APPLICANT_ACTIONS = frozenset(
    {
        Action.SUBMIT_ONLINE,
        Action.SUBMIT_ASSISTED,
        Action.SUBMIT_COUNTER,
        Action.SUBMIT_POST,
        Action.RECEIVE,
        Action.REFUSE_INTAKE,
        Action.REQUEST_SUPPLEMENT,
        Action.SUPPLEMENT_RECEIVED,
        Action.CLOSE_UNSUPPLEMENTED,
        Action.TRANSFER,
        Action.EXTEND,
        Action.STOP,
        Action.WITHDRAW,
        Action.APPROVE,
        Action.REFUSE,
        Action.RETURN_RESULT,
        Action.CORRECT_RESULT,
    }
)
# The applicant received these reasons in writing (Mẫu 02–05, the refusal): they may read them here.
REASON_ACTIONS = frozenset(
    {Action.REFUSE_INTAKE, Action.REQUEST_SUPPLEMENT, Action.EXTEND, Action.STOP, Action.REFUSE}
)


def normalize_code(text: str) -> str:
    return re.sub(r"\s+", "", text or "").upper()[: MAX_CODE + 1]


def _id_digits(text: str) -> str:
    return re.sub(r"[\s.\-]", "", text or "")


def proof_matches(record: Record, proof: str) -> bool:
    """The proof is the applicant's ID number, or their phone number in any usual writing
    (0905 123 456, +84905123456)."""
    given = _id_digits(proof)[:MAX_PROOF]
    if not given:
        return False
    candidates = [_id_digits(record.applicant_id_number), _id_digits(record.applicant_phone)]
    phone = mobile_number(record.applicant_phone)
    if phone:
        candidates.append(phone)
    given_phone = mobile_number(given)
    return any(
        bool(value) and (_same(value, given) or bool(given_phone and _same(value, given_phone)))
        for value in candidates
    )


def _same(a: str, b: str) -> bool:
    # Bytes, not str: compare_digest refuses a str holding any non-ASCII character (a typed "số").
    return hmac.compare_digest(a.encode(), b.encode())


def refused(client: str, now: dt.datetime) -> bool:
    """Too many misses from this address within the window."""
    since = now - dt.timedelta(minutes=settings.MOTCUA_LOOKUP_WINDOW_MINUTES)
    misses = PublicLookupFailure.objects.filter(client=client, at__gt=since).count()
    return misses >= settings.MOTCUA_LOOKUP_FAILURE_LIMIT


def find_for_applicant(*, code: str, proof: str, client: str, now: dt.datetime) -> Record | None:
    """The record whose code and proof match, else None (and the miss is counted). The attempt is
    written before the record is even read and taken back on a match: whatever happens in the
    comparison, a guess counts, and concurrent guesses from one address see each other."""
    attempt = PublicLookupFailure.objects.create(client=client[:64], at=now)
    record = (
        Record.objects.select_related("procedure", "receiving_agency", "agency")
        .filter(code=normalize_code(code))
        .first()
    )
    if record is not None and proof_matches(record, proof):
        attempt.delete()
        return record
    return None


def forget_old_failures(now: dt.datetime) -> int:
    """Misses older than a day count for nothing (`motcua records prune-lookups`, daily)."""
    deleted, _ = PublicLookupFailure.objects.filter(at__lt=now - KEEP_FAILURES).delete()
    return deleted


@dataclass(frozen=True)
class PublicEvent:
    at: dt.datetime
    action: Action
    reason: str
    missing: tuple[str, ...]
    due_at: dt.datetime | None


def public_history(record: Record) -> list[PublicEvent]:
    rows = []
    for event in RecordEvent.objects.filter(record=record).order_by("at", "pk"):
        if event.action not in APPLICANT_ACTIONS:
            continue
        action = Action(event.action)
        detail = event.detail or {}
        told = action in REASON_ACTIONS
        rows.append(
            PublicEvent(
                at=event.at,
                action=action,
                reason=event.reason if told else "",
                missing=tuple(detail.get("missing") or ()) if told else (),
                due_at=_instant(detail.get("new_due")) if action == Action.EXTEND else None,
            )
        )
    return rows


def _instant(text: object) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(text))
    except ValueError:
        return None
