import io
import json

import pytest
from django.core.management import CommandError, call_command

from motcua.exchange.models import ImportRun
from motcua.records.models import Record
from tests.factories import UserFactory

from .sync import as_array, as_lines, sync_record

pytestmark = pytest.mark.django_db


def test_import_command_prints_the_summary_and_writes_rejects(procedure, van_hung, tmp_path):
    source = tmp_path / "hs.jsonl"
    source.write_bytes(as_lines([sync_record(1), sync_record(2, TrangThaiHoSo="0"), sync_record(3)]))
    rejects = tmp_path / "loi.jsonl"
    out = io.StringIO()
    call_command("import", "dvcqg", str(source), "--rejects", str(rejects), "--batch-size", "2", stdout=out)
    text = out.getvalue()
    assert "Thêm mới: 2" in text and "Bị từ chối: 1" in text and "Không đổi: 0" in text
    rows = [json.loads(line) for line in rejects.read_text(encoding="utf-8").splitlines()]
    assert [(r["position"], r["field"]) for r in rows] == [(2, "TrangThaiHoSo")]
    assert rows[0]["object"]["MaHoSo"] == "H56.57.01-260302-0002"
    again = io.StringIO()
    call_command("import", "dvcqg", str(source), stdout=again)
    assert "Không đổi: 2" in again.getvalue()


def test_import_command_refuses_a_file_that_is_not_sync_records(tmp_path, db):
    source = tmp_path / "hs.csv"
    source.write_text("MaHoSo,ChuHoSo\n", encoding="utf-8")
    with pytest.raises(CommandError, match="mảng JSON"):
        call_command("import", "dvcqg", str(source), stdout=io.StringIO())
    with pytest.raises(CommandError, match="Không mở được"):
        call_command("import", "dvcqg", str(tmp_path / "khong-co.json"), stdout=io.StringIO())


def test_admin_import_form(client, procedure, van_hung):
    admin_user = UserFactory(username="admin", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    page = client.get("/admin/exchange/importrun/import/")
    assert page.status_code == 200 and "Nhập hồ sơ đồng bộ DVCQG" in page.content.decode()
    upload = io.BytesIO(as_array([sync_record(1)]))
    upload.name = "hs.json"
    response = client.post("/admin/exchange/importrun/import/", {"file": upload}, follow=True)
    assert response.status_code == 200
    assert "Thêm mới 1" in response.content.decode()
    assert Record.objects.count() == 1 and ImportRun.objects.get().user == admin_user
    assert client.get("/admin/exchange/importrun/").status_code == 200
