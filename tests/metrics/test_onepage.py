"""One page's shared reads (metrics.onepage) give the figures counted on their own: a running
year's page and its trend's running month, with records changed on the judging day."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.metrics import counting, onepage, periods, ranking, scopes
from motcua.metrics.scoring import Count
from motcua.metrics.trend import trend
from tests.catalog.factories import make_procedure
from tests.factories import OfferingFactory, ProvinceFactory
from tests.metrics.index_records import NOW, local, office


@pytest.mark.django_db
def test_a_running_year_and_its_running_month_shared_equal_counted_alone(django_capture_on_commit_callbacks):
    province = ProvinceFactory()
    procedure = make_procedure()
    xa_an = office(province, "22501", "Xã An", procedure)
    xa_binh = office(province, "22502", "Xã Bình", procedure)
    xa_an.records(on_time=1, late=1)  # March
    xa_binh.intake(at=local(2026, 4, 10, 8, 0))  # the judging day (NOW: 10/04 09:00): counted live
    xa_an.approve(xa_an.intake(at=local(2026, 4, 9, 8, 0)), local(2026, 4, 10, 8, 30))  # ended today
    the_year, april = periods.year(2026), periods.month(2026, 4)
    wanted = [scopes.parse_scope(k) for k in ("tinh-56", "xa-22501", "xa-22502")]

    with django_capture_on_commit_callbacks(execute=True), onepage.reading():
        results = ranking.unit_results(wanted, the_year, now=NOW)
        points = trend(wanted[0], end=the_year.end, months=12, now=NOW)

    for unit in results:
        assert unit.result == counting.unit_index(unit.scope, the_year, now=NOW), unit.scope.key
    assert points[-1].period == april  # May to December have not begun
    assert points[-1].result == counting.unit_index(wanted[0], april, now=NOW)
    on_time = points[-1].result.metric("DOSSIER_ON_TIME")
    assert (on_time.numerator, on_time.denominator) == (2, 2)  # both April records, on time at 09:00


@pytest.mark.django_db
def test_the_running_month_read_along_with_its_year_is_its_own_count(django_capture_on_commit_callbacks):
    """A running year's count also keeps its running month's roll-up rows (records and
    procedures); the month asked next within the page takes them, and gets the month's figures,
    not the year's."""
    province = ProvinceFactory()
    fee_a = make_procedure(code="1.000001", name="Thủ tục A")  # both bear a fee (make_procedure)
    fee_b = make_procedure(code="1.000002", name="Thủ tục B")
    xa_an = office(province, "22501", "Xã An", fee_a)
    xa_binh = office(province, "22502", "Xã Bình", fee_b)
    for commune in (xa_an, xa_binh):
        for procedure in (fee_a, fee_b):
            OfferingFactory(procedure=procedure, agency=commune.agency)
    with django_capture_on_commit_callbacks(execute=True):
        xa_binh.records(on_time=1)  # 02/03, procedure B: in the year, not in April
        xa_an.approve(xa_an.intake(at=local(2026, 4, 9, 8, 0)), local(2026, 4, 9, 15, 0))  # roll-ups
        xa_an.intake(at=local(2026, 4, 10, 8, 0))  # the judging day (NOW 10/04 09:00): live
    the_year, april = periods.year(2026), periods.month(2026, 4)
    tinh, an, binh = (scopes.parse_scope(k) for k in ("tinh-56", "xa-22501", "xa-22502"))

    with onepage.reading():
        year = ranking.metric_counts_many([tinh, an, binh], the_year, now=NOW)
        with CaptureQueriesContext(connection) as asked:
            month = ranking.metric_counts_many([tinh, an, binh], april, now=NOW)

    read = " ".join(q["sql"] for q in asked.captured_queries)
    assert "metrics_recordrollup" not in read and "metrics_procedurerollup" not in read  # taken along
    pairs = {
        (key, period): (counts["DOSSIER_ON_TIME"], counts["FEE_PROCEDURE_WITH_DOSSIER"])
        for period, found in (("year", year), ("april", month))
        for key, counts in found.items()
    }
    # on time / received; fee-bearing procedures with a record / fee-bearing procedures offered
    assert pairs[("tinh-56", "year")] == (Count(3, 3), Count(2, 2))
    assert pairs[("tinh-56", "april")] == (Count(2, 2), Count(1, 2))  # B's only record is March's
    assert pairs[("xa-22501", "april")] == (Count(2, 2), Count(1, 2))
    assert pairs[("xa-22502", "year")] == (Count(1, 1), Count(1, 2))
    assert pairs[("xa-22502", "april")] == (Count(0, 0), Count(0, 2))
