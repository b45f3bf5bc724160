"""A year of demo records for the Khánh Hòa communes (01/12/2025 → 25/11/2026).

Every record is made through `records.services` with simulated times (`at=`), so its history,
steps and deadlines are the ones the real code writes: intake at the counter, online and by post,
supplements, extensions, transfers (phi địa giới), consultations, refusals, withdrawals, late and
still-open records. Deterministic (one seeded `random.Random`) and idempotent: demo records carry
`DEMO_TAG` in their summary; a second run finds them and adds nothing (an interrupted run resumes,
because records are committed in batches in the order they were planned).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import prefetch_related_objects

from motcua.accounts.models import Role, RoleGrant, User
from motcua.calendars.selectors import settings_pinned
from motcua.catalog.models import Offering, Procedure
from motcua.core.text import search_key
from motcua.units.models import Agency, AgencyKind, UnitLevel
from motcua.workdays import Calendar

from . import hooks
from .clock import calendar_of
from .lifecycle import Action, State, TransitionError
from .models import ApplicantKind, Record
from .services import Applicant, record_intake_at_counter, record_perform, record_submit

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DEMO_TAG = "(hồ sơ demo)"
FIRST_DAY = dt.date(2025, 12, 1)
LAST_DAY = dt.date(2026, 11, 25)
# The demo's "now": later actions have not happened yet, so their records are still open.
DEMO_NOW = dt.datetime(2026, 11, 25, 17, 0, tzinfo=VN)
SEED = 20251201
DEFAULT_COUNT = 20_000
BATCH = 200
DEMO_PASSWORD = "demo-KhanhHoa-2025"  # same as accounts.demo: one password for every demo officer
# Staff the accounts demo already made, reused for their communes (GSO code → role → username).
KNOWN_STAFF = {
    "22525": {"desk": "motcua.vanhung", "specialist": "chuyenvien.vanhung", "leader": "lanhdao.vanhung"},
    "22516": {"desk": "motcua.vanthang"},
}

# What happens to a record (percent of all records); the rest go through on time.
FATES: dict[str, float] = {
    "late": 4.5,
    "supplement": 8.0,
    "unsupplemented": 0.6,
    "intake_supplement": 1.5,
    "extension": 2.0,
    "transfer": 1.5,
    "elsewhere": 2.5,  # phi địa giới: received at one commune, decided by another
    "consult": 1.0,
    "withdraw": 1.5,
    "refuse_intake": 1.5,
    "refuse": 2.0,
    "stop": 0.3,
    "stuck": 1.2,  # the specialist sits on it for weeks: recent ones are still open and overdue
}


def _words(text: str) -> list[str]:
    return text.split()


# Demand per procedure code (relative); unlisted procedures weigh 1.
POPULAR = {
    "2.000815": 30, "2.000884": 14, "2.000908": 6, "1.001193": 10, "1.000656": 4, "1.000894": 4,
    "1.004873": 8, "1.010041": 7, "1.004194": 6, "1.004222": 4, "1.003677": 2, "2.001159": 3,
    "1.001612": 3, "2.000720": 2, "1.014063": 3, "1.014064": 2, "1.004859": 2,
}  # fmt: skip
SURNAMES = _words("Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý")
SURNAME_WEIGHTS = [38, 11, 9, 7, 5, 5, 4, 4, 4, 2, 2, 2, 2, 1, 1, 1]
MIDDLE_M = _words("Văn Hữu Đức Minh Quốc Thanh Công Ngọc Xuân")
MIDDLE_F = _words("Thị Ngọc Thu Thanh Mỹ Bảo Kim Hồng Minh")
GIVEN_M = _words("An Bình Cường Dũng Hải Hùng Khang Long Minh Nam Phong Quân Sơn Tài Thắng Trung Tuấn Việt")
GIVEN_F = _words(
    "Anh Chi Diệp Dung Hà Hạnh Hoa Hương Lan Linh Mai Ngân Nhung Oanh Phương Quyên Thảo Trang Vy Yến"
)
HAMLETS = ["thôn 1", "thôn 2", "thôn Tân Đức", "thôn Xuân Tự", "tổ dân phố 3", "thôn Hội Khánh", "tổ 5"]
MISSING = [
    "Bản sao giấy khai sinh có chứng thực",
    "Tờ khai có chữ ký của người yêu cầu",
    "Giấy tờ chứng minh nơi cư trú",
    "Bản chính giấy tờ để đối chiếu",
    "Văn bản ủy quyền có chứng thực",
]


@dataclass
class Staff:
    desk: User
    specialist: User
    leader: User


@dataclass
class Plan:
    at: dt.datetime
    agency: Agency  # decides
    receiving: Agency  # takes it in and returns the result
    other: Agency | None  # consulted
    procedure: Procedure
    channel: str  # counter | online | assisted | post
    fate: str
    applicant: Applicant
    rng: random.Random = field(repr=False)


def demo_count() -> int:
    return int(os.environ.get("MOTCUA_DEMO_RECORDS", DEFAULT_COUNT))


def build_demo(count: int | None = None, *, seed: int = SEED) -> Iterator[str]:
    count = demo_count() if count is None else count
    agencies = _commune_agencies()
    offered = _offered(agencies)
    agencies = [a for a in agencies if offered.get(a.pk)]
    if not agencies:
        yield "Hồ sơ demo: bỏ qua — chưa có UBND xã nào cung cấp thủ tục (chạy demo đơn vị, danh mục trước)."
        return
    done = Record.objects.filter(summary__endswith=DEMO_TAG).count()
    if done >= count:
        yield f"Hồ sơ demo: đã có {done} hồ sơ, không tạo thêm."
        return
    started = time.perf_counter()
    staff = _demo_staff(agencies)
    yield f"Hồ sơ demo: cán bộ của {len(staff)} UBND xã sẵn sàng."
    plans = _plan(count, agencies, offered, random.Random(seed))
    calendars: dict[int, Calendar] = {}
    made = failed = 0
    # The index roll-ups are rebuilt once after this step (core.demo), not per change.
    for first in range(done, count, BATCH):
        with transaction.atomic(), settings_pinned(), hooks.suspended():
            for plan in plans[first : first + BATCH]:
                try:
                    _Flow(plan, staff, calendars).run()
                    made += 1
                except TransitionError as error:  # a demo plan the rules refuse: report, go on
                    failed += 1
                    if failed <= 5:
                        yield f"  bỏ qua một hồ sơ ({plan.fate}): {error.message}"
        if (first // BATCH) % 10 == 9:
            yield f"  … {first + BATCH} / {count} hồ sơ ({time.perf_counter() - started:.0f} s)"
    elapsed = time.perf_counter() - started
    yield (
        f"Hồ sơ demo: {made} hồ sơ mới từ {FIRST_DAY:%d/%m/%Y} đến {LAST_DAY:%d/%m/%Y} "
        f"qua {len(agencies)} UBND xã trong {elapsed:.0f} s ({made / max(elapsed, 1e-9):.0f} hồ sơ/giây)"
        + (f"; {failed} kịch bản bị quy tắc từ chối." if failed else ".")
    )


# --- who and what ---------------------------------------------------------------------------


def _commune_agencies() -> list[Agency]:
    return list(
        Agency.objects.valid_at(FIRST_DAY)
        .filter(kind=AgencyKind.PEOPLES_COMMITTEE, unit__level=UnitLevel.COMMUNE)
        .select_related("unit", "unit__parent")
        .order_by("code")
    )


def _offered(agencies: list[Agency]) -> dict[int, list[Procedure]]:
    """Procedures each agency offers during the demo year that have a deadline to compute."""
    offered: dict[int, list[Procedure]] = {}
    offerings = (
        Offering.objects.valid_at(FIRST_DAY)
        .filter(agency__in=agencies, procedure__is_active=True, procedure__clock_value__isnull=False)
        .exclude(procedure__clock_unit="")
        .select_related("procedure")
        .order_by("procedure__code")
    )
    for offering in offerings:
        offered.setdefault(offering.agency_id, []).append(offering.procedure)
    return offered


def _person(rng: random.Random, female: bool) -> str:
    surname = rng.choices(SURNAMES, SURNAME_WEIGHTS)[0]
    middle = rng.choice(MIDDLE_F if female else MIDDLE_M)
    given = rng.choice(GIVEN_F if female else GIVEN_M)
    return f"{surname} {middle} {given}"


def _demo_staff(agencies: list[Agency]) -> dict[int, Staff]:
    """A desk officer, a specialist and a leader per commune (idempotent)."""
    rng = random.Random(SEED + 1)
    password = make_password(DEMO_PASSWORD)
    staff: dict[int, Staff] = {}
    with transaction.atomic():
        for agency in agencies:
            known = KNOWN_STAFF.get(agency.unit.code, {})
            people = {}
            for role in (Role.DESK_OFFICER, Role.SPECIALIST, Role.LEADER):
                prefix = {"desk": "motcua", "specialist": "chuyenvien", "leader": "lanhdao"}[role.value]
                username = known.get(role.value, f"{prefix}.{agency.unit.code}")
                name = _person(rng, rng.random() < 0.5)
                user, _ = User.objects.get_or_create(
                    username=username, defaults={"full_name": name, "password": password}
                )
                RoleGrant.objects.get_or_create(
                    user=user, role=role, unit=agency.unit, defaults={"agency": agency}
                )
                people[role.value] = user
            staff[agency.pk] = Staff(people["desk"], people["specialist"], people["leader"])
    # Load the grants once: the services read the actor's grants on every action.
    prefetch_related_objects(
        [u for s in staff.values() for u in (s.desk, s.specialist, s.leader)], "grants__unit"
    )
    return staff


# --- the plan: when, where, what, and what will happen ---------------------------------------


def _plan(
    count: int, agencies: list[Agency], offered: dict[int, list[Procedure]], rng: random.Random
) -> list[Plan]:
    calendar = calendar_of(agencies[0])
    days = [FIRST_DAY + dt.timedelta(days=i) for i in range((LAST_DAY - FIRST_DAY).days + 1)]
    working = [d for d in days if calendar.is_working_day(d)]
    rush = _rush_days(calendar, working)
    counter_weights = [2.0 if d in rush else 1.0 for d in working]
    online_weights = [(2.0 if d in rush else 1.0) if calendar.is_working_day(d) else 0.3 for d in days]
    # Wards (phường) and larger communes see more people; a lognormal spread, fixed by the seed.
    agency_weights = [
        rng.lognormvariate(0, 0.5) * (2.0 if "phường" in a.unit.name.lower() else 1.0) for a in agencies
    ]
    fates, fate_weights = [*list(FATES), "on_time"], [*FATES.values(), 100 - sum(FATES.values())]
    plans = []
    for _ in range(count):
        agency = rng.choices(agencies, agency_weights)[0]
        procedures = offered[agency.pk]
        procedure = rng.choices(procedures, [POPULAR.get(p.code, 1) for p in procedures])[0]
        channel = rng.choices(["counter", "online", "assisted", "post"], [50, 39, 6, 5])[0]
        fate = rng.choices(fates, fate_weights)[0]
        if fate == "intake_supplement" and channel == "counter":
            channel = "online"
        if channel == "online":
            day = rng.choices(days, online_weights)[0]
            minute = int(rng.triangular(6 * 60, 23 * 60, 10 * 60))
        else:
            day = rng.choices(working, counter_weights)[0]
            minute = _counter_minute(rng)
        at = dt.datetime(
            day.year, day.month, day.day, minute // 60, minute % 60, rng.randrange(60), tzinfo=VN
        )
        receiving, other = agency, None
        if fate in ("elsewhere", "transfer", "consult"):
            others = [a for a in agencies if a.pk != agency.pk and procedure in offered[a.pk]]
            other = rng.choice(others) if others else None
            if other is None:
                fate = "on_time"
            elif fate != "consult":
                # Filed at the commune where the applicant lives or works, not the competent one.
                receiving = other
                channel = "counter" if channel == "online" else channel
        applicant = _applicant(rng, procedure, receiving)
        plans.append(
            Plan(
                at, agency, receiving, other, procedure, channel, fate, applicant, random.Random(rng.random())
            )
        )
    plans.sort(key=lambda p: p.at)
    return plans


def _rush_days(calendar: Calendar, working: list[dt.date]) -> set[dt.date]:
    """The four working days before each long holiday (Tết, 30/4–1/5, 2/9): people hurry."""
    rush: set[dt.date] = set()
    for i, day in enumerate(working[1:], start=1):
        if (day - working[i - 1]).days > 3:  # a break longer than a weekend just ended
            rush.update(working[max(i - 4, 0) : i])
    return rush


def _counter_minute(rng: random.Random) -> int:
    if rng.random() < 0.2:  # after the 15:00 cut-off
        return rng.randrange(15 * 60, 16 * 60 + 55)
    if rng.random() < 0.65:
        return rng.randrange(7 * 60 + 30, 11 * 60 + 20)
    return rng.randrange(13 * 60 + 30, 15 * 60)


def _applicant(rng: random.Random, procedure: Procedure, agency: Agency) -> Applicant:
    female = rng.random() < 0.52
    born = rng.randrange(1950, 2006)
    century = (0 if born < 2000 else 2) + (1 if female else 0)
    business = "kinh doanh" in procedure.name.lower() and rng.random() < 0.6
    name = _person(rng, female)
    return Applicant(
        name=f"Hộ kinh doanh {name}" if business else name,
        id_number=f"056{century}{born % 100:02d}{rng.randrange(10**6):06d}",
        phone=f"0{rng.choice('35789')}{rng.randrange(10**8):08d}",
        email=f"{search_key(name).replace(' ', '.')}{rng.randrange(100)}@example.vn"
        if rng.random() < 0.3
        else "",
        address=f"{rng.choice(HAMLETS)}, {agency.unit.name}, tỉnh Khánh Hòa",
        kind=ApplicantKind.BUSINESS if business else ApplicantKind.CITIZEN,
    )


# --- one record's life ------------------------------------------------------------------------


class _End(Exception):
    """The record's story is over, or its next step falls after the demo's "now" (still open)."""


class _Flow:
    def __init__(self, plan: Plan, staff: dict[int, Staff], calendars: dict[int, Calendar]) -> None:
        self.plan, self.rng = plan, plan.rng
        # `here` takes the dossier in and hands the result back; `there` decides (phi địa giới).
        self.here, self.there = staff[plan.receiving.pk], staff[plan.agency.pk]
        if plan.agency.pk not in calendars:
            calendars[plan.agency.pk] = calendar_of(plan.agency)
        self.calendar = calendars[plan.agency.pk]
        self.withdraw_early = plan.fate == "withdraw" and self.rng.random() < 0.4
        self.budget = 8.0  # working hours left when the specialist is done
        self.record: Record

    def hours(self, start: dt.datetime, low: float, high: float) -> dt.datetime:
        """`start` plus some working hours."""
        return self.calendar.add_working_time(start, dt.timedelta(hours=self.rng.uniform(low, high)))

    def act(self, action: Action, actor: User | None, at: dt.datetime, **params: Any) -> dt.datetime:
        if at > DEMO_NOW:
            raise _End
        self.record = record_perform(record=self.record, action=action, actor=actor, at=at, **params)
        return at

    def last(self, action: Action, actor: User | None, at: dt.datetime, **params: Any) -> None:
        self.act(action, actor, at, **params)
        raise _End

    def run(self) -> None:
        with contextlib.suppress(_End):
            self._run()

    def _run(self) -> None:
        plan, fate = self.plan, self.plan.fate
        at = self._intake()
        if fate == "refuse_intake":
            self.last(Action.REFUSE_INTAKE, self.here.desk, self.hours(at, 0.05, 0.5), reason=REASONS[fate])
        if self.record.state == State.SUBMITTED:
            at = self._receive(at)
        if fate == "transfer":
            at = self.act(
                Action.TRANSFER,
                self.here.desk,
                self.hours(at, 0.1, 2),
                to_agency=plan.agency,
                reason=REASONS[fate],
            )
        at = self.act(Action.ASSIGN, self.there.desk, self.hours(at, 0.1, 3), to_user=self.there.specialist)
        at = self._specialist(at)
        # Submitted for signature: the specialist forwards the record to the leader (the leader's
        # step of the process), who signs within a small share of the time the specialist left.
        leader, share = self.there.leader, self.budget
        forward_at = self.hours(at, 0.02 * share, 0.12 * share)
        at = self.act(Action.FORWARD, self.there.specialist, forward_at, to_user=leader)
        if fate == "refuse":
            at = self.act(
                Action.REFUSE, leader, self.hours(at, 0.02 * share, 0.12 * share), reason=REASONS[fate]
            )
        else:
            at = self.act(Action.APPROVE, leader, self.hours(at, 0.02 * share, 0.12 * share))
        online = plan.channel in ("online", "assisted")
        self.act(Action.RETURN_RESULT, self.here.desk, self.hours(at, 0.05, 2 if online else 20))

    def _intake(self) -> dt.datetime:
        plan = self.plan
        # Filed at the wrong commune, which notices at receipt and sends it on.
        agency = plan.receiving if plan.fate == "transfer" else plan.agency
        common: dict[str, Any] = {
            "procedure": plan.procedure,
            "agency": agency,
            "receiving_agency": plan.receiving,
            "applicant": plan.applicant,
            "summary": f"{plan.procedure.name} {DEMO_TAG}",
            "at": plan.at,
        }
        if plan.channel == "online":
            self.record = record_submit(action=Action.SUBMIT_ONLINE, **common)
        elif plan.fate == "refuse_intake" or self.withdraw_early or plan.channel == "post":
            self.record = record_submit(action=SUBMIT_ACTION[plan.channel], actor=self.here.desk, **common)
        else:
            self.record = record_intake_at_counter(
                action=SUBMIT_ACTION[plan.channel], actor=self.here.desk, **common
            )
        return plan.at

    def _receive(self, at: dt.datetime) -> dt.datetime:
        desk = self.here.desk
        if self.withdraw_early:
            self.last(
                Action.WITHDRAW, None, self.hours(at, 0.5, 8), as_applicant=True, reason=REASONS["withdraw"]
            )
        at = self.hours(at, 0.2, 6)
        if self.plan.fate == "intake_supplement":
            self.act(Action.REQUEST_SUPPLEMENT, desk, at, missing=self.rng.sample(MISSING, 1))
            at = self.act(
                Action.SUPPLEMENT_RECEIVED,
                None,
                at + dt.timedelta(days=self.rng.uniform(0.5, 6)),
                as_applicant=True,
            )
            at = self.hours(at, 0.2, 6)
        return self.act(Action.RECEIVE, desk, at)

    def _specialist(self, at: dt.datetime) -> dt.datetime:
        """The specialist's work; returns when it is done. Most finish well within the term."""
        fate, rng, specialist = self.plan.fate, self.rng, self.there.specialist
        if fate in ("supplement", "unsupplemented"):
            # Within the 3 working days mostly; a few ask too late (the service flags them).
            at = self.hours(at, 1, 14 if rng.random() < 0.9 else 30)
            self.act(
                Action.REQUEST_SUPPLEMENT, specialist, at, missing=rng.sample(MISSING, rng.randint(1, 2))
            )
            if fate == "unsupplemented":
                self.last(Action.CLOSE_UNSUPPLEMENTED, None, at + dt.timedelta(days=rng.uniform(16, 25)))
            by_desk = rng.random() < 0.4  # brought to the counter rather than uploaded
            at = self.act(
                Action.SUPPLEMENT_RECEIVED,
                self.here.desk if by_desk else None,
                at + dt.timedelta(days=rng.uniform(0.5, 8)),
                as_applicant=not by_desk,
            )
        if fate == "consult":
            ask = self.hours(at, 0.5, 4)
            other = self.plan.other or self.plan.agency
            self.act(Action.CONSULT, specialist, ask, agency=other, days=3, question=REASONS[fate])
            at = self.act(
                Action.CONSULT_REPLY, specialist, self.hours(ask, 4, 20), reply=REASONS["consult_reply"]
            )
        if fate == "withdraw":
            self.last(Action.WITHDRAW, None, self.hours(at, 1, 8), as_applicant=True, reason=REASONS[fate])
        if fate == "stop":
            self.last(Action.STOP, self.there.leader, self.hours(at, 2, 10), reason=REASONS[fate])
        if fate == "extension":
            at = self._extend(at)
        left = max(self.calendar.elapsed(at, self.record.due_at).total_seconds() / 3600, 0.25)
        self.budget = left
        if fate == "late":  # holds it past the record's due date
            return self.hours(self.record.due_at, 0.5, 24)
        if fate == "stuck":
            return self.hours(at, left + 40, left + 300)
        return self.hours(at, 0.1 * left, 0.7 * left)

    def _extend(self, at: dt.datetime) -> dt.datetime:
        """Mẫu 04 goes out at least a day before the due date; skipped when it is too late for that."""
        due_on = self.calendar.local(self.record.due_at).date()
        day_before = dt.datetime.combine(due_on - dt.timedelta(days=1), dt.time(16, 0), tzinfo=VN)
        ask = min(self.hours(at, 1, 6), day_before)
        if ask <= at:
            return at
        new_due = self.calendar.add_working_days_to_date(due_on, self.rng.randint(2, 5))
        return self.act(
            Action.EXTEND, self.there.leader, ask, new_due_on=new_due, reason=REASONS["extension"]
        )


SUBMIT_ACTION = {
    "counter": Action.SUBMIT_COUNTER,
    "assisted": Action.SUBMIT_ASSISTED,
    "post": Action.SUBMIT_POST,
}
REASONS = {
    "refuse_intake": "Thủ tục không thuộc thẩm quyền tiếp nhận; đã hướng dẫn người nộp đến cơ quan có thẩm quyền.",
    "transfer": "Hồ sơ thuộc thẩm quyền giải quyết của cơ quan khác (phi địa giới).",
    "withdraw": "Người nộp có đơn xin rút hồ sơ.",
    "refuse": "Hồ sơ không đủ điều kiện theo quy định; đã nêu rõ lý do bằng văn bản.",
    "stop": "Có tranh chấp, khiếu nại liên quan đến nội dung hồ sơ.",
    "extension": "Cần xác minh thêm thông tin tại địa phương nơi cư trú trước đây của người nộp.",
    "consult": "Đề nghị cho ý kiến về nội dung xác minh nơi cư trú.",
    "consult_reply": "Thống nhất với nội dung hồ sơ.",
}
