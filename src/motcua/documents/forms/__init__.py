"""The national forms (TT 03/2025/TT-VPCP Mẫu 01–07): content dataclasses and PDF rendering."""

from motcua.documents.forms.content import (
    Apology,
    Applicant,
    Component,
    ControlSheet,
    Fee,
    Handover,
    IntakeRefusal,
    Issuer,
    Paper,
    Receipt,
    Register,
    RegisterRow,
    StopNotice,
    SupplementItem,
    SupplementRequest,
    Timeliness,
    timeliness,
)
from motcua.documents.forms.render import render_form, render_html

__all__ = [
    "Apology",
    "Applicant",
    "Component",
    "ControlSheet",
    "Fee",
    "Handover",
    "IntakeRefusal",
    "Issuer",
    "Paper",
    "Receipt",
    "Register",
    "RegisterRow",
    "StopNotice",
    "SupplementItem",
    "SupplementRequest",
    "Timeliness",
    "render_form",
    "render_html",
    "timeliness",
]
