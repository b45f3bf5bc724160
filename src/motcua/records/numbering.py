"""Record codes: agency e-ID + receipt date (yymmdd) + daily sequence (NĐ 118 Điều 28).

The sequence is bumped by one atomic upsert inside the intake transaction: concurrent intakes
serialise on the counter row, and a rolled-back intake rolls its number back, so codes have
neither duplicates nor gaps.
"""

import datetime as dt

from django.db import connection

from .models import RecordCodeCounter

SEQUENCE_WIDTH = 4


def format_record_code(*, agency_code: str, day: dt.date, sequence: int) -> str:
    return f"{agency_code}-{day:%y%m%d}-{sequence:0{SEQUENCE_WIDTH}d}"


def next_sequence(*, agency_code: str, day: dt.date) -> int:
    """Must run inside the transaction that creates the record."""
    table = connection.ops.quote_name(RecordCodeCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_code, day, last) VALUES (%s, %s, 1) "
            f"ON CONFLICT (agency_code, day) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [agency_code, day],
        )
        (value,) = cursor.fetchone()
    return int(value)


def next_record_code(*, agency_code: str, day: dt.date) -> str:
    return format_record_code(
        agency_code=agency_code, day=day, sequence=next_sequence(agency_code=agency_code, day=day)
    )


def reserve_sequence(*, agency_code: str, day: dt.date, sequence: int) -> None:
    """A code given elsewhere (a national-portal dossier) takes its number out of the agency's
    daily sequence, so that motcua never hands the same code out again. Inside the transaction."""
    table = connection.ops.quote_name(RecordCodeCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_code, day, last) VALUES (%s, %s, %s) "
            f"ON CONFLICT (agency_code, day) DO UPDATE SET last = CASE WHEN {table}.last < excluded.last "
            f"THEN excluded.last ELSE {table}.last END",
            [agency_code, day, sequence],
        )
