"""Report pages: the inspection report and Biểu 07a/b/c for the units the user may read, shown on
the page with links to the same report as PDF, XLSX and JSON. Outside the user's units: 404."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.permissions import Permission
from motcua.accounts.scope import can, unit_ids_in_scope
from motcua.metrics import periods
from motcua.metrics.reports.common import scope_unit
from motcua.metrics.reports.inspection import inspection_report
from motcua.metrics.reports.periodic import FORMS, periodic_report
from motcua.metrics.reports.render_pdf import (
    index_rows,
    inspection_pdf,
    inspection_rows,
    periodic_pdf,
    periodic_table,
)
from motcua.metrics.reports.render_xlsx import inspection_xlsx, periodic_xlsx
from motcua.metrics.scopes import Scope, parse_scope
from motcua.units.models import Agency, UnitLevel

from ..index.selection import parse_day, period_choices

PAGE_EVIDENCE = 50  # rows per list on the page; the downloads carry them all
FORM_OF_KIND = {kind: form for form, (kind, _name, _level) in FORMS.items()}


def _agencies(request: HttpRequest) -> list[Agency]:
    ids = unit_ids_in_scope(request.user, Permission.READ)
    agencies = (
        Agency.objects.valid_at(timezone.localdate()).select_related("unit").order_by("unit__level", "name")
    )
    return list(agencies if ids is None else agencies.filter(unit_id__in=ids))


def _periodic_choices(agencies: list[Agency]) -> list[tuple[str, str]]:
    """Units a periodic form fits: communes (07a), provincial agencies (07b), the province (07c)."""
    choices: dict[str, str] = {}
    for agency in agencies:
        if agency.unit.level == UnitLevel.COMMUNE:
            choices.setdefault(f"xa-{agency.unit.code}", f"07a — {agency.unit.name}")
        elif agency.unit.level == UnitLevel.PROVINCE:
            choices.setdefault(f"tinh-{agency.unit.code}", f"07c — {agency.unit.name}")
            choices[f"co-quan-{agency.code}"] = f"07b — {agency.name}"
    return sorted(choices.items(), key=lambda item: item[1])


def _home(request: HttpRequest, error: str = "", status: int = 200) -> HttpResponse:
    agencies = _agencies(request)
    today = timezone.localdate()
    try:
        chosen = periods.parse(request.GET.get("ky", ""))
    except ValueError:
        chosen = periods.month(today.year, today.month)
    context = {
        "agencies": agencies,
        "units": _periodic_choices(agencies),
        "period_groups": period_choices(today, chosen),
        "chosen_period": chosen.key,
        # What the user picked stays picked when the page comes back with an error.
        "chosen_agency": request.GET.get("co-quan", ""),
        "chosen_unit": request.GET.get("don-vi", ""),
        "default_from": today.replace(day=1).strftime("%d/%m/%Y"),
        "default_to": today.strftime("%d/%m/%Y"),
        "error": error,
        "query": request.GET,
    }
    return render(request, "workspace/reports/home.html", context, status=status)


@login_required
def report_home(request: HttpRequest) -> HttpResponse:
    return _home(request)


def _visible(request: HttpRequest, scope: Scope, on: dt.date) -> None:
    unit = scope_unit(scope, on)
    if unit is None or not can(request.user, Permission.READ, unit, at=on):
        raise Http404(_("Không tìm thấy đơn vị này trong các đơn vị của bạn."))


def _with_absolute_links(request: HttpRequest, report: dict[str, Any]) -> dict[str, Any]:
    """A downloaded file is read away from the site: its links to records carry the site's address."""
    figures = {
        key: {
            **f,
            "evidence": [{**e, "url": request.build_absolute_uri(e["url"])} for e in f.get("evidence") or []],
        }
        for key, f in (report.get("figures") or {}).items()
    }
    return {**report, "figures": figures} if figures else report


def _download(
    request: HttpRequest, report: dict[str, Any], name: str, pdf: Any, xlsx: Any
) -> HttpResponse | None:
    fmt = request.GET.get("dinh-dang", "")
    if fmt:
        report = _with_absolute_links(request, report)
    if fmt == "json":
        body = json.dumps(report, ensure_ascii=False, indent=2)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    elif fmt == "pdf":
        response = HttpResponse(pdf(report), content_type="application/pdf")
    elif fmt == "xlsx":
        response = HttpResponse(
            xlsx(report), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    else:
        return None
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
def inspection_view(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("co-quan", "").strip()
    try:
        start, end = parse_day(request.GET.get("tu", "")), parse_day(request.GET.get("den", ""))
    except ValueError:
        return _home(request, _("Ngày không hợp lệ: chọn ngày bắt đầu và ngày kết thúc."), 400)
    try:
        period = periods.between(start, end)
    except ValueError as error:  # end before start, a year out of range: the message says which
        return _home(request, str(error), 400)
    try:
        scope = parse_scope(f"co-quan-{code}", on=end)
    except LookupError:
        raise Http404(_("Không tìm thấy cơ quan này.")) from None
    _visible(request, scope, end)
    report = inspection_report(scope=scope, period=period)
    download = _download(request, report, f"kiem-tra-{code}-{start}-{end}", inspection_pdf, inspection_xlsx)
    if download is not None:
        return download
    rows = inspection_rows(report)
    for row in rows:
        row["evidence"] = row["evidence"][:PAGE_EVIDENCE]
    return render(
        request,
        "workspace/reports/inspection.html",
        {
            "report": report,
            "rows": rows,
            "index": index_rows(report),
            "page_evidence": PAGE_EVIDENCE,
            "query": request.GET.urlencode(),
        },
    )


@login_required
def periodic_view(request: HttpRequest) -> HttpResponse:
    start, end = request.GET.get("tu", "")[:20], request.GET.get("den", "")[:20]
    if request.GET.get("theo") == "ky":  # the period's own button: a range left in the form is not wanted
        start = end = ""
    try:
        if start or end:
            if not (start and end):
                raise ValueError(_("Khoảng thời gian cần cả ngày bắt đầu và ngày kết thúc."))
            period = periods.between(parse_day(start), parse_day(end))
        else:
            period = periods.parse(request.GET.get("ky", ""))
    except ValueError as error:
        return _home(request, str(error), 400)
    try:
        scope = parse_scope(request.GET.get("don-vi", ""), on=period.end)
    except LookupError:
        raise Http404(_("Không tìm thấy đơn vị này.")) from None
    _visible(request, scope, period.end)
    form = FORM_OF_KIND[scope.kind]
    report = periodic_report(form=form, scope=scope, period=period)
    download = _download(
        request, report, f"bieu-{form}-{scope.key}-{period.key}", periodic_pdf, periodic_xlsx
    )
    if download is not None:
        return download
    return render(
        request,
        "workspace/reports/periodic.html",
        {"report": report, "table": periodic_table(report), "query": request.GET.urlencode()},
    )
