"""Counter intake refuses a procedure the chosen agency does not offer today, with a clear message."""

from motcua.catalog.models import Offering
from motcua.records.models import Record, RecordAttachment

from .test_intake import _post


def test_procedure_not_offered_by_the_agency_is_refused_with_a_message(desk_client, procedure, van_hung):
    Offering.objects.filter(procedure=procedure, agency=van_hung).delete()
    response = _post(desk_client, procedure, van_hung)
    page = response.content.decode()
    assert response.status_code == 400
    assert "UBND xã Vạn Hưng không thực hiện thủ tục" in page and procedure.code in page
    assert not Record.objects.exists() and not RecordAttachment.objects.exists()
