"""Errors a record service raises. Each has a stable `code` (the API's problem type), an HTTP
status, and a Vietnamese message for the officer."""

from .lifecycle import TransitionError


class RecordConflict(TransitionError):
    code = "conflict"
    status = 409


class InvalidRecordInput(TransitionError):
    status = 400

    def __init__(self, message: str, *, code: str = "invalid", field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.field = field


class RecordNotVisible(TransitionError):
    """Another unit's record: answered as 'not found', so its existence does not leak."""

    code = "not-found"
    status = 404
