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


def test_admin_import_form_queues_the_file_and_the_run_page_shows_the_summary(
    client, procedure, van_hung, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.TASKS = {
        "default": {
            "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default", "exchange"],
        }
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    admin_user = UserFactory(username="admin", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    page = client.get("/admin/exchange/importrun/import/")
    assert page.status_code == 200 and "Nhập hồ sơ đồng bộ DVCQG" in page.content.decode()
    upload = io.BytesIO(as_array([sync_record(1)]))
    upload.name = "hs.json"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/exchange/importrun/import/", {"file": upload}, follow=True)
    assert response.status_code == 200
    run = ImportRun.objects.get()
    assert response.redirect_chain[-1][0] == f"/admin/exchange/importrun/{run.pk}/change/"
    assert f"lượt nhập số {run.pk}" in response.content.decode()
    assert (run.status, run.added, run.user) == (ImportRun.Status.DONE, 1, admin_user)
    assert Record.objects.count() == 1
    listing = client.get("/admin/exchange/importrun/")
    assert listing.status_code == 200 and "Xong" in listing.content.decode()

    # A file with rejects: the run's page lists them as a table, the file's text escaped.
    upload = io.BytesIO(as_lines([sync_record(2)]) + b'{"MaHoSo": "<b>x</b>"}\n')
    upload.name = "loi.jsonl"
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/admin/exchange/importrun/import/", {"file": upload})
    run = ImportRun.objects.get(source_name="loi.jsonl")
    page = client.get(f"/admin/exchange/importrun/{run.pk}/change/").content.decode()
    assert "<th>Vị trí</th><th>Trường</th><th>Lý do</th>" in page
    assert "<tr><td>2</td><td>MaHoSo</td><td>" in page and "&lt;b&gt;x&lt;/b&gt;" in page
    assert "<b>x</b>" not in page
    assert 'name="sample_rejects"' not in page  # shown, not editable


def test_admin_import_form_refuses_a_file_that_is_not_sync_records(client, db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(UserFactory(username="admin", is_staff=True, is_superuser=True))
    upload = io.BytesIO(b"MaHoSo,ChuHoSo\n")
    upload.name = "hs.csv"
    response = client.post("/admin/exchange/importrun/import/", {"file": upload})
    assert response.status_code == 200 and "mảng JSON" in response.content.decode()
    assert not ImportRun.objects.exists()


@pytest.mark.django_db
def test_a_run_is_named_by_its_local_start_time():
    """The admin's title and breadcrumb name a run as its page shows its start: Vietnam's time."""
    import datetime as dt

    from motcua.exchange.models import ImportRun

    run = ImportRun(source_name="hs.jsonl", started_at=dt.datetime(2026, 11, 26, 2, 50, tzinfo=dt.UTC))
    assert str(run) == "hs.jsonl (26/11/2026 09:50)"
