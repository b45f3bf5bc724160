"""One page's shared reads (metrics.onepage) give the figures counted on their own: a running
year's page and its trend's running month, with records changed on the judging day."""

import pytest

from motcua.metrics import counting, onepage, periods, ranking, scopes
from motcua.metrics.trend import trend
from tests.catalog.factories import make_procedure
from tests.factories import ProvinceFactory
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
