"""The sample files in tests/exchange/data through the command, as an operator would run them."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from motcua.records.lifecycle import State
from motcua.records.models import Record

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"


def run_import(name: str, *extra: str) -> str:
    out = io.StringIO()
    call_command("import", "dvcqg", str(DATA / name), *extra, stdout=out)
    return out.getvalue()


def test_sample_array(procedure, van_hung):
    text = run_import("sample.json")
    assert "Thêm mới: 3" in text and "MaHeThongNguon (1)" in text
    states = dict(Record.objects.values_list("code", "state"))
    assert states == {
        "H56.57.01-260302-0001": State.RETURNED,
        "H56.57.01-260302-0002": State.IN_PROGRESS,  # 6: waiting for a payment, kept as 6 on export
        "H56.57.01-260302-0003": State.SUPPLEMENT,
    }
    waiting = Record.objects.get(code="H56.57.01-260302-0003")
    assert waiting.channel == "1" and waiting.supplement_count == 1 and waiting.clock_paused_at is not None
    assert "Không đổi: 3" in run_import("sample.json")


def test_mixed_lines_import_the_good_and_report_the_bad(procedure, van_hung, tmp_path):
    rejects = tmp_path / "loi.jsonl"
    text = run_import("mixed.jsonl", "--rejects", str(rejects))
    assert "Thêm mới: 2" in text and "Bị từ chối: 3" in text
    rows = [json.loads(line) for line in rejects.read_text(encoding="utf-8").splitlines()]
    assert [(r["position"], r["field"]) for r in rows] == [(2, "NgayTiepNhan"), (3, "TrangThaiHoSo"), (4, "")]


def test_truncated_array(procedure, van_hung):
    text = run_import("truncated.json")
    assert "Thêm mới: 1" in text and "cắt cụt" in text
