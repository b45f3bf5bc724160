"""Explain: the metric's inputs, formula, points lost and the records behind the loss; and which
metrics a record stands in (what marking it fixed is worth)."""

from decimal import Decimal

import pytest

from motcua.metrics import periods, scopes
from motcua.metrics.explain import explain, misses_by_metric
from motcua.metrics.scoring import ScoringError
from tests.catalog.factories import make_procedure
from tests.factories import ProvinceFactory
from tests.metrics.index_records import NOW, office

MARCH = periods.month(2026, 3)


@pytest.fixture
def world(db):
    van_hung = office(ProvinceFactory(), "22525", "Xã Vạn Hưng", make_procedure())
    on_time, late = van_hung.records(on_time=2, late=1)
    return on_time, late


def test_on_time_metric_lists_the_late_record_and_the_points_it_cost(world):
    _on_time, late = world
    ex = explain(scopes.parse_scope("xa-22525"), MARCH, "DOSSIER_ON_TIME", now=NOW)
    assert (ex.score.numerator, ex.score.denominator) == (2, 3)
    assert ex.score.points == Decimal("13.33")  # 20 × 2/3 = 13,333… → 13,33
    assert ex.lost == Decimal("6.67")
    assert ex.missed == 1
    assert [row.record_id for row in ex.evidence] == [late[0].pk]
    assert [row.code for row in ex.evidence] == [late[0].code]
    assert "Trễ hạn" in ex.evidence[0].reason
    assert "2/3" in ex.score.formula
    assert ex.metric.numerator_definition and ex.metric.denominator_definition
    assert ex.group.id == "dvc-progress-tree"


def test_a_metric_without_data_shows_no_records(world):
    ex = explain(scopes.parse_scope("xa-22525"), MARCH, "PUBLISH_ON_TIME", now=NOW)
    assert ex.score.points is None and ex.missed is None and ex.evidence == []
    assert ex.lost == Decimal(6)  # "no data" counts 0 in its group


def test_an_unknown_metric_is_refused(world):
    with pytest.raises(ScoringError):
        explain(scopes.parse_scope("xa-22525"), MARCH, "KHONG_CO", now=NOW)


def test_fixing_the_late_record_adds_it_to_the_on_time_numerator_only_where_it_missed(world):
    on_time, late = world
    found = misses_by_metric(scopes.parse_scope("xa-22525"), MARCH, [late[0].code, on_time[0].code], now=NOW)
    assert found.get("DOSSIER_ON_TIME") == 1  # the on-time record stands in no miss of this metric
    assert (
        misses_by_metric(scopes.parse_scope("xa-22525"), MARCH, [on_time[0].code], now=NOW).get(
            "DOSSIER_ON_TIME"
        )
        is None
    )
