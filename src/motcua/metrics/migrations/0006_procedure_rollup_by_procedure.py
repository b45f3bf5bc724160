"""A period's procedures per (unit, agency) read in that order from an index alone: a province's
running year sums ~35.000 (unit, agency, procedure, month) rows, which PostgreSQL hashed (~26 ms at
1.000.000 records); read in the index's order they are grouped as they come (~14 ms;
metrics.ranking). PostgreSQL only (INCLUDE); not in the model's Meta, like records 0003: a derived
access path."""

from django.db import migrations

INDEX = (
    "CREATE INDEX IF NOT EXISTS procedure_rollup_by_procedure ON metrics_procedurerollup "
    "(unit_id, agency_id, procedure_id, month) INCLUDE (online)"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INDEX)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS procedure_rollup_by_procedure")


class Migration(migrations.Migration):
    dependencies = [("metrics", "0005_index_snapshots")]
    operations = [migrations.RunPython(forwards, backwards)]
