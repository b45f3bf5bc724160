"""The national forms as PDFs: one per record and form (Mẫu 01–06), and the register (Mẫu 07).

Thin: the record comes from the viewer's scope (outside it: 404), `records.paperwork` fills the
paper from what really happened, `documents.forms` renders it."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from motcua.accounts.permissions import Permission
from motcua.accounts.scope import can
from motcua.documents.forms import render_form
from motcua.records.lifecycle import Form
from motcua.records.paperwork import (
    RECORD_FORMS,
    FormNotIssued,
    InvalidPeriod,
    form_content,
    register_content,
)
from motcua.records.selectors import visible_records
from motcua.units.models import Agency


def _refuse(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    return render(
        request, "workspace/form_unavailable.html", {"title": title, "message": message}, status=status
    )


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_required
@require_GET
def record_form(request: HttpRequest, pk: int, form: str) -> HttpResponse:
    record = visible_records(request.user).filter(pk=pk).first()
    if record is None:  # absent or another commune's: the same answer, so nothing leaks
        return _refuse(
            request, 404, _("Không tìm thấy hồ sơ"), _("Không tìm thấy hồ sơ này trong các đơn vị của bạn.")
        )
    if form not in {f.value for f in RECORD_FORMS}:
        return _refuse(
            request, 404, _("Không có biểu mẫu này"), _("Chỉ có Mẫu 01 đến Mẫu 06 cho từng hồ sơ.")
        )
    try:
        paper = form_content(record, Form(form))
    except FormNotIssued as error:
        return _refuse(request, 404, _("Chưa có biểu mẫu"), error.message)
    return _pdf(render_form(paper), f"{record.code}-{form}.pdf")


def _date(value: str, name: str) -> dt.date:
    try:
        return dt.datetime.strptime(value.strip(), "%d/%m/%Y").date()
    except ValueError:
        raise InvalidPeriod(
            _(
                "“%(value)s” không phải ngày hợp lệ cho “%(name)s”; nhập theo dạng dd/mm/yyyy, ví dụ 05/10/2026."
            )
            % {"value": value, "name": name}
        ) from None


@login_required
@require_GET
def register(request: HttpRequest, agency_code: str) -> HttpResponse:
    """Mẫu 07 of one agency; `tu` and `den` (dd/mm/yyyy) default to this month so far."""
    agency = Agency.objects.select_related("unit").filter(code=agency_code).first()
    if agency is None or not can(request.user, Permission.READ, agency.unit):
        return _refuse(
            request,
            404,
            _("Không tìm thấy cơ quan"),
            _("Không tìm thấy cơ quan này trong các đơn vị của bạn."),
        )
    today = timezone.localdate()
    try:
        date_from = _date(request.GET["tu"], _("từ ngày")) if request.GET.get("tu") else today.replace(day=1)
        date_to = _date(request.GET["den"], _("đến ngày")) if request.GET.get("den") else today
        paper = register_content(agency, date_from, date_to, prepared_by=str(request.user), today=today)
    except InvalidPeriod as error:
        return _refuse(request, 400, _("Kỳ báo cáo không hợp lệ"), error.message)
    filename = f"{agency.code}-M07-{date_from:%Y%m%d}-{date_to:%Y%m%d}.pdf"
    return _pdf(render_form(paper), filename)
