"""The service index (QĐ 766/QĐ-TTg) scored from counts: a pure function of a rule set and numbers.

No database and no settings: counting (how many records were on time…) is a selector elsewhere;
this module only turns numerators and denominators into points, the way the national portal does
(domain.md §7). Arithmetic is exact (integer ratios), rounded half-up once per metric: a binary
float turns 4 × 3/800 = 0,015 into 0,01, and Python's default half-even rounds 0,125 to 0,12.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction


class Kind(enum.StrEnum):
    LINEAR = "linear"  # points = max × ratio (a threshold of 100 %)
    THRESHOLD = "threshold"  # points = max × min(1, ratio ÷ threshold)


class OnZero(enum.StrEnum):
    """What a metric scores when its denominator is 0 (nothing to measure)."""

    NO_DATA = "no_data"  # no points shown; counts 0 in the group's sum
    ZERO = "zero"
    FULL = "full"


class Confidence(enum.StrEnum):
    VERIFIED = "V"  # read in the legal text
    SECONDARY = "S"  # a secondary source: the portal's figures, a summary
    UNCERTAIN = "U"


class Scope(enum.StrEnum):
    PROVINCE = "province"
    AGENCY = "agency"
    COMMUNE = "commune"


class ScoringError(ValueError):
    """Counts that cannot be scored (negative, numerator above denominator, unknown metric)."""


@dataclass(frozen=True, slots=True)
class Group:
    id: str  # the national portal's API id, e.g. "dossier-digitized"
    name_vi: str
    max_points: Decimal


@dataclass(frozen=True, slots=True)
class Metric:
    code: str  # the portal's code where it has one, else motcua's stable code
    group: str
    name_vi: str
    max_points: Decimal
    kind: Kind
    threshold: Decimal  # in percent; 100 for linear metrics
    numerator_definition: str
    denominator_definition: str
    on_zero: OnZero
    ratio_rounding: int | None = None  # decimal places of the ratio in percent, rounded before scoring
    scope: tuple[Scope, ...] = (Scope.PROVINCE, Scope.AGENCY, Scope.COMMUNE)
    source: str = ""
    confidence: Confidence = Confidence.SECONDARY
    portal_code: bool = True  # False: a motcua code for a row the portal names without one
    notes: str = ""


@dataclass(frozen=True, slots=True)
class RuleSet:
    version: str
    valid_from: dt.date
    valid_to: dt.date | None  # last day in force (inclusive); None = until a later version begins
    groups: tuple[Group, ...]
    metrics: tuple[Metric, ...]
    rounding_places: int = 2  # each metric's points, half-up
    source: str = ""
    confidence: Confidence = Confidence.SECONDARY
    notes: str = ""
    _hash: int = field(init=False, repr=False, compare=False, default=0)

    def __post_init__(self) -> None:
        # Hashed once: a dashboard page looks ~80 scores up by rule set (metrics.snapshots), and
        # hashing 21 metrics each time cost ~4 ms a page.
        fields = (self.version, self.valid_from, self.valid_to, self.groups, self.metrics)
        others = (self.rounding_places, self.source, self.confidence, self.notes)
        object.__setattr__(self, "_hash", hash((*fields, *others)))

    def __hash__(self) -> int:
        return self._hash

    def metric(self, code: str) -> Metric:
        for metric in self.metrics:
            if metric.code == code:
                return metric
        raise ScoringError(f"Mã chỉ số «{code}» không có trong bộ quy tắc {self.version}.")

    def metrics_of(self, group_id: str) -> tuple[Metric, ...]:
        return tuple(m for m in self.metrics if m.group == group_id)

    @property
    def max_points(self) -> Decimal:
        return sum((g.max_points for g in self.groups), Decimal(0))

    def in_force(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


def validate(rule_set: RuleSet) -> list[str]:
    """Problems that make a rule set unusable, in Vietnamese; empty when it is sound."""
    problems: list[str] = []
    group_ids = [g.id for g in rule_set.groups]
    if len(set(group_ids)) != len(group_ids):
        problems.append("Mã nhóm bị trùng.")
    codes = [m.code for m in rule_set.metrics]
    for code in sorted({c for c in codes if codes.count(c) > 1}):
        problems.append(f"Mã chỉ số «{code}» bị trùng.")
    if rule_set.valid_to is not None and rule_set.valid_to < rule_set.valid_from:
        problems.append("Ngày hết hiệu lực đứng trước ngày bắt đầu hiệu lực.")
    if rule_set.rounding_places < 0:
        problems.append("Số chữ số làm tròn phải không âm.")
    for metric in rule_set.metrics:
        if metric.group not in group_ids:
            problems.append(f"Chỉ số {metric.code}: nhóm «{metric.group}» không có trong bộ quy tắc.")
        if not 0 < metric.threshold <= 100:
            problems.append(f"Chỉ số {metric.code}: ngưỡng phải trong khoảng (0; 100] %.")
        if metric.kind is Kind.LINEAR and metric.threshold != 100:
            problems.append(f"Chỉ số {metric.code}: chỉ số tuyến tính có ngưỡng 100 %.")
        if metric.max_points <= 0:
            problems.append(f"Chỉ số {metric.code}: điểm tối đa phải dương.")
        if metric.ratio_rounding is not None and metric.ratio_rounding < 0:
            problems.append(f"Chỉ số {metric.code}: số chữ số làm tròn tỷ lệ phải không âm.")
    for group in rule_set.groups:
        total = sum((m.max_points for m in rule_set.metrics_of(group.id)), Decimal(0))
        if total != group.max_points:
            problems.append(
                f"Nhóm {group.id}: tổng điểm tối đa các chỉ số ({fmt(total)}) khác điểm của nhóm "
                f"({fmt(group.max_points)})."
            )
    return problems


# --- arithmetic ----------------------------------------------------------------------------------


def _half_up(numerator: int, denominator: int, places: int) -> Decimal:
    """numerator/denominator (non-negative) rounded half-up to `places` decimals, in integers."""
    scale = 10**places
    return Decimal((2 * numerator * scale + denominator) // (2 * denominator)).scaleb(-places)


def round_half_up(value: Fraction | Decimal | int, places: int) -> Decimal:
    """Exact half-up rounding of a non-negative number to `places` decimals."""
    exact = Fraction(value)
    return _half_up(exact.numerator, exact.denominator, places)


def fmt(value: Decimal | Fraction | int, places: int | None = None) -> str:
    """A number the Vietnamese way, decimal comma: to `places` decimals (5,40), or without trailing
    zeros when None (6, 80 — a rule stored as 6.00 reads the same as one stored as 6)."""
    if isinstance(value, Fraction):
        value = round_half_up(value, 2 if places is None else places)
    elif places is not None:
        value = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    else:
        value = Decimal(value).normalize()
    return format(value, "f").replace(".", ",")


def check_counts(metric: Metric, numerator: int, denominator: int) -> None:
    if numerator < 0 or denominator < 0:
        raise ScoringError(f"Chỉ số {metric.code}: tử số và mẫu số không được âm.")
    if numerator > denominator:
        raise ScoringError(f"Chỉ số {metric.code}: tử số ({numerator}) lớn hơn mẫu số ({denominator}).")


def _evaluate(
    metric: Metric, numerator: int | None, denominator: int | None, places: int
) -> tuple[Decimal | None, str]:
    """(points, formula). Integer arithmetic on exact ratios — no float, no Decimal division."""
    if numerator is None or denominator is None:
        return None, "không có dữ liệu"
    check_counts(metric, numerator, denominator)
    max_num, max_den = metric.max_points.as_integer_ratio()
    if denominator == 0:
        if metric.on_zero is OnZero.NO_DATA:
            return None, f"{numerator}/0: mẫu số bằng 0 → không có dữ liệu"
        full = metric.on_zero is OnZero.FULL
        earned = _half_up(max_num if full else 0, max_den, places)
        return (
            earned,
            f"{numerator}/0: mẫu số bằng 0 → {'đủ điểm' if full else '0 điểm'} = {fmt(earned, places)}",
        )
    if metric.ratio_rounding is None:
        percent_num, percent_den = 100 * numerator, denominator  # R in percent
    else:  # the payment group: the percentage itself is rounded first
        scale = 10**metric.ratio_rounding
        percent_num, percent_den = (200 * numerator * scale + denominator) // (2 * denominator), scale
    threshold_num, threshold_den = metric.threshold.as_integer_ratio()
    share_num, share_den = percent_num * threshold_den, percent_den * threshold_num  # R ÷ threshold
    if share_num >= share_den:
        earned = _half_up(max_num, max_den, places)
    else:
        earned = _half_up(max_num * share_num, max_den * share_den, places)
    head = f"{fmt(metric.max_points)} × min(1; "
    tail = f" ÷ {fmt(metric.threshold)}%) = {fmt(earned, places)}"
    if metric.ratio_rounding is None:
        return earned, f"{head}{numerator}/{denominator}{tail}"
    shown = fmt(Decimal(percent_num).scaleb(-metric.ratio_rounding), metric.ratio_rounding)
    return earned, (
        f"{head}{shown}%{tail} ({numerator}/{denominator} = {shown}%, "
        f"làm tròn {metric.ratio_rounding} chữ số trước)"
    )


def points(
    metric: Metric, numerator: int | None, denominator: int | None, *, places: int = 2
) -> Decimal | None:
    """The metric's points = max × min(1; R ÷ threshold), rounded half-up; None when no data."""
    return _evaluate(metric, numerator, denominator, places)[0]


def formula(metric: Metric, numerator: int | None, denominator: int | None, *, places: int = 2) -> str:
    """How the points came about, in plain math an official can redo by hand."""
    return _evaluate(metric, numerator, denominator, places)[1]


# --- a whole unit ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Count:
    numerator: int | None
    denominator: int | None


@dataclass(frozen=True, slots=True)
class MetricScore:
    metric: Metric
    numerator: int | None
    denominator: int | None
    points: Decimal | None  # None = no data
    formula: str

    @property
    def lost(self) -> Decimal:
        """Points the unit did not earn ("no data" loses them all, as it counts 0 in the group)."""
        return self.metric.max_points - (self.points or Decimal(0))


@dataclass(frozen=True, slots=True)
class GroupScore:
    group: Group
    points: Decimal


@dataclass(frozen=True, slots=True)
class Result:
    rule_set: RuleSet
    metrics: tuple[MetricScore, ...]
    groups: tuple[GroupScore, ...] = field(default=())
    total: Decimal | None = None  # present when all groups are

    def metric(self, code: str) -> MetricScore:
        return next(s for s in self.metrics if s.metric.code == code)


def score(rule_set: RuleSet, counts: Mapping[str, Count] | Iterable[tuple[str, Count]]) -> Result:
    """Points per given metric; a group's sum when all its metrics were given; the total when all
    groups were. Metrics come out in the rule set's order."""
    given: dict[str, Count] = {}
    for code, count in counts.items() if isinstance(counts, Mapping) else counts:
        rule_set.metric(code)  # unknown code → ScoringError
        if code in given:
            raise ScoringError(f"Chỉ số {code} được cho hai lần.")
        given[code] = count
    places = rule_set.rounding_places
    scores = []
    for m in rule_set.metrics:
        if m.code in given:
            count = given[m.code]
            earned, how = _evaluate(m, count.numerator, count.denominator, places)
            scores.append(MetricScore(m, count.numerator, count.denominator, earned, how))
    by_code = {s.metric.code: s for s in scores}
    unit = Decimal(1).scaleb(-places)

    def total_of(values: Iterable[Decimal | None]) -> Decimal:  # "no data" counts 0
        return sum((v or Decimal(0) for v in values), Decimal(0)).quantize(unit)

    groups = tuple(
        GroupScore(group=g, points=total_of(by_code[m.code].points for m in rule_set.metrics_of(g.id)))
        for g in rule_set.groups
        if all(m.code in by_code for m in rule_set.metrics_of(g.id))
    )
    total = total_of(g.points for g in groups) if len(groups) == len(rule_set.groups) else None
    return Result(rule_set=rule_set, metrics=tuple(scores), groups=groups, total=total)
