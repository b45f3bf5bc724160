"""The trend reads closed months from their snapshots and the running one live — and a change to
an old record shows in its month's point at once."""

from decimal import Decimal

import pytest

from motcua.metrics import counting, scopes
from motcua.metrics.models import IndexSnapshot
from motcua.metrics.trend import trend
from tests.catalog.factories import make_procedure
from tests.factories import ProvinceFactory
from tests.metrics.index_records import NOW, ON_TIME_END, local, office


@pytest.fixture
def xa_an(db):
    return office(ProvinceFactory(), "22501", "Xã An", make_procedure())  # 3 working days


def points_by_month(scope, capture):
    with capture(execute=True):
        return {p.period.key: p for p in trend(scope, end=local(2026, 4, 5).date(), months=3, now=NOW)}


def test_a_changed_old_record_moves_its_month_point(xa_an, django_capture_on_commit_callbacks):
    record = xa_an.intake()  # 02/03, due 05/03, still open at the end of March: overdue
    xa_an.records(on_time=1)
    scope = scopes.parse_scope("xa-22501")
    before = points_by_month(scope, django_capture_on_commit_callbacks)
    assert set(IndexSnapshot.objects.values_list("period_key", flat=True)) == {"2026-02", "2026-03"}
    assert before["2026-03"].result.metric("DOSSIER_ON_TIME").points == Decimal("10.00")  # 20 × 1/2

    with django_capture_on_commit_callbacks(execute=True):
        xa_an.approve(record, ON_TIME_END)  # recorded late: it was decided on 02/03

    after = points_by_month(scope, django_capture_on_commit_callbacks)
    assert after["2026-03"].result.metric("DOSSIER_ON_TIME").points == Decimal("20.00")  # 20 × 2/2
    assert after["2026-03"].total - before["2026-03"].total == Decimal("10.00")
    assert after["2026-02"].result == before["2026-02"].result  # nothing received in February


def test_kept_months_equal_the_live_index_and_the_running_month_is_live(
    xa_an, django_capture_on_commit_callbacks
):
    xa_an.records(on_time=1, late=1)
    scope = scopes.parse_scope("xa-22501")
    points_by_month(scope, django_capture_on_commit_callbacks)  # keeps February and March
    again = points_by_month(scope, django_capture_on_commit_callbacks)
    for point in again.values():
        assert point.result == counting.unit_index(scope, point.period, now=NOW)
    assert not IndexSnapshot.objects.filter(period_key="2026-04").exists()  # April runs on NOW
    # The page's own figure for a month is used as it is, not counted again.
    known = {"2026-04": {"DOSSIER_ON_TIME": counting.scoring.Count(3, 4)}}
    with django_capture_on_commit_callbacks(execute=True):
        points = trend(scope, end=local(2026, 4, 5).date(), months=1, now=NOW, known=known)
    assert points[0].result.metric("DOSSIER_ON_TIME").points == Decimal("15.00")  # 20 × 3/4


def test_months_not_begun_have_no_point(xa_an, django_capture_on_commit_callbacks):
    """A running year's trend ends with its running month: May and June have not begun on 10/04."""
    xa_an.records(on_time=1)
    scope = scopes.parse_scope("xa-22501")
    with django_capture_on_commit_callbacks(execute=True):
        points = trend(scope, end=local(2026, 6, 30).date(), months=3, now=NOW)
    assert [p.period.key for p in points] == ["2026-04"]
    assert points[0].result == counting.unit_index(scope, points[0].period, now=NOW)
