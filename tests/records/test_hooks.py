"""Other packages hear of every record change, except while a bulk writer suspends them."""

import pytest

from motcua.records import hooks
from motcua.records.services import record_intake_at_counter
from tests.records.conftest import local


def codes(heard):
    """The records heard of, in order (an intake at the counter is two events: submit, receive)."""
    return list(dict.fromkeys(code for code, _action in heard))


@pytest.fixture
def heard():
    changes = []

    def listen(record, event):
        changes.append((record.code, event.action))

    hooks.register_in_transaction(listen)
    yield changes
    hooks._in_transaction.remove(listen)


def test_a_change_is_heard_in_its_transaction_unless_suspended(heard, procedure, van_hung, staff, applicant):
    def intake():
        return record_intake_at_counter(
            procedure=procedure,
            agency=van_hung,
            applicant=applicant,
            actor=staff["desk"],
            at=local(2026, 3, 6, 10),
        )

    first = intake()
    assert codes(heard) == [first.code]

    with hooks.suspended():
        intake()
    assert codes(heard) == [first.code]  # nothing while suspended

    again = intake()
    assert codes(heard) == [first.code, again.code]
