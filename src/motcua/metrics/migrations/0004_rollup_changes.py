"""The index's record rollup as changes by day and by month (metrics.rollups): open records are
summed too, not counted from records. The old table is dropped, not converted; `motcua index
rebuild` (or the next import / demo) fills the new ones."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("metrics", "0003_record_rollups")]

    operations = [
        migrations.DeleteModel(name="RecordRollup"),
        migrations.CreateModel(
            name="RecordRollup",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("unit_id", models.BigIntegerField()),
                ("agency_id", models.BigIntegerField()),
                ("received_on", models.DateField()),
                ("received", models.IntegerField(default=0)),
                ("on_time", models.IntegerField(default=0)),
                ("online", models.IntegerField(default=0)),
                ("fee_bearing", models.IntegerField(default=0)),
                ("paid_online", models.IntegerField(default=0)),
                ("resolved", models.IntegerField(default=0)),
                ("e_result", models.IntegerField(default=0)),
                ("digitized", models.IntegerField(default=0)),
                ("reuse_eligible", models.IntegerField(default=0)),
                ("reused", models.IntegerField(default=0)),
                ("population_db", models.IntegerField(default=0)),
                ("portal_synced", models.IntegerField(default=0)),
                ("data_store", models.IntegerField(default=0)),
                ("grain", models.CharField(max_length=2)),
                ("on", models.DateField()),
            ],
            options={
                "indexes": [
                    models.Index(fields=["grain", "on", "unit_id"], name="record_rollup_grain_on"),
                    models.Index(fields=["grain", "received_on", "on"], name="record_rollup_grain_received"),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("grain", "unit_id", "received_on", "agency_id", "on"),
                        name="record_rollup_grain_key",
                    )
                ],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="RecordRollupDay",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("unit_id", models.BigIntegerField()),
                ("agency_id", models.BigIntegerField()),
                ("received_on", models.DateField()),
                ("received", models.IntegerField(default=0)),
                ("on_time", models.IntegerField(default=0)),
                ("online", models.IntegerField(default=0)),
                ("fee_bearing", models.IntegerField(default=0)),
                ("paid_online", models.IntegerField(default=0)),
                ("resolved", models.IntegerField(default=0)),
                ("e_result", models.IntegerField(default=0)),
                ("digitized", models.IntegerField(default=0)),
                ("reuse_eligible", models.IntegerField(default=0)),
                ("reused", models.IntegerField(default=0)),
                ("population_db", models.IntegerField(default=0)),
                ("portal_synced", models.IntegerField(default=0)),
                ("data_store", models.IntegerField(default=0)),
                ("day", models.DateField()),
            ],
            options={
                "indexes": [models.Index(fields=["day", "unit_id"], name="record_rollup_day_on")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("unit_id", "received_on", "agency_id", "day"), name="record_rollup_day_key"
                    )
                ],
                "abstract": False,
            },
        ),
    ]
