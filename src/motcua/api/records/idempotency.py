"""Idempotent create: a client that retries `POST /records/` with the same `Idempotency-Key`
gets the record the first request made, and nothing new is written.

The key row is inserted in the same transaction as the record; the unique (user, key)
constraint decides a race: the loser's transaction rolls back whole (record, event, code
sequence) and it answers with the winner's record."""

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status

from motcua.accounts.models import User
from motcua.records.models import IdempotencyKey, Record

logger = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


class InvalidKey(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid-idempotency-key"
    default_detail = _("Idempotency-Key phải gồm 1–255 ký tự ASCII in được (nên dùng một UUID).")


class KeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency-key-reuse"
    default_detail = _(
        "Idempotency-Key này đã được dùng cho một yêu cầu có nội dung khác; "
        "hãy dùng khóa mới cho yêu cầu mới."
    )


@dataclass(frozen=True)
class Outcome:
    record: Record
    created: bool  # False: a replay of an earlier request with the same key


def read_key(headers: Any) -> str | None:
    raw = headers.get(HEADER)
    if raw is None:
        return None
    key = raw.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
        raise InvalidKey()
    return key


def request_hash(body: Any) -> str:
    """Of the parsed JSON, so that whitespace and key order do not make two retries differ."""
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _replay(user: User, key: str, digest: str) -> Record | None:
    found = IdempotencyKey.objects.select_related("record").filter(user=user, key=key).first()
    if found is None:
        return None
    if found.request_hash != digest:
        raise KeyReused()
    return found.record


def create_once(*, user: User, key: str | None, body: Any, create: Callable[[], Record]) -> Outcome:
    """Run `create` (a record service) once per (user, key); without a key, always run it."""
    if key is None:
        return Outcome(create(), created=True)
    digest = request_hash(body)
    earlier = _replay(user, key, digest)
    if earlier is not None:
        return Outcome(earlier, created=False)
    try:
        with transaction.atomic():
            record = create()
            IdempotencyKey.objects.create(key=key, user=user, record=record, request_hash=digest)
    except IntegrityError:
        # A concurrent request with the same key committed first: answer with its record.
        earlier = _replay(user, key, digest)
        if earlier is None:
            raise
        logger.info("Idempotency-Key %r: a concurrent request created record %s first", key, earlier.code)
        return Outcome(earlier, created=False)
    return Outcome(record, created=True)
