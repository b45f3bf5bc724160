"""Import sync records (spec/dvcqg-sync.md) from a stream of any size.

Streaming and batched: records are read one at a time, and written `batch_size` at a time in one
transaction each (bulk inserts), so memory stays flat whatever the file size. Idempotent by
MaHoSo: a known record is compared with what the file says and left alone ("unchanged") or
updated in place with a history row naming the changed fields. A malformed record is rejected
with its position, field and reason; nothing of it is written and the others go in.

Imported records do not pass through the lifecycle services: their history is a fact of the
source system, kept as `sync_history` events (actor none, the source's person and department in
the detail). Their appointment (NgayHenTra) is kept as it is — it is what the citizen was told.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from types import SimpleNamespace
from typing import IO, Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from motcua.accounts.models import User
from motcua.catalog.models import Confidence, Field, Procedure
from motcua.catalog.services import procedure_refresh_search_text
from motcua.core.text import nfc
from motcua.metrics.rollups import rollups_rebuild
from motcua.metrics.snapshots import forget_all as forget_snapshots
from motcua.records.models import Record, RecordEvent
from motcua.records.rules import NoRuleSet, rules_at
from motcua.records.services import record_search_text
from motcua.records.sync import records_mark_imported_from_portal
from motcua.units.models import AdministrativeUnit, Agency, AgencyKind, UnitLevel
from motcua.units.validators import validate_agency_code

from . import fastpath, sqlimport
from .bulk import insert_rows, insert_tuples
from .dvcqg import mapping
from .dvcqg.mapping import ParsedRecord, Reject, parse_sync_record, record_to_sync
from .dvcqg.reader import detect_layout, read_records
from .models import CreatedByImport, ImportRun
from .sqlimport_work import NoConnections, Work

logger = logging.getLogger(__name__)

DEFAULT_BATCH = 1000
SAMPLE_REJECTS = 50
# The Record columns an import sets; a re-import compares exactly these.
IMPORT_FIELDS: tuple[str, ...] = (
    "procedure_id",
    "agency_id",
    "receiving_agency_id",
    "unit_id",
    "receiving_unit_id",
    "state",
    "channel",
    "applicant_name",
    "applicant_id_number",
    "applicant_phone",
    "applicant_email",
    "applicant_kind",
    "summary",
    "search_text",
    "submitted_at",
    "received_at",
    "due_at",
    "original_due_at",
    "finished_at",
    "returned_at",
    "ended_at",
    "clock_paused_at",
    "supplement_requested_at",
    "supplement_count",
    "rule_set",
    "approved",
    "fees_total_vnd",
    "paid_online",
    "has_digitized_components",
    "has_e_result",
    "vneid_verified",
    "submitted_on_national_portal",
    "used_population_db",
    "reused_data",
    "from_national_data_store",
    "extra",
)
EVENT_COLUMNS = fastpath.EVENT_COLUMNS
# A first load of a file this big into an empty table builds the secondary indexes afterwards.
BULK_LOAD_BYTES = 64 * 1024 * 1024
# From this size the plain new records are inserted set-based by PostgreSQL (`sqlimport`).
SQL_IMPORT_BYTES = 8 * 1024 * 1024
# From this size the set-based import stages and computes in parts, one connection per CPU.
PARTS_BYTES = 64 * 1024 * 1024
UNVERIFIED_NOTE = "Tạo tự động khi nhập hồ sơ đồng bộ ({source}, tệp {file}): chưa xác minh."


# What a value no check foresaw raises while a record is mapped or written (a number out of a
# column's range, a lone surrogate, nesting deeper than a serializer goes): the record is rejected
# with the error's words, never the whole run.
UNFORESEEN = (ValueError, TypeError, OverflowError, RecursionError)


def unforeseen(error: BaseException) -> str:
    return f"Không ghi được hồ sơ ({type(error).__name__}: {str(error)[:200]})."


@dataclass
class ImportSummary:
    layout: str = ""
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    unknown_fields: Counter[str] = field(default_factory=Counter)
    missing: Counter[str] = field(default_factory=Counter)  # unknown procedure/agency codes
    created: list[str] = field(default_factory=list)
    sample_rejects: list[dict[str, Any]] = field(default_factory=list)

    @property
    def seen(self) -> int:
        return self.added + self.updated + self.unchanged + self.rejected

    def as_dict(self) -> dict[str, Any]:
        return {
            "layout": self.layout,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "unknown_fields": dict(self.unknown_fields),
            "missing": dict(self.missing),
            "created": self.created,
            "rejects": self.sample_rejects,
        }


RejectSink = Callable[[Reject, Any], None]


def import_sync_file(
    *,
    stream: IO[bytes],
    source_name: str,
    source_system: str = "dvcqg",
    create_missing: bool = False,
    batch_size: int = DEFAULT_BATCH,
    user: User | None = None,
    on_reject: RejectSink | None = None,
    progress: Callable[[int], None] | None = None,
    now: dt.datetime | None = None,
    bulk_load: bool | None = None,
    run: ImportRun | None = None,
    sql: bool | None = None,
) -> ImportSummary:
    """Import every record of `stream`; raises `reader.UnreadableFile` when the file as a whole
    is not sync records (then nothing is written). `bulk_load` (PostgreSQL; default: a file of
    `BULK_LOAD_BYTES` or more) loads into an empty table in one transaction, building the records'
    secondary indexes and checking their foreign keys once at the end (`fastpath.bulk_loading`).
    `sql` (PostgreSQL, a seekable stream; default: a bulk load or a file of `SQL_IMPORT_BYTES` or
    more) takes the plain new records set-based in the database (`sqlimport`), the rest here."""
    if bulk_load is None:
        bulk_load = _size(stream) >= BULK_LOAD_BYTES
    if sql is None:
        sql = bulk_load or _size(stream) >= SQL_IMPORT_BYTES
    sql = sql and sqlimport.usable(stream)
    if sql:
        layout, items = _peek_layout(stream), iter(())
    else:
        layout, items = read_records(stream)
    if run is None:  # a run queued from a page (exchange/imports.py) comes with its row
        run = ImportRun.objects.create(
            source_name=source_name[:255], source_system=source_system, user=user, started_at=timezone.now()
        )
    importer = _Importer(
        run=run,
        source_system=source_system,
        create_missing=create_missing,
        batch_size=max(1, batch_size),
        on_reject=on_reject,
        now=now or timezone.now(),
    )
    importer.summary.layout = layout
    bulk = bulk_load and fastpath.enabled() and fastpath.table_is_empty()
    # Parts on connections of their own, before the import's transaction: not inside a caller's
    # transaction, whose uncommitted rows other connections would not see.
    outside = not connection.in_atomic_block and connection.get_autocommit()
    parts = _cpus() if sql and outside and _size(stream) >= PARTS_BYTES else 0
    tick = None if progress is None else partial(progress, 0)  # a heartbeat before the transaction
    work = _prepare_in_parts(stream, parts, tick) if parts > 1 else None
    try:
        # The set-based path is one transaction (so is a bulk load): a failure leaves nothing.
        with (
            fastpath.bulk_loading() if bulk else contextlib.nullcontext(),
            transaction.atomic() if sql else contextlib.nullcontext(),
        ):
            if sql:
                loaded = sqlimport.load(stream, source_system=source_system, now=importer.now, work=work)
                importer.summary.added += loaded.added
                importer.summary.unknown_fields.update(loaded.unknown_fields)
                if progress is not None and loaded.added:
                    progress(loaded.added)
                items = loaded.rest
            for position, obj in items:
                importer.feed(position, obj)
                if progress is not None:
                    progress(1)
            importer.flush()
    finally:
        if work is not None:
            work.drop()
    summary = importer.summary
    if summary.added or summary.updated:
        # Bulk writes bypass the records' per-change hook: the index's rollups are recomputed once
        # and the kept counts of closed periods dropped.
        started = time.perf_counter()
        records_mark_imported_from_portal()  # DOSSIER_SYNC: what came from the portal is on it
        rollups_rebuild()
        forget_snapshots()
        fastpath.last_timings["rollups"] = time.perf_counter() - started
    ImportRun.objects.filter(pk=run.pk).update(
        finished_at=timezone.now(),
        added=summary.added,
        updated=summary.updated,
        unchanged=summary.unchanged,
        rejected=summary.rejected,
        unknown_fields=_storable(dict(summary.unknown_fields)),
        sample_rejects=_storable(summary.sample_rejects),
    )
    return summary


def _peek_layout(stream: IO[bytes]) -> str:
    start = stream.tell()
    layout, _ = detect_layout(stream)
    stream.seek(start)
    return layout


def _prepare_in_parts(stream: IO[bytes], parts: int, tick: Callable[[], None] | None) -> Work | None:
    """The work in parts, or None (then in one part, in the import's transaction) when the server
    refuses more connections: slower, not wrong."""
    start = stream.tell()
    try:
        return sqlimport.prepare(stream, parts, tick)
    except NoConnections as error:
        logger.warning("Import in one part: no connections for %s parts (%s)", parts, error)
        stream.seek(start)
        return None


def _storable(value: Any) -> Any:
    """`value` with NUL shown as U+FFFD: PostgreSQL's jsonb refuses \\u0000, and a file's codes and
    keys (quoted in the reasons) may hold one."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {_storable(k): _storable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_storable(v) for v in value]
    return value


def _cpus() -> int:
    """The CPUs this process may use (a container's limit included), within the setting."""
    return min(len(os.sched_getaffinity(0)), settings.MOTCUA_IMPORT_CONNECTIONS)


def _size(stream: IO[bytes]) -> int:
    try:
        return os.fstat(stream.fileno()).st_size
    except (AttributeError, OSError, ValueError):
        return 0


_canonical = fastpath.canonical


class _Importer:
    def __init__(
        self,
        *,
        run: ImportRun,
        source_system: str,
        create_missing: bool,
        batch_size: int,
        on_reject: RejectSink | None,
        now: dt.datetime,
    ) -> None:
        self.run, self.source_system, self.create_missing = run, source_system, create_missing
        self.batch_size, self.on_reject, self.now = batch_size, on_reject, now
        self.summary = ImportSummary()
        self.pending: dict[str, tuple[ParsedRecord, fastpath.Row]] = {}
        self.copier = fastpath.RecordCopier(now) if fastpath.enabled() else None
        self.agencies: dict[str, Agency | None] = {}
        self.procedures: dict[str, Procedure | None] = {}
        self.rule_sets: dict[dt.date, str] = {}

    # --- one record ---

    def feed(self, position: int, obj: Any) -> None:
        try:
            parsed = obj if isinstance(obj, Reject) else parse_sync_record(obj, position)
            if isinstance(parsed, Reject):
                self.reject(parsed, None if isinstance(obj, Reject) else obj)
                return
            record = self._build(parsed)
        except UNFORESEEN as error:  # a value no check foresaw must cost its record only
            self.reject(Reject(position, "", unforeseen(error)), obj)
            return
        if isinstance(record, Reject):
            self.reject(record, obj)
            return
        if parsed.code in self.pending:  # the same MaHoSo twice: the later one updates the earlier
            self.flush()
        self.pending[parsed.code] = (parsed, record)
        if len(self.pending) >= self.batch_size:
            self.flush()

    def reject(self, reject: Reject, obj: Any) -> None:
        self.summary.rejected += 1
        if len(self.summary.sample_rejects) < SAMPLE_REJECTS:
            self.summary.sample_rejects.append(
                {"position": reject.position, "field": reject.field, "reason": reject.reason}
            )
        if self.on_reject is not None:
            self.on_reject(reject, obj)

    def _build(self, parsed: ParsedRecord) -> fastpath.Row | Reject:
        """The Record columns the import sets (attnames), without a model instance (an import
        builds millions)."""
        agency = self._agency(parsed)
        if isinstance(agency, Reject):
            return agency
        procedure = self._procedure(parsed)
        if isinstance(procedure, Reject):
            return procedure
        values = parsed.values
        rule_set = self._rule_set(timezone.localtime(values["received_at"] or values["submitted_at"]).date())
        row: fastpath.Row = {
            "code": parsed.code,
            "procedure_id": procedure.pk,
            "agency_id": agency.pk,
            "receiving_agency_id": agency.pk,
            "unit_id": agency.unit_id,
            "receiving_unit_id": agency.unit_id,
            "rule_set": rule_set,
            "source_system": self.source_system,
            "imported_at": self.now,
            **values,
        }
        # What the mapping and the search text read of a record, without building one.
        view = cast(Record, SimpleNamespace(**row, procedure=procedure, agency=agency))
        row["search_text"] = record_search_text(view)
        row["extra"] = mapping.source_extra(parsed, view)
        row["sync_kept"] = mapping.kept_text(row["extra"])
        if parsed.unknown:
            self.summary.unknown_fields.update(parsed.unknown.keys())
        return row

    def _rule_set(self, day: dt.date) -> str:
        if day not in self.rule_sets:
            try:
                self.rule_sets[day] = rules_at(day).code
            except NoRuleSet:
                self.rule_sets[day] = ""
        return self.rule_sets[day]

    def _agency(self, parsed: ParsedRecord) -> Agency | Reject:
        code = parsed.agency_code
        if code not in self.agencies:
            self.agencies[code] = Agency.objects.select_related("unit").filter(code=code).first()
        agency = self.agencies[code]
        if agency is not None:
            return agency
        if not self.create_missing:
            self.summary.missing[f"agency:{code}"] += 1
            return Reject(
                parsed.position,
                "MaHoSo",
                f"motcua chưa có cơ quan mã định danh “{code}” (tiền tố của mã hồ sơ); "
                "thêm cơ quan hoặc nhập lại với --create-missing.",
            )
        try:
            validate_agency_code(code)
        except ValidationError as error:
            return Reject(parsed.position, "MaHoSo", " ".join(error.messages))
        province = _province_for(code)
        if province is None:
            return Reject(parsed.position, "MaHoSo", f"Không xác định được tỉnh để tạo cơ quan “{code}”.")
        name = nfc(str(parsed.source.get("DonViXuLy") or code))[:255]
        with transaction.atomic():
            agency = Agency.objects.create(code=code, name=name, kind=AgencyKind.OTHER, unit=province)
            self._note(CreatedByImport.Kind.AGENCY, code, name)
        self.agencies[code] = agency
        return agency

    def _procedure(self, parsed: ParsedRecord) -> Procedure | Reject:
        code = parsed.procedure_code
        if code not in self.procedures:
            self.procedures[code] = Procedure.objects.select_related("field").filter(code=code).first()
        procedure = self.procedures[code]
        if procedure is not None:
            return procedure
        if not self.create_missing:
            self.summary.missing[f"procedure:{code}"] += 1
            return Reject(
                parsed.position,
                "MaTTHC",
                f"motcua chưa có thủ tục mã “{code}” trong danh mục; "
                "thêm vào danh mục hoặc nhập lại với --create-missing.",
            )
        source = parsed.source
        name = nfc(str(source.get("TenTTHC") or code))[:500]
        note = UNVERIFIED_NOTE.format(source=self.source_system, file=self.run.source_name)
        with transaction.atomic():
            procedure = Procedure(
                code=code,
                local_code_suffix=parsed.procedure_suffix[:40],
                name=name,
                field=_field_for(source),
                confidence=Confidence.UNCHECKED,
                notes=note,
            )
            procedure_refresh_search_text(procedure=procedure)
            procedure.save()
            self._note(CreatedByImport.Kind.PROCEDURE, code, name)
        self.procedures[code] = procedure
        return procedure

    def _note(self, kind: str, code: str, name: str) -> None:
        note = UNVERIFIED_NOTE.format(source=self.source_system, file=self.run.source_name)
        CreatedByImport.objects.create(kind=kind, code=code, name=name, note=note, run=self.run)
        self.summary.created.append(f"{kind}:{code}")

    # --- one batch ---

    def flush(self) -> None:
        batch, self.pending = list(self.pending.values()), {}
        if not batch:
            return
        rejects: list[Reject] = []
        try:
            with transaction.atomic():
                counts = self._write(batch, rejects)
        except (DatabaseError, *UNFORESEEN):
            # Something the checks did not foresee: retry one by one, so that only the bad
            # record is refused and the batch's good ones still go in.
            counts, rejects = Counter(), []
            for one in batch:
                try:
                    with transaction.atomic():
                        counts.update(self._write([one], rejects))
                except DatabaseError as error:
                    self.reject(
                        Reject(one[0].position, "", f"Cơ sở dữ liệu từ chối hồ sơ: {error}"), one[0].source
                    )
                except UNFORESEEN as error:
                    self.reject(Reject(one[0].position, "", unforeseen(error)), one[0].source)
        sources = {parsed.position: parsed.source for parsed, _ in batch}
        for reject in rejects:
            self.reject(reject, sources.get(reject.position))
        self.summary.added += counts["added"]
        self.summary.updated += counts["updated"]
        self.summary.unchanged += counts["unchanged"]

    def _write(self, batch: list[tuple[ParsedRecord, fastpath.Row]], rejects: list[Reject]) -> Counter[str]:
        if self.copier is None:
            return self._write_orm(batch, rejects)
        return self._write_copy(batch, rejects, self.copier)

    def _write_copy(
        self,
        batch: list[tuple[ParsedRecord, fastpath.Row]],
        rejects: list[Reject],
        copier: fastpath.RecordCopier,
    ) -> Counter[str]:
        """New records and unchanged ones as plain rows; the rest through `_write_orm`."""
        counts: Counter[str] = Counter()
        existing = fastpath.existing([parsed.code for parsed, _ in batch], IMPORT_FIELDS)
        new = [(parsed, row) for parsed, row in batch if parsed.code not in existing]
        others = [(parsed, row) for parsed, row in batch if parsed.code in existing]
        if others:
            history = fastpath.history_of(
                [existing[p.code][0] for p, _ in others if existing[p.code][1]],
                mapping.SYNC_HISTORY,
                _canonical,
            )
            rest = []
            for parsed, row in others:
                pk, source_system, *old = existing[parsed.code]
                seen = history.get(pk, set())
                if (
                    source_system
                    and old == [row[f] for f in IMPORT_FIELDS]
                    and all(_canonical(h.item) in seen for h in parsed.history)
                ):
                    counts["unchanged"] += 1
                else:
                    rest.append((parsed, row))
            if rest:
                counts.update(self._write_orm(rest, rejects))
        if new:
            ids = copier.reserve_ids(len(new))
            copier.copy_records([(pk, row) for pk, (_, row) in zip(ids, new, strict=True)])
            events: list[tuple[Any, ...]] = []
            for pk, (parsed, _) in zip(ids, new, strict=True):
                events.extend(self._history_events(pk, parsed.history, ""))
            copier.copy_events(events)
            counts["added"] += len(new)
        return counts

    def _write_orm(
        self, rows: list[tuple[ParsedRecord, fastpath.Row]], rejects: list[Reject]
    ) -> Counter[str]:
        batch = [(parsed, Record(**row)) for parsed, row in rows]
        counts: Counter[str] = Counter()
        existing = {
            r.code: r
            for r in Record.objects.select_related("procedure__field", "agency").filter(
                code__in=[parsed.code for parsed, _ in batch]
            )
        }
        history: dict[int, set[str]] = defaultdict(set)
        imported_ids = [r.pk for r in existing.values() if r.source_system]
        if imported_ids:
            for record_id, detail in RecordEvent.objects.filter(
                record_id__in=imported_ids, action=mapping.SYNC_HISTORY
            ).values_list("record_id", "detail"):
                history[record_id].add(_canonical(detail.get("item")))
        new: list[tuple[ParsedRecord, Record]] = []
        changed: list[Record] = []
        events: list[tuple[Any, ...]] = []
        for parsed, record in batch:
            old = existing.get(parsed.code)
            if old is None:
                new.append((parsed, record))
            elif not old.source_system:
                # motcua's own record: motcua holds the truth, an import never overwrites it.
                if record_to_sync(old) == parsed.source:
                    counts["unchanged"] += 1
                else:
                    rejects.append(
                        Reject(
                            parsed.position,
                            "MaHoSo",
                            f"Hồ sơ {parsed.code} do motcua lập; không ghi đè bằng dữ liệu nhập.",
                        )
                    )
            else:
                fields = [f for f in IMPORT_FIELDS if getattr(old, f) != getattr(record, f)]
                seen = history[old.pk]
                added_items = [h for h in parsed.history if _canonical(h.item) not in seen]
                if not fields and not added_items:
                    counts["unchanged"] += 1
                    continue
                from_state = old.state
                for name in fields:
                    setattr(old, name, getattr(record, name))
                old.sync_kept = record.sync_kept  # follows `extra` (not compared: derived from it)
                old.imported_at, old.version = self.now, old.version + 1
                changed.append(old)
                events.extend(self._history_events(old.pk, added_items, from_state))
                events.append(
                    (
                        old.pk,
                        self.now,
                        None,
                        mapping.IMPORTED_UPDATE,
                        from_state,
                        str(old.state),
                        "Cập nhật từ hồ sơ đồng bộ",
                        "",
                        None,
                        "",
                        {
                            "source": self.source_system,
                            "file": self.run.source_name,
                            "changed": [f.removesuffix("_id") for f in fields]
                            + ([mapping.HISTORY_FIELD] if added_items else []),
                        },
                    )
                )
                counts["updated"] += 1
        if new:
            insert_rows(Record, [record for _, record in new], with_ids=True)
            for parsed, record in new:
                events.extend(self._history_events(record.pk, parsed.history, ""))
            counts["added"] += len(new)
        if changed:
            Record.objects.bulk_update(changed, [*IMPORT_FIELDS, "sync_kept", "imported_at", "version"])
        insert_tuples(RecordEvent, EVENT_COLUMNS, events)
        return counts

    def _history_events(
        self, record_id: int, items: list[mapping.HistoryItem], from_state: str
    ) -> list[tuple[Any, ...]]:
        """Rows of `EVENT_COLUMNS`: the source's history, actor none (the person is in the item)."""
        out = []
        for item in items:
            out.append(
                (
                    record_id,
                    item.at,
                    None,
                    mapping.SYNC_HISTORY,
                    from_state,
                    str(item.to_state),
                    item.reason,
                    "",
                    item.due_at,
                    mapping.item_text(item.item),
                    {"source": self.source_system, "item": item.item},
                )
            )
            from_state = item.to_state
        return out


def _province_for(agency_code: str) -> AdministrativeUnit | None:
    """The province of an agency code: that of a known agency with the same first segment
    (H56 …), else the only province motcua has."""
    prefix = agency_code.split(".")[0]
    known = Agency.objects.select_related("unit").filter(code__startswith=f"{prefix}.").first()
    unit = known.unit if known else None
    while unit is not None and unit.level != UnitLevel.PROVINCE:
        unit = unit.parent
    if unit is not None:
        return unit
    provinces = list(AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE, valid_to__isnull=True)[:2])
    return provinces[0] if len(provinces) == 1 else None


def _field_for(source: dict[str, Any]) -> Field:
    name = nfc(str(source.get("TenLinhVuc") or "").strip())[:255]
    code = str(source.get("MaLinhVuc") or "").strip()
    found = (Field.objects.filter(name=name).first() if name else None) or (
        Field.objects.filter(code=code).first() if code else None
    )
    if found is not None:
        return found
    from django.utils.text import slugify

    slug = slugify(code or name)[:100] or "chua-phan-loai"
    field_obj, _ = Field.objects.get_or_create(
        code=slug, defaults={"name": name or "Chưa phân loại (nhập từ hồ sơ đồng bộ)"}
    )
    return field_obj
