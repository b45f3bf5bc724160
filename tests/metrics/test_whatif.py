"""What-if on the shipped QĐ 766 rules; every expected figure is worked out by hand in the comments."""

from decimal import Decimal

import pytest

from motcua.metrics import ruledata
from motcua.metrics.scoring import Count, ScoringError
from motcua.metrics.whatif import Override, changed_counts, simulate

RULES = next(r for r in ruledata.shipped() if r.version == "qd766-2026")


def counts(**given: tuple[int | None, int | None]) -> dict[str, Count]:
    """Every metric of the rule set, "no data" unless given."""
    base = {m.code: Count(None, None) for m in RULES.metrics}
    base.update({code: Count(*pair) for code, pair in given.items()})
    return base


BASE = counts(
    DOSSIER_ON_TIME=(7, 10),  # 20 × 7/10 = 14,00
    ONLINE_DOSSIER_RATE=(2, 10),  # 6 × min(1; 20 % ÷ 50 %) = 2,40
    ORIGINAL_RESULT_AVAILABLE=(1, 3),  # 6 × 1/3 = 2,00
    ELECTRONIC_CERTIFIED_COPY=(0, 0),  # denominator 0 → full points = 2,00
)


def test_nothing_changed_gives_the_same_points():
    result = simulate(RULES, BASE)
    assert result.before.total == result.after.total == Decimal("20.40")  # 14 + 2,4 + 2 + 2
    assert result.total_delta == 0
    assert not any(c.changed for c in result.metrics)


def test_fixed_records_and_an_override_move_metrics_groups_and_total():
    result = simulate(
        RULES,
        BASE,
        fixed={"DOSSIER_ON_TIME": 2, "ORIGINAL_RESULT_AVAILABLE": 1},
        overrides={"ONLINE_DOSSIER_RATE": Override(numerator=4)},
    )
    # 20 × 9/10 = 18; 6 × (40 % ÷ 50 %) = 4,80; 6 × 2/3 = 4; e-copies unchanged 2
    assert result.metric("DOSSIER_ON_TIME").after.points == Decimal("18.00")
    assert result.metric("DOSSIER_ON_TIME").delta == Decimal("4.00")
    assert result.metric("ONLINE_DOSSIER_RATE").after.points == Decimal("4.80")
    assert result.metric("ORIGINAL_RESULT_AVAILABLE").after.points == Decimal("4.00")
    assert not result.metric("ELECTRONIC_CERTIFIED_COPY").changed
    groups = {g.group.id: (g.before, g.after) for g in result.groups}
    assert groups["dvc-progress-tree"] == (Decimal("14.00"), Decimal("18.00"))
    assert groups["provide-online-tree"] == (Decimal("2.40"), Decimal("4.80"))
    assert groups["dossier-digitized"] == (Decimal("4.00"), Decimal("6.00"))
    assert result.after.total == Decimal("28.80")
    assert result.total_delta == Decimal("8.40")


def test_a_threshold_metric_stops_at_its_maximum():
    result = simulate(RULES, BASE, overrides={"ONLINE_DOSSIER_RATE": Override(numerator=6)})
    assert result.metric("ONLINE_DOSSIER_RATE").after.points == Decimal("6.00")  # 60 % ≥ 50 %


def test_a_denominator_alone_can_be_changed():
    changed = changed_counts(BASE, overrides={"ORIGINAL_RESULT_AVAILABLE": Override(denominator=2)})
    assert changed["ORIGINAL_RESULT_AVAILABLE"] == Count(1, 2)
    result = simulate(RULES, BASE, overrides={"ORIGINAL_RESULT_AVAILABLE": Override(denominator=2)})
    assert result.metric("ORIGINAL_RESULT_AVAILABLE").after.points == Decimal("3.00")  # 6 × 1/2


def test_fixing_more_records_than_were_missed_stops_at_the_denominator():
    assert changed_counts(BASE, fixed={"DOSSIER_ON_TIME": 5})["DOSSIER_ON_TIME"] == Count(10, 10)


def test_a_metric_without_data_stays_without_data_when_records_are_fixed():
    assert changed_counts(BASE, fixed={"DOSSIER_SYNC": 3})["DOSSIER_SYNC"] == Count(None, None)


def test_what_a_person_typed_wins_over_fixed_records():
    changed = changed_counts(
        BASE, fixed={"DOSSIER_ON_TIME": 2}, overrides={"DOSSIER_ON_TIME": Override(numerator=8)}
    )
    assert changed["DOSSIER_ON_TIME"] == Count(8, 10)


def test_impossible_counts_are_refused_in_vietnamese():
    with pytest.raises(ScoringError, match="lớn hơn mẫu số"):
        simulate(RULES, BASE, overrides={"DOSSIER_ON_TIME": Override(numerator=11)})
    with pytest.raises(ScoringError, match="không có trong số liệu"):
        changed_counts(BASE, overrides={"KHONG_CO": Override(numerator=1)})
