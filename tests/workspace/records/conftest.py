import pytest

from tests.records.conftest import applicant, local, procedure, province, staff, van_hung, van_thang  # noqa: F401


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def desk_client(client, staff):  # noqa: F811 - the fixture, by name
    client.force_login(staff["desk"])
    return client


@pytest.fixture(autouse=True)
def _procedure_offered(request):
    """Counter intake takes only a procedure the agency offers: the test procedure is offered
    (open-ended) by the test communes the test uses."""
    from tests.factories import OfferingFactory

    if "procedure" not in request.fixturenames:
        return
    offered = request.getfixturevalue("procedure")
    for name in ("van_hung", "van_thang"):
        if name in request.fixturenames:
            OfferingFactory(procedure=offered, agency=request.getfixturevalue(name), valid_from=None)
