"""Record search by part of a name or code, diacritics-insensitive, only within the viewer's
scope — the same answers on SQLite (a scan) and PostgreSQL (the scoped trigram index, 0006)."""

import pytest
from django.db import connection

from motcua.records.lifecycle import Action
from motcua.records.selectors import record_search, search_trigrams
from motcua.records.services import Applicant, record_submit

from .conftest import local

NAMES_VAN_HUNG = ["Nguyễn Thị Hương", "Nguyễn Thị Phương", "Lê Minh Tuấn", "Trần Văn Lê", "Võ Đức Thắng"]
ONLINE = Action.SUBMIT_ONLINE
NAMES_VAN_THANG = ["Nguyễn Thị Hương", "Lê Minh Tuấn"]


@pytest.fixture
def world(procedure, van_hung, van_thang, staff):
    made = {}
    for i, name in enumerate(NAMES_VAN_HUNG):
        made[("hung", name)] = record_submit(
            procedure=procedure,
            agency=van_hung,
            applicant=Applicant(name=name),
            action=ONLINE,
            at=local(2026, 3, 2, 8, i),
        )
    for i, name in enumerate(NAMES_VAN_THANG):
        made[("thang", name)] = record_submit(
            procedure=procedure,
            agency=van_thang,
            applicant=Applicant(name=name),
            action=ONLINE,
            at=local(2026, 3, 2, 9, i),
        )
    # Received at Vạn Hưng's counter for Vạn Thắng (phi địa giới): Vạn Hưng sees it too.
    made[("both", "Phạm Thị Hương")] = record_submit(
        procedure=procedure,
        agency=van_thang,
        receiving_agency=van_hung,
        applicant=Applicant(name="Phạm Thị Hương"),
        action=ONLINE,
        at=local(2026, 3, 2, 10, 0),
    )
    return made


def _names(viewer, query):
    return [r.applicant_name for r in record_search(viewer, query)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # newest first; Vạn Thắng's own "Nguyễn Thị Hương" stays hidden
        ("thi huong", ["Phạm Thị Hương", "Nguyễn Thị Hương"]),
        ("Nguyễn Thị", ["Nguyễn Thị Phương", "Nguyễn Thị Hương"]),
        ("uyen thi h", ["Nguyễn Thị Hương"]),  # parts of words at both ends
        ("le minh", ["Lê Minh Tuấn"]),  # a two-letter word
        ("van le", ["Trần Văn Lê"]),
        ("LÊ", ["Trần Văn Lê", "Lê Minh Tuấn"]),  # no trigram at all: still found
        ("vo duc thang", ["Võ Đức Thắng"]),
        ("huong", ["Phạm Thị Hương", "Nguyễn Thị Phương", "Nguyễn Thị Hương"]),
        ("minh tuan x", []),
    ],
)
def test_search_by_part_of_a_name_within_scope(world, staff, query, expected):
    assert _names(staff["desk"], query) == expected


def test_search_by_part_of_a_code(world, staff):
    record = world[("hung", "Lê Minh Tuấn")]
    part = record.code.split("-", 1)[1]  # "260302-0003": date and sequence, not the agency
    assert [r.code for r in record_search(staff["desk"], part)] == [record.code]


def test_another_communes_officer_sees_only_their_records(world, van_thang):
    from motcua.accounts.models import Role
    from tests.factories import UserFactory, grant

    desk = UserFactory(username="vanthang.desk")
    grant(desk, Role.DESK_OFFICER, van_thang.unit)
    assert _names(desk, "thi huong") == ["Phạm Thị Hương", "Nguyễn Thị Hương"]
    assert _names(desk, "phuong") == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the scoped index is PostgreSQL's")
def test_postgresql_uses_the_scoped_index_for_a_commune_officer(world, staff):
    sql = str(record_search(staff["desk"], "thi huong").query)
    assert "record_scoped_trigrams" in sql and "@>" in sql


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("nguyen", ["guy", "ngu", "uye", "yen"]),
        ("le minh", ["inh", "le ", "min"]),  # "le" ends a word, so "le " is certain
        ("x le minh", [" le", "inh", "le ", "min"]),  # inside: starts and ends a word
        ("01-2603", ["01 ", "260", "603"]),
        ("le", []),  # may be part of any word: nothing certain
        ("ăn", []),  # not ASCII: pg_trgm would hash it
    ],
)
def test_search_trigrams_are_only_the_certain_ones(key, expected):
    assert search_trigrams(key) == expected


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the scoped index is PostgreSQL's")
@pytest.mark.django_db
def test_the_scoped_tokens_are_the_indexs_tokens_as_first_defined():
    """records 0010 rewrote the token function without rebuilding the index: it must give the
    same set of tokens as 0007's for every row, or searches would miss rows indexed before."""
    from importlib import import_module

    first = import_module("motcua.records.migrations.0007_search_scoped_trigrams").FUNCTION
    rows = [
        (7, 7, "H56.57.01-260302-0001 nguyen thi huong 056190001234"),
        (7, 9, "ma-01 le van a"),  # received in another unit: both units' tokens
        (7, 7, ""),
        (7, 9, "!! -- !!"),  # no trigram at all
        (7, None, "le van a"),  # NULLs: no tokens (the function is strict)
        (None, 7, "le van a"),
        (7, 7, None),
        (12, 12, "x"),
    ]
    with connection.cursor() as cursor:
        cursor.execute(first.replace("FUNCTION record_scoped_trigrams", "FUNCTION pg_temp.first_tokens"))
        for unit, receiving, text in rows:
            cursor.execute(
                "SELECT record_scoped_trigrams(%s, %s, %s), pg_temp.first_tokens(%s, %s, %s)",
                [unit, receiving, text] * 2,
            )
            now, before = cursor.fetchone()
            assert (sorted(now) if now is not None else None) == (
                sorted(before) if before is not None else None
            )
            if unit and receiving and text and text.strip("!- "):
                assert now  # not trivially equal: there are tokens
