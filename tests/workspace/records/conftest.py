import pytest

from tests.records.conftest import applicant, local, procedure, province, staff, van_hung, van_thang  # noqa: F401


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def desk_client(client, staff):  # noqa: F811 - the fixture, by name
    client.force_login(staff["desk"])
    return client
