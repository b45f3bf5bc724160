"""Name search scoped in the index (PostgreSQL only; SQLite scans, fine for a demo).

The global trigram index (0002) lists, for a common name such as "nguyen thi huong", every row of
the province holding each trigram ("ngu", "guy", "thi", …: hundreds of thousands each), and
intersecting those lists cost 40–90 ms whatever the officer's scope. Here each row's trigrams
are indexed once per unit that may see it (`unit:trigram`, for the processing and the receiving
unit), so a search in one commune reads only that commune's lists — ten to a hundred times
shorter. records.selectors.record_search asks for the tokens of the viewer's units (all units
for a province-wide viewer); the LIKE recheck keeps the exact "contains" meaning. The global
index is dropped: nothing else reads it, and each record write would otherwise maintain two
trigram indexes. Tokens compare in the "C" collation (bytes), the cheapest for the index.
(btree_gin, the alternative, would add a unit key but still read
the province-wide trigram lists.)"""

from django.db import migrations

# show_trgm gives each trigram once; a row seen by two units (received elsewhere) gets both sets.
FUNCTION = """
CREATE OR REPLACE FUNCTION record_scoped_trigrams(unit bigint, receiving bigint, txt text)
RETURNS text[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT CASE WHEN receiving = unit
        THEN ARRAY(SELECT unit::text || ':' || t FROM unnest(show_trgm(txt)) AS t)
        ELSE ARRAY(
            SELECT u::text || ':' || t FROM unnest(show_trgm(txt)) AS t, unnest(ARRAY[unit, receiving]) AS u
        )
    END
$$
"""
INDEX = (
    "CREATE INDEX IF NOT EXISTS record_search_scoped ON records_record "
    'USING gin ((record_scoped_trigrams(unit_id, receiving_unit_id, search_text)) COLLATE "C")'
)
GLOBAL = (
    "CREATE INDEX IF NOT EXISTS record_search_trgm ON records_record USING gin (search_text gin_trgm_ops)"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(FUNCTION)
    schema_editor.execute(INDEX)
    schema_editor.execute("DROP INDEX IF EXISTS record_search_trgm")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(GLOBAL)
    schema_editor.execute("DROP INDEX IF EXISTS record_search_scoped")
    schema_editor.execute("DROP FUNCTION IF EXISTS record_scoped_trigrams(bigint, bigint, text)")


class Migration(migrations.Migration):
    dependencies = [("records", "0006_index_live_counts")]
    operations = [migrations.RunPython(forwards, backwards)]
