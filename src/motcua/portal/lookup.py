"""The citizens' record lookup (no login): the code on the receipt and the applicant's ID or phone
number; what the record is waiting for, in plain words, and its history as the applicant knows it."""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from motcua.core.client import client_address
from motcua.records import public_lookup
from motcua.records.lifecycle import State
from motcua.records.models import Record
from motcua.records.timeliness import Timeliness
from motcua.records.verdicts import record_timeliness


class LookupForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Mã hồ sơ"),
        max_length=100,
        help_text=gettext_lazy(
            "In ở đầu Giấy tiếp nhận hồ sơ và hẹn trả kết quả, ví dụ H56.22525-251201-0001."
        ),
    )
    proof = forms.CharField(
        label=gettext_lazy("Số định danh cá nhân hoặc số điện thoại"),
        max_length=100,
        help_text=gettext_lazy(
            "Số đã khai khi nộp hồ sơ: số định danh (CCCD) của người nộp, hoặc số điện thoại."
        ),
    )


@dataclass(frozen=True)
class Situation:
    """What the record waits for, said to the applicant: a headline, what to do, a tone."""

    headline: str
    advice: str
    tone: str  # "ok", "wait", "act", "bad"


def situation(record: Record, timeliness: Timeliness) -> Situation:
    state = State(record.state)
    place = record.receiving_agency.name
    if state == State.SUBMITTED:
        return Situation(_("Hồ sơ đã nộp, đang chờ cán bộ kiểm tra và tiếp nhận."), "", "wait")
    if state in (State.INTAKE_SUPPLEMENT, State.SUPPLEMENT):
        return Situation(
            _("Hồ sơ cần bổ sung, hoàn thiện."),
            _(
                "Vui lòng nộp bổ sung các giấy tờ nêu dưới đây tại %(place)s. "
                "Ngày hẹn trả kết quả mới được tính khi nhận đủ hồ sơ bổ sung."
            )
            % {"place": place},
            "act",
        )
    if state == State.REFUSED:
        return Situation(
            _("Hồ sơ không được tiếp nhận."), _("Lý do được ghi ở quá trình xử lý bên dưới."), "bad"
        )
    if state in (State.RECEIVED, State.IN_PROGRESS):
        if timeliness == Timeliness.OVERDUE:
            return Situation(
                _("Hồ sơ đang được giải quyết và đã quá ngày hẹn trả kết quả."),
                _("Ông/bà có thể liên hệ %(place)s để được trả lời.") % {"place": place},
                "bad",
            )
        return Situation(_("Hồ sơ đang được giải quyết."), "", "wait")
    if state == State.RESOLVED:
        advice = _("Mời ông/bà đến nhận kết quả tại %(place)s.") % {"place": place}
        if record.approved is False:
            return Situation(_("Cơ quan đã từ chối giải quyết hồ sơ."), advice, "bad")
        return Situation(_("Đã có kết quả giải quyết."), advice, "ok")
    if state == State.RETURNED:
        return Situation(_("Đã trả kết quả."), "", "ok")
    if state == State.CLOSED:
        return Situation(_("Hồ sơ đã đóng vì không nhận được hồ sơ bổ sung trong thời hạn."), "", "bad")
    if state == State.STOPPED:
        return Situation(
            _("Cơ quan đã dừng giải quyết hồ sơ."), _("Lý do được ghi ở quá trình xử lý bên dưới."), "bad"
        )
    return Situation(_("Hồ sơ đã được rút theo yêu cầu của người nộp."), "", "bad")


@never_cache
def record_lookup(request: HttpRequest) -> HttpResponse:
    """GET shows the form; POST looks up (the proof stays out of URLs, logs and history)."""
    now = timezone.now()
    if request.method != "POST":
        return render(request, "portal/record_lookup.html", {"form": LookupForm()})
    form = LookupForm(request.POST)
    context: dict[str, Any] = {"form": form}
    if public_lookup.refused(client_address(request), now):
        context["refused"] = True
        return render(request, "portal/record_lookup.html", context, status=429)
    if not form.is_valid():
        return render(request, "portal/record_lookup.html", context, status=400)
    record = public_lookup.find_for_applicant(
        code=form.cleaned_data["code"],
        proof=form.cleaned_data["proof"],
        client=client_address(request),
        now=now,
    )
    if record is None:
        context["not_found"] = True
        return render(request, "portal/record_lookup.html", context, status=404)
    timeliness = record_timeliness(record, now)
    context.update(
        record=record,
        state_label=State(record.state).label,
        timeliness=timeliness,
        situation=situation(record, timeliness),
        # While a supplement is awaited the old appointment no longer holds: a new one is set on receipt.
        waiting_for_applicant=record.state in (State.INTAKE_SUPPLEMENT, State.SUPPLEMENT),
        history=public_lookup.public_history(record),
        form=LookupForm(),
    )
    return render(request, "portal/record_lookup.html", context)
