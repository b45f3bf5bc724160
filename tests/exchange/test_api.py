"""POST /api/v1/exchange/dvcqg/import queues the import (202 + the run's status address); the
worker runs it (here: Django's immediate task backend, on commit) and GET …/import/<id> gives
the summary."""

import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from motcua.accounts.models import Role
from motcua.exchange.importer import import_sync_file
from motcua.exchange.models import ImportRun
from motcua.records.models import Record
from tests.factories import UserFactory, grant

from .sync import as_array, as_lines, sync_record

pytestmark = pytest.mark.django_db
URL = "/api/v1/exchange/dvcqg/import"
IMMEDIATE = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default", "exchange"],
    }
}


@pytest.fixture(autouse=True)
def _tasks_and_storage(settings, tmp_path):
    settings.TASKS = IMMEDIATE
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def admin_api(province):
    user = UserFactory(username="quantri.tinh")
    grant(user, Role.PROVINCE_ADMIN, province)
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_upload_is_queued_then_the_status_gives_the_summary(
    admin_api, procedure, van_hung, django_capture_on_commit_callbacks, settings
):
    data = as_lines([sync_record(1), sync_record(2, NgayHenTra="20261301000000")])
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = admin_api.post(URL, {"file": SimpleUploadedFile("hs.jsonl", data)}, format="multipart")
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "pending" and not Record.objects.exists()  # answered before importing
    assert response["Location"] == body["status_url"]
    assert body["status_url"].endswith(f"{URL}/{body['id']}")
    assert body["file_sha256"] == hashlib.sha256(data).hexdigest() and body["file_size"] == len(data)
    stored = settings.MEDIA_ROOT / "imports" / body["file_sha256"][:2] / body["file_sha256"]
    assert stored.read_bytes() == data

    for callback in queued:  # the commit: the task is enqueued and (immediate backend) runs
        callback()
    status = admin_api.get(response["Location"])
    assert status.status_code == 200
    summary = status.json()
    assert (summary["status"], summary["added"], summary["rejected"], summary["processed"]) == (
        "done",
        1,
        1,
        2,
    )
    assert summary["rejects"] == [
        {"position": 2, "field": "NgayHenTra", "reason": summary["rejects"][0]["reason"]}
    ]
    assert summary["finished_at"] is not None and summary["attempts"] == 1
    assert Record.objects.count() == 1
    assert ImportRun.objects.get().user.username == "quantri.tinh"


def test_raw_body_is_accepted(admin_api, procedure, van_hung, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_api.generic("POST", URL, as_array([sync_record(1)]), content_type="application/json")
    assert response.status_code == 202
    assert admin_api.get(response["Location"]).json()["added"] == 1


def test_the_same_file_twice_is_stored_once_and_changes_nothing(
    admin_api, procedure, van_hung, django_capture_on_commit_callbacks, settings
):
    data = as_array([sync_record(1), sync_record(2)])
    runs = []
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            runs.append(admin_api.generic("POST", URL, data, content_type="application/json").json())
    assert runs[0]["id"] != runs[1]["id"] and runs[0]["file_sha256"] == runs[1]["file_sha256"]
    assert len(list((settings.MEDIA_ROOT / "imports").rglob("*"))) == 2  # one folder, one file
    second = admin_api.get(runs[1]["status_url"]).json()
    assert (second["added"], second["unchanged"]) == (0, 2)
    assert Record.objects.count() == 2


def test_unreadable_file_is_a_problem_and_writes_nothing(admin_api, procedure, van_hung, settings):
    response = admin_api.generic(
        "POST", URL, b"MaHoSo;ChuHoSo\n1;A\n", content_type="application/octet-stream"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "unreadable-file"
    assert not Record.objects.exists() and not ImportRun.objects.exists()
    assert not (settings.MEDIA_ROOT / "imports").exists()


def test_a_file_broken_inside_fails_the_run_with_the_reason(
    admin_api, procedure, van_hung, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(**kwargs):
        raise RuntimeError("ổ đĩa đầy")

    monkeypatch.setattr("motcua.exchange.imports.import_sync_file", broken)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_api.generic("POST", URL, as_array([sync_record(1)]), content_type="application/json")
    status = admin_api.get(response["Location"]).json()
    assert status["status"] == "failed" and "ổ đĩa đầy" in status["error"]
    assert status["finished_at"] is not None


def test_status_of_an_unknown_run_is_a_404_problem(admin_api):
    response = admin_api.get(f"{URL}/999999")
    assert response.status_code == 404 and response.json()["code"] == "import-run-not-found"


def test_missing_file_field_is_a_problem(admin_api):
    response = admin_api.post(URL, {"other": "x"}, format="multipart")
    assert response.status_code == 400 and response.json()["code"] == "file-required"


def test_a_commune_officer_may_not_import_nor_read_runs(
    staff, procedure, admin_api, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run_id = admin_api.generic(
            "POST", URL, as_array([sync_record(1)]), content_type="application/json"
        ).json()["id"]
    client = APIClient()
    client.force_authenticate(staff["desk"])
    response = client.generic("POST", URL, as_array([sync_record(2)]), content_type="application/json")
    assert response.status_code == 403
    assert client.get(f"{URL}/{run_id}").status_code == 403
    assert client.post(f"{URL}/{run_id}/restart").status_code == 403
    assert ImportRun.objects.count() == 1


def test_a_command_line_run_reads_running_until_the_importer_finishes(admin_api, procedure, van_hung):
    import_sync_file(stream=io.BytesIO(as_array([sync_record(1)])), source_name="hs.json")
    run = ImportRun.objects.get()
    done = admin_api.get(f"{URL}/{run.pk}").json()
    assert (done["status"], done["added"]) == ("done", 1)
    ImportRun.objects.filter(pk=run.pk).update(finished_at=None)  # as while the command still runs
    running = admin_api.get(f"{URL}/{run.pk}").json()
    assert (running["status"], running["added"]) == ("running", 0)


def test_a_large_upload_kept_on_disk_by_django_is_stored_the_same(
    admin_api, procedure, van_hung, settings, django_capture_on_commit_callbacks
):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 100  # Django writes the upload to a temporary file
    data = as_lines([sync_record(n) for n in range(1, 4)])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_api.post(URL, {"file": SimpleUploadedFile("hs.jsonl", data)}, format="multipart")
    body = response.json()
    assert (body["file_sha256"], body["file_size"]) == (hashlib.sha256(data).hexdigest(), len(data))
    stored = settings.MEDIA_ROOT / "imports" / body["file_sha256"][:2] / body["file_sha256"]
    assert stored.read_bytes() == data
    assert admin_api.get(response["Location"]).json()["added"] == 3
