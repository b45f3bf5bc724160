from tests.exchange.portal_double import portal  # noqa: F401  (the national portal double)
from tests.records.conftest import (  # noqa: F401
    _fast_password_hashing,
    applicant,
    procedure,
    province,
    staff,
    van_hung,
    van_thang,
)
