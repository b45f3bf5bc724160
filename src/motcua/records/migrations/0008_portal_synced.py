"""`portal_synced_at` (DOSSIER_SYNC of the service index), and the access paths of the index's live
part: a period's records with a change on the judging day — received, ended, due or paused that
day (metrics.counting) — found per unit or agency with a BitmapOr over these indexes and the
existing record_unit_received / record_*_ended / due_at ones. Raw SQL like 0006: derived paths."""

from django.db import migrations, models

CREATE = [
    "CREATE INDEX IF NOT EXISTS record_agency_received ON records_record (agency_id, received_at)",
    "CREATE INDEX IF NOT EXISTS record_paused ON records_record (clock_paused_at)"
    " WHERE clock_paused_at IS NOT NULL",
]
DROP = [
    "DROP INDEX IF EXISTS record_agency_received",
    "DROP INDEX IF EXISTS record_paused",
]


class Migration(migrations.Migration):
    dependencies = [("records", "0007_search_scoped_trigrams")]
    operations = [
        migrations.AddField(
            model_name="record",
            name="portal_synced_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="thời điểm đồng bộ lên Cổng DVCQG"
            ),
        ),
        migrations.RunSQL(CREATE, DROP),
    ]
