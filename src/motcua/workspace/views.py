"""Staff pages. Views stay thin: a selector gives what the user may see (outside it: 404), a
service makes the change (refused rules come back as Vietnamese form errors)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from motcua.accounts.permissions import Permission
from motcua.accounts.scope import can, unit_ids_in_scope
from motcua.accounts.selectors import role_permission_labels, user_grants
from motcua.catalog.models import Offering
from motcua.catalog.offerings import (
    OfferingChanged,
    offering_set_online_level,
    offering_version,
    offerings_visible,
)
from motcua.units.models import AdministrativeUnit

from .forms import OnlineLevelForm


@login_required
def home(request: HttpRequest) -> HttpResponse:
    grants = [
        {"grant": grant, "may": role_permission_labels(grant.role)}
        for grant in user_grants(user=request.user)
    ]
    may_receive = unit_ids_in_scope(request.user, Permission.RECEIVE) != frozenset()
    return render(request, "workspace/home.html", {"grants": grants, "may_receive": may_receive})


def _rows(request: HttpRequest, offerings: list[Offering]) -> list[dict]:
    changeable = unit_ids_in_scope(request.user, Permission.CHANGE_SETTINGS)
    return [
        {
            "offering": o,
            "form": OnlineLevelForm(initial={"online_level": o.online_level, "version": offering_version(o)})
            if changeable is None or o.agency.unit_id in changeable
            else None,
        }
        for o in offerings
    ]


PAGE_SIZE = 50


@login_required
def offering_list(request: HttpRequest) -> HttpResponse:
    offerings = offerings_visible(user=request.user)
    # A province sees thousands of rows: one unit at a time, 50 a page.
    units = AdministrativeUnit.objects.filter(agencies__offerings__in=offerings).distinct().order_by("name")
    unit_id = request.GET.get("don-vi", "")
    if unit_id.isdigit():
        offerings = offerings.filter(agency__unit_id=int(unit_id))
    page = Paginator(offerings, PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(
        request,
        "workspace/offering_list.html",
        {"rows": _rows(request, list(page)), "page": page, "units": units, "unit_id": unit_id},
    )


@login_required
@require_http_methods(["GET", "POST"])
def offering_detail(request: HttpRequest, pk: int) -> HttpResponse:
    offering = offerings_visible(user=request.user).filter(pk=pk).first()
    if offering is None:  # absent or someone else's: the same answer, so nothing leaks
        raise Http404(_("Không tìm thấy thủ tục này trong các đơn vị của bạn."))
    may_change = can(request.user, Permission.CHANGE_SETTINGS, offering.agency.unit)
    form = OnlineLevelForm(
        initial={"online_level": offering.online_level, "version": offering_version(offering)}
    )
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied(_("Bạn chỉ được xem, không được thay đổi thủ tục của đơn vị này."))
        form = OnlineLevelForm(request.POST)
        if form.is_valid():
            try:
                offering_set_online_level(
                    offering=offering,
                    online_level=form.cleaned_data["online_level"],
                    actor=request.user,
                    expected_version=form.cleaned_data["version"],
                )
            except OfferingChanged as exc:
                messages.error(request, str(exc))
                return redirect("workspace:offering", pk=offering.pk)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                messages.success(
                    request,
                    _("Đã cập nhật mức dịch vụ trực tuyến của thủ tục %(code)s.")
                    % {"code": offering.procedure.code},
                )
                return redirect("workspace:offerings")
    status = 400 if form.errors else 200
    return render(
        request,
        "workspace/offering_detail.html",
        {"offering": offering, "form": form if may_change else None},
        status=status,
    )
