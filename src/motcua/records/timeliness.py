"""Early / on time / late for finished records, within / over deadline for open ones.

One function, used by the record page, the inbox, the reports and the index, so that a record is
never "on time" on one screen and "late" on another."""

import datetime as dt
from enum import StrEnum
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class Timeliness(StrEnum):
    EARLY = "early"  # trước hạn: finished on a day before the due day
    ON_TIME = "on_time"  # đúng hạn: finished on the due day, not after the due instant
    LATE = "late"  # quá hạn / trễ hạn
    WITHIN = "within"  # open, still within the deadline (trong hạn)
    OVERDUE = "overdue"  # open, past the deadline
    NO_DEADLINE = "no_deadline"  # not yet received, or refused at intake

    @property
    def label(self) -> str:
        return LABELS[self]

    @property
    def finished(self) -> bool:
        return self in (Timeliness.EARLY, Timeliness.ON_TIME, Timeliness.LATE)


LABELS = {
    Timeliness.EARLY: "Trước hạn",
    Timeliness.ON_TIME: "Đúng hạn",
    Timeliness.LATE: "Quá hạn",
    Timeliness.WITHIN: "Trong hạn",
    Timeliness.OVERDUE: "Quá hạn (đang xử lý)",
    Timeliness.NO_DEADLINE: "Chưa tính hạn",
}


def classify(
    *,
    due_at: dt.datetime | None,
    ended_at: dt.datetime | None,
    now: dt.datetime,
    paused: bool = False,
    supplement_requests: int = 0,
    max_supplement_requests: int = 1,
) -> Timeliness:
    """`ended_at` is the first terminal moment (finished, else returned, else stopped/refused).

    More supplement requests than the rules allow count the record late whatever the dates say
    (the index's rule, domain.md §7); a record waiting for the applicant is not overdue while its
    clock is stopped."""
    if due_at is None:
        return Timeliness.NO_DEADLINE
    too_many_supplements = supplement_requests > max_supplement_requests
    if ended_at is not None:
        if too_many_supplements or ended_at > due_at:
            return Timeliness.LATE
        if ended_at.astimezone(LOCAL_TZ).date() < due_at.astimezone(LOCAL_TZ).date():
            return Timeliness.EARLY
        return Timeliness.ON_TIME
    if too_many_supplements:
        return Timeliness.OVERDUE
    if not paused and now > due_at:
        return Timeliness.OVERDUE
    return Timeliness.WITHIN
