import datetime as dt
import os
import subprocess
import sys
import textwrap

import pytest
from django.db import connection

from motcua.records.models import Record
from motcua.records.numbering import format_record_code, next_record_code

WORKER = textwrap.dedent(
    """
    import os, sys, django
    os.environ["DJANGO_SETTINGS_MODULE"] = "motcua.settings"
    django.setup()
    from motcua.accounts.models import User
    from motcua.catalog.models import Procedure
    from motcua.records.services import Applicant, record_intake_at_counter
    from motcua.units.models import Agency
    desk = User.objects.get(username=sys.argv[1])
    agency = Agency.objects.get(code=sys.argv[2])
    procedure = Procedure.objects.get(code=sys.argv[3])
    for i in range(int(sys.argv[4])):
        record_intake_at_counter(procedure=procedure, agency=agency, actor=desk,
                                 applicant=Applicant(name=f"Người nộp {os.getpid()} {i}"))
    """
)


def test_code_format_matches_the_national_example():
    assert format_record_code(agency_code="H15.50.05.13", day=dt.date(2026, 10, 8), sequence=975) == (
        "H15.50.05.13-261008-0975"
    )


def test_sequence_is_per_agency_and_day(db):
    day = dt.date(2026, 3, 2)
    assert next_record_code(agency_code="H56.1", day=day).endswith("-0001")
    assert next_record_code(agency_code="H56.1", day=day).endswith("-0002")
    assert next_record_code(agency_code="H56.2", day=day).endswith("-0001")
    assert next_record_code(agency_code="H56.1", day=dt.date(2026, 3, 3)).endswith("-0001")


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_intake_from_several_processes_has_no_duplicate_and_no_gap(procedure, van_hung, staff):
    settings = connection.settings_dict
    url = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
    processes, per_process = 4, 15
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                WORKER,
                staff["desk"].username,
                van_hung.code,
                procedure.code,
                str(per_process),
            ],
            env={**os.environ, "DATABASE_URL": url},
        )
        for _ in range(processes)
    ]
    assert [w.wait(timeout=300) for w in workers] == [0] * processes
    codes = sorted(Record.objects.values_list("code", flat=True))
    sequences = sorted(int(code.rsplit("-", 1)[1]) for code in codes)
    assert len(set(codes)) == len(codes) == processes * per_process
    # One day, one agency: 1..N with nothing skipped (all intakes ran today).
    assert sequences == list(range(1, processes * per_process + 1))
