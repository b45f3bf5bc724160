"""The officer's "in progress" and "overdue" boxes list open records by due date. With a million
records, PostgreSQL otherwise walks the plain due_at index from the oldest (long closed) records
and filters nearly all of them away (6 s per page in bench/bench_inbox_search.py); an index on
the due dates of open records only keeps that walk as short as the number of open records.
The states are selectors.PROCESSING_STATES."""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS record_open_due ON records_record (due_at) "
    "WHERE state IN ('received', 'in_progress')"
)
DROP = "DROP INDEX IF EXISTS record_open_due"


class Migration(migrations.Migration):
    dependencies = [("records", "0002_search_trigram")]
    operations = [migrations.RunSQL(CREATE, DROP)]
