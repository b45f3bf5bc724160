"""The live part's statement compiled once per process is the statement Django builds, with the
real ids and moments in place — and it counts the records changed on the judging day."""

import datetime as dt

import pytest
from django.db import connection

from motcua.metrics import live_sql, onepage
from motcua.metrics.counting import _live_moments
from motcua.metrics.periods import month, year
from motcua.metrics.window import window
from tests.catalog.factories import make_procedure
from tests.factories import ProvinceFactory
from tests.metrics.index_records import local, office


def moments(at: dt.datetime) -> dict[str, dt.datetime]:
    return _live_moments(window(month(at.year, at.month), at))


@pytest.mark.django_db
@pytest.mark.parametrize(("units", "agencies"), [([11], []), ([], [7]), ([3, 12, 40], [5, 9])])
def test_the_compiled_statement_is_what_django_builds(units, agencies):
    for at in (local(2026, 3, 2, 16, 0), local(2026, 11, 26, 9, 30, 15)):  # compiled once, reused
        sql, params, columns = live_sql.statement(units, agencies, moments(at))
        built = live_sql.live_queryset(units, agencies, moments(at))
        built_sql, built_params = built.query.sql_with_params()
        assert (sql, params) == (built_sql, list(built_params))
        assert columns[:2] == ["unit_id", "agency_id"]


@pytest.mark.django_db
def test_the_records_of_the_judging_day_are_counted_live():
    xa_an = office(ProvinceFactory(), "22501", "Xã An", make_procedure())  # 3 working days
    xa_an.records(on_time=1, late=1)  # received 02/03 08:00; approved 02/03 15:00 and 12/03
    unit, agency = xa_an.agency.unit_id, xa_an.agency.pk
    at = local(2026, 3, 2, 16, 0)

    [row] = live_sql.live_rows([unit], [], moments(at))

    # Both received today (nothing held by the roll-ups before the day): the one approved at 15:00
    # is resolved on time, the other still open within its deadline (05/03).
    assert (row["unit_id"], row["agency_id"]) == (unit, agency)
    assert (row["received"], row["on_time"], row["resolved"]) == (2, 2, 1)
    assert live_sql.live_rows([unit], [], moments(local(2026, 3, 3, 9, 0))) == []  # nothing changed on 03/03
    assert live_sql.live_rows([], [], moments(at)) == []


@pytest.mark.django_db
def test_one_page_asks_the_judging_day_once_for_a_year_and_its_running_month(django_assert_num_queries):
    province = ProvinceFactory()
    procedure = make_procedure()
    xa_an = office(province, "22501", "Xã An", procedure)
    xa_binh = office(province, "22502", "Xã Bình", procedure)
    xa_an.records(on_time=1, late=1)
    xa_binh.records(on_time=1)
    units = sorted([xa_an.agency.unit_id, xa_binh.agency.unit_id])
    at = local(2026, 3, 2, 16, 0)
    the_year = _live_moments(window(year(2026), at))
    march = moments(at)
    alone = live_sql.live_rows(units[:1], [], march)  # not shared: asked on its own

    with onepage.reading():
        rows_of_the_year = live_sql.live_rows(units, [], the_year)
        with django_assert_num_queries(0):
            shared_march = live_sql.live_rows(units[:1], [], march)  # within the year, one of its units
        # PostgreSQL: the statement between a SET and a RESET of parallel workers
        with django_assert_num_queries(3 if connection.vendor == "postgresql" else 1):
            live_sql.live_rows(units, [], moments(local(2026, 3, 2, 16, 30)))  # another moment: asked

    assert shared_march == alone
    assert sum(r["received"] for r in rows_of_the_year) == 3  # both communes, received today
    assert sum(r["received"] for r in shared_march) == 2  # Xã An's own


@pytest.mark.django_db
def test_postgresql_sends_one_statement_whatever_the_ids_and_restores_parallel_workers():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite keeps the IN lists")
    at = moments(local(2026, 3, 2, 16, 0))
    one, one_params, _ = live_sql.statement([11], [], at)
    many, many_params, _ = live_sql.statement([3, 12, 40, 41], [5, 9], at)
    assert one == many and "= ANY(" in one and "IN (%s" not in one
    assert len(one_params) == len(many_params)
    assert [3, 12, 40, 41] in many_params and [5, 9] in many_params
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        [(before,)] = cursor.fetchall()
        live_sql.live_rows([11], [], at)
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchall() == [(before,)]
