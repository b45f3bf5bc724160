"""The index counts a period's records that are still open, or ended in the judging moment's month
or later, straight from records (metrics.counting; older ends come from metrics' rollups). These
indexes find that small remainder per unit (or agency) without walking the period's closed records:
PostgreSQL combines `ended_at IS NULL` and `ended_at >= cutoff` with a BitmapOr and filters the days
of receipt inside the index. Not in the model's Meta, like 0003: derived access paths only."""

from django.db import migrations

CREATE = [
    "CREATE INDEX IF NOT EXISTS record_unit_ended ON records_record (unit_id, ended_at, received_at)",
    "CREATE INDEX IF NOT EXISTS record_agency_ended ON records_record (agency_id, ended_at, received_at)",
]
DROP = [
    "DROP INDEX IF EXISTS record_unit_ended",
    "DROP INDEX IF EXISTS record_agency_ended",
]


class Migration(migrations.Migration):
    dependencies = [("records", "0005_online_intake_clock")]
    operations = [migrations.RunSQL(CREATE, DROP)]
