from tests.records.conftest import _fast_password_hashing, applicant, procedure, province, van_hung  # noqa: F401
