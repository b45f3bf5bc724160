"""Ranking: ties share a rank and are listed by code; the order follows the totals counted from
records built through the real services."""

from decimal import Decimal

import pytest

from motcua.metrics import counting, periods, scopes
from motcua.metrics.ranking import commune_ranking, metric_counts_many, rank
from motcua.metrics.trend import trend
from tests.catalog.factories import make_procedure
from tests.factories import CommuneFactory, OfferingFactory, ProvinceFactory
from tests.metrics.index_records import NOW, local, office


@pytest.fixture
def province(db):
    return ProvinceFactory()


@pytest.fixture
def procedure(db):
    return make_procedure()  # 3 working days


def test_equal_totals_share_a_rank_and_are_ordered_by_code():
    units = [("22516", Decimal("80.5")), ("22525", Decimal("91")), ("22503", Decimal("80.5")), ("22400", None),
             ("22510", Decimal("70"))]  # fmt: skip
    ranked = rank(units, total=lambda u: u[1], code=lambda u: u[0])
    assert [(r.rank, r.item[0]) for r in ranked] == [
        (1, "22525"),
        (2, "22503"),  # 80,5 twice: both second, by code
        (2, "22516"),
        (4, "22510"),  # competition ranking: the next rank skips
        (None, "22400"),  # no total: last, unranked
    ]


def test_communes_rank_by_their_counted_totals(province, procedure):
    a = office(province, "22501", "Xã An", procedure)
    b = office(province, "22502", "Xã Bình", procedure)
    c = office(province, "22503", "Xã Cam", procedure)
    a.records(on_time=2)
    c.records(on_time=1, late=1)  # c and b alike: a tie, listed by code (b first)
    b.records(on_time=1, late=1)

    ranked = commune_ranking(periods.month(2026, 3), province_key="tinh-56", now=NOW)

    assert [(r.rank, r.item.scope.key) for r in ranked] == [(1, "xa-22501"), (2, "xa-22502"), (2, "xa-22503")]
    # The communes differ only in timeliness: DOSSIER_ON_TIME 2/2 against 1/2 → 20 × 1/2 = 10 points.
    assert ranked[0].total - ranked[1].total == Decimal("10.00")
    assert ranked[1].total == ranked[2].total
    on_time = ranked[1].item.result.metric("DOSSIER_ON_TIME")
    assert (on_time.numerator, on_time.denominator) == (1, 2)


def test_counting_many_units_at_once_gives_what_counting_each_gives(province, procedure):
    a = office(province, "22501", "Xã An", procedure)
    b = office(province, "22502", "Xã Bình", procedure)
    OfferingFactory(agency=a.agency, online_level="full")
    OfferingFactory(agency=b.agency, online_level="none")
    a.records(on_time=1, late=1)
    b.records(late=1)
    keys = ["xa-22501", "xa-22502", "tinh-56", "co-quan-H56.22501", "xa-22502+cu"]
    wanted = [scopes.parse_scope(k) for k in keys]
    for period in (
        periods.month(2026, 3),
        periods.report_month(2026, 3),
        periods.between(local(2026, 3, 2).date(), local(2026, 3, 2).date()),
    ):
        for now in (NOW, local(2026, 3, 10, 12, 0)):  # ended records final (rollups) or still live
            many = metric_counts_many(wanted, period, now=now)
            assert many == {s.key: counting.metric_counts(s, period, now=now) for s in wanted}, (period, now)
    assert many["tinh-56"]["DOSSIER_ON_TIME"].denominator == 3


def test_the_ranking_lists_only_current_communes_of_the_province(province, procedure):
    CommuneFactory(code="22501", name="Xã An", parent=province)
    CommuneFactory(
        code="22599", name="Xã Cũ", parent=province, valid_from=None, valid_to=local(2025, 6, 30).date()
    )
    ranked = commune_ranking(periods.month(2026, 3), now=NOW)
    assert [r.item.scope.key for r in ranked] == ["xa-22501"]
    assert scopes.parse_scope("xa-22501").label == "UBND xã An"


def test_the_trend_is_the_index_of_each_month(province, procedure):
    office(province, "22501", "Xã An", procedure).records(on_time=1, late=1)
    scope = scopes.parse_scope("xa-22501")
    points = trend(scope, end=local(2026, 4, 5).date(), months=3, now=NOW)
    assert [p.period.key for p in points] == ["2026-02", "2026-03", "2026-04"]
    for point in points:
        assert point.result == counting.unit_index(scope, point.period, now=NOW)
    assert points[1].result.metric("DOSSIER_ON_TIME").points == Decimal("10.00")  # 20 × 1/2
