"""The API refuses a record for a procedure the agency does not offer today: problem details with
the stable code `procedure-not-offered`, nothing written."""

import datetime as dt

from django.utils import timezone

from motcua.catalog.models import Offering
from motcua.records.models import Record

from .conftest import assert_problem, create_body, rows

URL = "/api/v1/records/"


def test_procedure_not_offered_by_the_agency_is_refused(desk, procedure, van_hung):
    Offering.objects.filter(procedure=procedure, agency=van_hung).delete()
    before = rows()
    for receive, channel in ((True, "counter"), (False, "online")):
        response = desk.post(
            URL, create_body(procedure, van_hung, receive=receive, channel=channel), format="json"
        )
        body = assert_problem(response, 422, "procedure-not-offered")
        assert procedure.code in body["detail"] and "Vạn Hưng" in body["detail"]
        assert "procedure" in body["errors"]
    assert rows() == before


def test_offering_that_ended_yesterday_is_refused_and_today_is_taken(desk, procedure, van_hung):
    today = timezone.localdate()
    offering = Offering.objects.get(procedure=procedure, agency=van_hung)
    offering.valid_to = today - dt.timedelta(days=1)
    offering.save()
    assert_problem(
        desk.post(URL, create_body(procedure, van_hung), format="json"), 422, "procedure-not-offered"
    )
    offering.valid_to = today  # the last day still counts
    offering.save()
    response = desk.post(URL, create_body(procedure, van_hung), format="json")
    assert response.status_code == 201, response.content
    assert Record.objects.count() == 1
