"""Scoring pinned by hand-computed cases (the arithmetic is written beside each) and by properties.

The rules come from the shipped rule set; the expected points are what an official computes by
hand from domain.md §7: points = max × min(1; R ÷ threshold), rounded half-up to 2 decimals."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.metrics import ruledata
from motcua.metrics.scoring import Count, OnZero, ScoringError, points, score, validate

RULES = next(r for r in ruledata.shipped() if r.version == "qd766-2026")
METRIC_CODES = [m.code for m in RULES.metrics]


def pts(code: str, numerator: int | None, denominator: int | None) -> Decimal | None:
    return points(RULES.metric(code), numerator, denominator)


# (code, numerator, denominator, expected) — one ordinary case for every metric.
ORDINARY = [
    ("PUBLISH_ON_TIME", 45, 50, "5.40"),  # 6 × 45/50 = 5,40
    ("PUBLIC_UPDATE_ON_TIME", 7, 9, "3.11"),  # 4 × 7/9 = 3,111… → 3,11
    ("PUBLIC_CONTENT_FULL", 2, 3, "1.33"),  # 2 × 2/3 = 1,333… → 1,33
    ("DOSSIER_SYNC", 998, 1000, "5.99"),  # 6 × 0,998 = 5,988 → 5,99
    ("DOSSIER_ON_TIME", 181, 200, "18.10"),  # 20 × 181/200 = 18,10
    ("ONLINE_SERVICE_PROVIDED", 30, 50, "1.50"),  # 2 × min(1; 60% ÷ 80%) = 2 × 0,75 = 1,50
    ("ONLINE_SERVICE_USED", 11, 40, "1.10"),  # 4 × 11/40 = 1,10
    ("ONLINE_DOSSIER_RATE", 20, 50, "4.80"),  # 6 × min(1; 40% ÷ 50%) = 6 × 0,8 = 4,80
    ("ONLINE_PAYMENT_DOSSIER", 2, 3, "4.00"),  # 2/3 → 66,67%; 6 × 0,6667 = 4,0002 → 4,00
    ("ONLINE_PAYMENT_PROCEDURE", 3, 5, "1.50"),  # 2 × min(1; 60% ÷ 80%) = 1,50
    ("FEE_PROCEDURE_WITH_DOSSIER", 1, 4, "0.63"),  # 2 × 25% ÷ 80% = 0,625 → 0,63 (half-up)
    ("ORIGINAL_RESULT_AVAILABLE", 1, 6, "1.00"),  # 6 × 1/6 = 1,00
    ("SO_HOA_GIAY_TO_GIAI_QUYET", 3, 4, "3.00"),  # 4 × 3/4 = 3,00 (linear, as the portal's figures)
    ("ELECTRONIC_CERTIFIED_COPY", 40, 65, "1.23"),  # 2 × 40/65 = 1,2307… → 1,23
    ("REUSED_DIGITIZED_DATA", 7, 10, "1.75"),  # 2 × min(1; 70% ÷ 80%) = 1,75
    ("SYNCED_WITH_DVCQG_PERSONAL_STORAGE", 1, 3, "1.33"),  # 4 × 1/3 = 1,333… → 1,33
    ("CITIZEN_DATA_CONNECTED_DOSSIER", 5, 8, "1.25"),  # 2 × 5/8 = 1,25
    ("CITIZEN_DATA_CONNECTED_FORMALITY", 9, 10, "1.80"),  # 2 × 9/10 = 1,80
    ("DOSSIER_RECEIVING_SATISFACTION", 85, 100, "5.67"),  # 6 × min(1; 85% ÷ 90%) = 5,666… → 5,67
    ("PETITION_PROCESSING_ON_TIME", 9, 12, "4.50"),  # 6 × 9/12 = 4,50
    ("PETITION_HANDLING_SATISFACTION", 4, 7, "3.43"),  # 6 × 4/7 = 3,428… → 3,43
]


def test_every_metric_has_a_pinned_case():
    assert sorted(code for code, *_ in ORDINARY) == sorted(METRIC_CODES)


@pytest.mark.parametrize(("code", "numerator", "denominator", "expected"), ORDINARY)
def test_points_of_every_metric(code, numerator, denominator, expected):
    assert pts(code, numerator, denominator) == Decimal(expected)


# domain.md §7, last column: what an empty denominator scores, metric by metric.
ZERO_DENOMINATOR = {
    "PUBLISH_ON_TIME": None,
    "PUBLIC_UPDATE_ON_TIME": None,
    "PUBLIC_CONTENT_FULL": None,
    "DOSSIER_SYNC": None,
    "DOSSIER_ON_TIME": "0.00",
    "ONLINE_SERVICE_PROVIDED": "0.00",
    "ONLINE_SERVICE_USED": "0.00",
    "ONLINE_DOSSIER_RATE": "0.00",
    "ONLINE_PAYMENT_DOSSIER": "0.00",
    "ONLINE_PAYMENT_PROCEDURE": "0.00",
    "FEE_PROCEDURE_WITH_DOSSIER": "0.00",
    "ORIGINAL_RESULT_AVAILABLE": None,
    "SO_HOA_GIAY_TO_GIAI_QUYET": None,
    "ELECTRONIC_CERTIFIED_COPY": "2.00",  # full points
    "REUSED_DIGITIZED_DATA": None,
    "SYNCED_WITH_DVCQG_PERSONAL_STORAGE": None,
    "CITIZEN_DATA_CONNECTED_DOSSIER": None,
    "CITIZEN_DATA_CONNECTED_FORMALITY": None,
    "DOSSIER_RECEIVING_SATISFACTION": "0.00",
    "PETITION_PROCESSING_ON_TIME": "6.00",  # full points: no feedback to handle
    "PETITION_HANDLING_SATISFACTION": "6.00",
}


@pytest.mark.parametrize(("code", "expected"), ZERO_DENOMINATOR.items())
def test_zero_denominator_follows_the_metric_rule(code, expected):
    assert pts(code, 0, 0) == (None if expected is None else Decimal(expected))


def test_zero_denominator_table_covers_every_metric_and_every_behaviour():
    assert sorted(ZERO_DENOMINATOR) == sorted(METRIC_CODES)
    assert {RULES.metric(c).on_zero for c in METRIC_CODES} == set(OnZero)


@pytest.mark.parametrize("code", METRIC_CODES)
def test_null_counts_mean_no_data(code):
    assert pts(code, None, 10) is None
    assert pts(code, 3, None) is None


@pytest.mark.parametrize(
    ("code", "numerator", "denominator", "expected"),
    [
        ("ONLINE_DOSSIER_RATE", 49, 100, "5.88"),  # below 50%: 6 × 49/50 = 5,88
        ("ONLINE_DOSSIER_RATE", 50, 100, "6.00"),  # at 50%: 6 × 1
        ("ONLINE_DOSSIER_RATE", 51, 100, "6.00"),  # above: capped at 6 × 1
        ("ONLINE_SERVICE_PROVIDED", 79, 100, "1.98"),  # 2 × 79/80 = 1,975 → 1,98 (half-up)
        ("ONLINE_SERVICE_PROVIDED", 80, 100, "2.00"),  # at 80%
        ("ONLINE_SERVICE_PROVIDED", 100, 100, "2.00"),  # above: capped
        ("REUSED_DIGITIZED_DATA", 2, 5, "1.00"),  # 40% of 80%: half the points, not a step
        ("DOSSIER_RECEIVING_SATISFACTION", 89, 100, "5.93"),  # 6 × 89/90 = 5,933… → 5,93
        ("DOSSIER_RECEIVING_SATISFACTION", 9, 10, "6.00"),  # at 90%
        ("DOSSIER_RECEIVING_SATISFACTION", 95, 100, "6.00"),  # above 90%: capped
    ],
)
def test_thresholds_scale_below_and_cap_at_and_above(code, numerator, denominator, expected):
    assert pts(code, numerator, denominator) == Decimal(expected)


def test_half_up_rounding_is_exact_where_binary_floats_round_down():
    # 4 × 3/800 = 0,015 exactly → 0,02; a float holds 0,01499999… and rounds to 0,01.
    assert round(4 * 3 / 800, 2) == 0.01
    assert pts("SYNCED_WITH_DVCQG_PERSONAL_STORAGE", 3, 800) == Decimal("0.02")
    # 6 × 1/1200 = 0,005 exactly → 0,01 (1/1200 has no finite decimal expansion)
    assert pts("PUBLISH_ON_TIME", 1, 1200) == Decimal("0.01")
    # 6 × 1/16 = 0,375 → 0,38
    assert pts("ORIGINAL_RESULT_AVAILABLE", 1, 16) == Decimal("0.38")
    # 6 × 1/48 = 0,125 → 0,13; Python's default half-even gives 0,12
    assert round(Decimal("0.125"), 2) == Decimal("0.12")
    assert pts("DOSSIER_SYNC", 1, 48) == Decimal("0.13")


def test_payment_group_rounds_the_ratio_first():
    # 1/48 = 2,0833…% → 2,08%; 6 × 0,0208 = 0,1248 → 0,12.  Unrounded it would be 6/48 = 0,125 → 0,13.
    assert pts("ONLINE_PAYMENT_DOSSIER", 1, 48) == Decimal("0.12")
    assert pts("DOSSIER_SYNC", 1, 48) == Decimal("0.13")  # same counts, a metric without ratio rounding
    # 5/41 = 12,195…% → 12,20%; 2 × 12,20 ÷ 80 = 0,305 → 0,31.  Unrounded: 2 × 12,195 ÷ 80 = 0,3048… → 0,30.
    assert pts("ONLINE_PAYMENT_PROCEDURE", 5, 41) == Decimal("0.31")
    assert pts("FEE_PROCEDURE_WITH_DOSSIER", 5, 41) == Decimal("0.31")


def test_group_sums_rounded_metric_points_and_no_data_counts_zero():
    result = score(
        RULES,
        {
            "PUBLISH_ON_TIME": Count(1, 1200),  # 6 × 1/1200 = 0,005 → 0,01
            "PUBLIC_UPDATE_ON_TIME": Count(1, 800),  # 4 × 1/800 = 0,005 → 0,01
            "PUBLIC_CONTENT_FULL": Count(0, 0),  # no data → 0
            "DOSSIER_SYNC": Count(None, None),  # no data → 0
        },
    )
    # 0,01 + 0,01 + 0 + 0 = 0,02 (summing before rounding would give 0,010 → 0,01)
    assert [(g.group.id, g.points) for g in result.groups] == [("transparency", Decimal("0.02"))]
    assert result.total is None
    assert result.metric("PUBLIC_CONTENT_FULL").points is None
    assert result.metric("PUBLIC_CONTENT_FULL").lost == Decimal(2)


def test_group_appears_only_when_all_its_metrics_are_given():
    result = score(RULES, {"PUBLISH_ON_TIME": Count(1, 2), "DOSSIER_ON_TIME": Count(3, 4)})
    # transparency lacks three metrics; dvc-progress-tree has one: 20 × 3/4 = 15,00
    assert [(g.group.id, g.points) for g in result.groups] == [("dvc-progress-tree", Decimal("15.00"))]
    assert result.total is None


def test_total_is_the_sum_of_the_six_groups():
    counts = {code: Count(n, d) for code, n, d, _ in ORDINARY}
    result = score(RULES, counts)
    # groups from the ORDINARY table: transparency 5,40 + 3,11 + 1,33 + 5,99 = 15,83; progress 18,10;
    # online 1,50 + 1,10 + 4,80 = 7,40; payment 4,00 + 1,50 + 0,63 = 6,13;
    # digitized 1,00 + 3,00 + 1,23 + 1,75 + 1,33 + 1,25 + 1,80 = 11,36; satisfaction 5,67 + 4,50 + 3,43 = 13,60
    assert [g.points for g in result.groups] == [
        Decimal(x) for x in ["15.83", "18.10", "7.40", "6.13", "11.36", "13.60"]
    ]
    assert result.total == Decimal("72.42")  # 15,83 + 18,10 + 7,40 + 6,13 + 11,36 + 13,60


def test_a_perfect_unit_scores_the_rule_sets_maximum():
    result = score(RULES, {code: Count(10, 10) for code in METRIC_CODES})
    assert result.total == RULES.max_points == Decimal(100)


def test_formula_reads_like_the_hand_computation():
    result = score(
        RULES,
        {
            "PUBLISH_ON_TIME": Count(45, 50),
            "ONLINE_DOSSIER_RATE": Count(20, 50),
            "ONLINE_PAYMENT_DOSSIER": Count(1, 48),
            "ELECTRONIC_CERTIFIED_COPY": Count(0, 0),
            "DOSSIER_SYNC": Count(None, None),
        },
    )
    assert result.metric("PUBLISH_ON_TIME").formula == "6 × min(1; 45/50 ÷ 100%) = 5,40"
    assert result.metric("ONLINE_DOSSIER_RATE").formula == "6 × min(1; 20/50 ÷ 50%) = 4,80"
    assert result.metric("ONLINE_PAYMENT_DOSSIER").formula.startswith("6 × min(1; 2,08% ÷ 100%) = 0,12 (1/48")
    assert result.metric("ELECTRONIC_CERTIFIED_COPY").formula == "0/0: mẫu số bằng 0 → đủ điểm = 2,00"
    assert result.metric("DOSSIER_SYNC").formula == "không có dữ liệu"


@pytest.mark.parametrize(
    ("numerator", "denominator", "message"),
    [(-1, 5, "không được âm"), (1, -5, "không được âm"), (6, 5, "lớn hơn mẫu số")],
)
def test_impossible_counts_are_refused(numerator, denominator, message):
    with pytest.raises(ScoringError, match=message):
        pts("DOSSIER_SYNC", numerator, denominator)


def test_unknown_or_repeated_metric_is_refused():
    with pytest.raises(ScoringError, match="NOT_A_METRIC"):
        score(RULES, {"NOT_A_METRIC": Count(1, 1)})
    with pytest.raises(ScoringError, match="hai lần"):
        score(RULES, [("DOSSIER_SYNC", Count(1, 1)), ("DOSSIER_SYNC", Count(1, 2))])


def test_shipped_rule_set_is_sound_and_sums_to_100():
    assert validate(RULES) == []
    assert RULES.max_points == 100
    assert len(RULES.groups) == 6


@given(
    code=st.sampled_from(METRIC_CODES),
    denominator=st.integers(0, 10_000),
    data=st.data(),
)
def test_points_never_exceed_max_and_grow_with_the_numerator(code, denominator, data):
    metric = RULES.metric(code)
    low = data.draw(st.integers(0, denominator))
    high = data.draw(st.integers(low, denominator))
    low_points, high_points = points(metric, low, denominator), points(metric, high, denominator)
    if denominator == 0:
        assert low_points == high_points
    else:
        assert low_points is not None and high_points is not None
        assert Decimal(0) <= low_points <= high_points <= metric.max_points


PORTAL_CODES = {  # the national portal's API codes (domain.md §7), to reconcile figures with it
    "PUBLISH_ON_TIME",
    "PUBLIC_UPDATE_ON_TIME",
    "PUBLIC_CONTENT_FULL",
    "DOSSIER_SYNC",
    "ORIGINAL_RESULT_AVAILABLE",
    "SO_HOA_GIAY_TO_GIAI_QUYET",
    "ELECTRONIC_CERTIFIED_COPY",
    "REUSED_DIGITIZED_DATA",
    "SYNCED_WITH_DVCQG_PERSONAL_STORAGE",
    "CITIZEN_DATA_CONNECTED_DOSSIER",
    "CITIZEN_DATA_CONNECTED_FORMALITY",
    "DOSSIER_RECEIVING_SATISFACTION",
    "PETITION_PROCESSING_ON_TIME",
    "PETITION_HANDLING_SATISFACTION",
}


def test_portal_codes_are_used_and_motcua_codes_are_marked():
    assert {m.code for m in RULES.metrics if m.portal_code} == PORTAL_CODES
    assert all(m.code.isupper() and m.source and m.confidence for m in RULES.metrics)
    assert [g.id for g in RULES.groups] == [
        "transparency",
        "dvc-progress-tree",
        "provide-online-tree",
        "formality-online-payment-tree",
        "dossier-digitized",
        "handling-satisfaction",
    ]
    payment = RULES.metrics_of("formality-online-payment-tree")
    assert {m.ratio_rounding for m in payment} == {2}
    assert {m.ratio_rounding for m in RULES.metrics if m not in payment} == {None}
