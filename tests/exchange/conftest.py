from tests.records.conftest import (  # noqa: F401
    _fast_password_hashing,
    applicant,
    procedure,
    province,
    staff,
    van_hung,
    van_thang,
)
