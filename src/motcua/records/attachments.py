"""Files of a dossier: checked before anything is written, stored under their SHA-256."""

import datetime as dt
import hashlib

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from motcua.catalog.models import Component

from .errors import InvalidRecordInput
from .models import Record, RecordAttachment

MAX_BYTES = 20 * 1024 * 1024
# What a one-stop counter scans or receives: PDF and images. The first bytes decide, not the name.
SIGNATURES = {
    b"%PDF-": "application/pdf",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"II*\x00": "image/tiff",
    b"MM\x00*": "image/tiff",
}


def sniff(head: bytes) -> str | None:
    for signature, content_type in SIGNATURES.items():
        if head.startswith(signature):
            return content_type
    return None


def check_upload(upload: File) -> str:
    """Returns the content type, or raises a clear message; nothing is stored yet."""
    if upload.size is None or upload.size == 0:
        raise InvalidRecordInput(f"Tệp “{upload.name}” rỗng.", code="empty-file", field="files")
    if upload.size > MAX_BYTES:
        raise InvalidRecordInput(
            f"Tệp “{upload.name}” lớn hơn {MAX_BYTES // (1024 * 1024)} MB.",
            code="file-too-large",
            field="files",
        )
    upload.seek(0)
    content_type = sniff(upload.read(16))
    upload.seek(0)
    if content_type is None:
        raise InvalidRecordInput(
            f"Tệp “{upload.name}” không phải PDF hoặc ảnh (PNG, JPEG, TIFF).", code="file-type", field="files"
        )
    return content_type


def attach_files(
    *,
    record: Record,
    uploads: list[tuple[Component | None, File]],
    actor,
    at: dt.datetime | None = None,
) -> list[RecordAttachment]:
    at = at or timezone.now()
    checked = [(component, upload, check_upload(upload)) for component, upload in uploads]
    saved: list[RecordAttachment] = []
    with transaction.atomic():
        for component, upload, content_type in checked:
            digest = hashlib.sha256()
            for chunk in upload.chunks():
                digest.update(chunk)
            sha = digest.hexdigest()
            storage_name = f"records/{sha[:2]}/{sha}"
            if not default_storage.exists(storage_name):
                upload.seek(0)
                storage_name = default_storage.save(storage_name, upload)
            saved.append(
                RecordAttachment.objects.create(
                    record=record,
                    component=component,
                    name=upload.name[:255],
                    content_type=content_type,
                    size=upload.size,
                    sha256=sha,
                    storage_name=storage_name,
                    uploaded_by=actor,
                    uploaded_at=at,
                )
            )
    return saved
