"""records.sync: the first moment the national portal had a record is kept; imports from the
portal count as on it since their import."""

import datetime as dt

from motcua.records.models import Record
from motcua.records.sync import record_mark_portal_synced, records_mark_imported_from_portal
from tests.factories import AgencyFactory, ProcedureFactory

FIRST = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


def RecordFactory(**facts) -> Record:
    agency = AgencyFactory()
    return Record.objects.create(
        code=f"TEST-{Record.objects.count() + 1}",
        procedure=ProcedureFactory(),
        agency=agency,
        receiving_agency=agency,
        unit=agency.unit,
        receiving_unit=agency.unit,
        state="in_progress",
        applicant_name="Phạm Thị Lan",
        submitted_at=FIRST,
        received_at=FIRST,
        rule_set="nd118-2025",
        **facts,
    )


def test_the_first_sync_is_kept(db):
    record = RecordFactory()
    assert record_mark_portal_synced(record_ids=[record.pk], at=FIRST) == [record.pk]
    assert record_mark_portal_synced(record_ids=[record.pk], at=FIRST + dt.timedelta(days=1)) == []
    record.refresh_from_db()
    assert record.portal_synced_at == FIRST


def test_records_imported_from_the_portal_are_on_it(db):
    imported = RecordFactory(source_system="dvcqg", imported_at=FIRST)
    other = RecordFactory(source_system="igate", imported_at=FIRST)
    own = RecordFactory()
    assert records_mark_imported_from_portal() == 1
    synced = dict(Record.objects.values_list("pk", "portal_synced_at"))
    assert synced == {imported.pk: FIRST, other.pk: None, own.pk: None}
