import datetime as dt

import pytest

from motcua.metrics import periods


def test_calendar_periods():
    march = periods.month(2026, 3)
    assert (march.start, march.end, march.key, march.label) == (
        dt.date(2026, 3, 1),
        dt.date(2026, 3, 31),
        "2026-03",
        "Tháng 03/2026",
    )
    assert periods.month(2028, 2).end == dt.date(2028, 2, 29)  # leap year
    q1 = periods.quarter(2026, 1)
    assert (q1.start, q1.end, q1.label) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31), "Quý I/2026")
    assert periods.quarter(2026, 4).end == dt.date(2026, 12, 31)
    assert periods.year(2026).label == "Năm 2026"


def test_reporting_periods_of_nd_09_2019():
    bc = periods.report_month(2026, 3)
    assert (bc.start, bc.end) == (dt.date(2026, 2, 15), dt.date(2026, 3, 14))
    assert bc.label == "Kỳ báo cáo tháng 03/2026 (15/02/2026 – 14/03/2026)"
    january = periods.report_month(2026, 1)
    assert (january.start, january.end) == (dt.date(2025, 12, 15), dt.date(2026, 1, 14))
    bcn = periods.report_year(2026)
    assert (bcn.start, bcn.end, bcn.key) == (dt.date(2025, 12, 15), dt.date(2026, 12, 14), "bcn-2026")


@pytest.mark.parametrize(
    "period",
    [
        periods.month(2026, 3),
        periods.quarter(2026, 2),
        periods.year(2025),
        periods.report_month(2026, 1),
        periods.report_year(2024),
        periods.between(dt.date(2026, 3, 1), dt.date(2026, 3, 31)),
    ],
)
def test_every_key_parses_back_to_its_period(period):
    assert periods.parse(period.key) == period


@pytest.mark.parametrize(
    "key",
    ["", "2026-13", "2026-Q5", "bc-2026-00", "2026-02-30..2026-03-01", "2026-03-31..2026-03-01", "tháng 3"],
)
def test_bad_keys_are_refused_in_vietnamese(key):
    with pytest.raises(ValueError) as error:
        periods.parse(key)
    assert any(word in str(error.value) for word in ("Tháng", "Quý", "kỳ", "Kỳ", "Ngày"))


def test_months_of_a_period():
    keys = [m.key for m in periods.months_of(periods.report_month(2026, 1))]
    assert keys == ["2025-12", "2026-01"]
    assert len(periods.months_of(periods.year(2026))) == 12
    assert [m.key for m in periods.months_of(periods.between(dt.date(2026, 3, 5), dt.date(2026, 3, 6)))] == [
        "2026-03"
    ]


def test_periods_are_pure():
    import ast
    from pathlib import Path

    source = (Path(periods.__file__)).read_text(encoding="utf-8")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom | ast.Import):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            assert not any(n.startswith(("django", "motcua")) for n in names), names
