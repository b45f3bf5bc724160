"""Failed deliveries (records the national portal or another system did not take) and "Gửi lại".

Scope first: a user sees and resends only deliveries of records their units may see."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.accounts.models import User
from motcua.accounts.permissions import Permission
from motcua.accounts.scope import can
from motcua.exchange.models import Delivery
from motcua.exchange.outbox import delivery_resend, failed_deliveries
from motcua.records.models import Record
from motcua.records.selectors import visible_records


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # login_required
    return request.user


def may_resend(user: User, record: Record) -> bool:
    return any(can(user, p, record.unit) for p in (Permission.RECEIVE, Permission.PROCESS))


@login_required
def failed_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(failed_deliveries(viewer=_user(request)), 50).get_page(request.GET.get("trang"))
    return render(request, "workspace/deliveries/failed.html", {"page": page})


@login_required
@require_POST
def resend(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = (
        Delivery.objects.filter(pk=pk, record__in=visible_records(request.user))
        .select_related("record__unit", "connector")
        .first()
    )
    if delivery is None:
        raise Http404(_("Không tìm thấy lượt gửi trong phạm vi đơn vị của bạn."))
    if not may_resend(_user(request), delivery.record):
        messages.error(request, _("Bạn không có quyền gửi lại hồ sơ này."))
    elif delivery_resend(delivery=delivery, actor=_user(request)):
        messages.success(
            request,
            _("Đã đưa hồ sơ %(code)s vào hàng chờ gửi lại tới %(system)s.")
            % {"code": delivery.record.code, "system": delivery.connector.name},
        )
    else:
        messages.info(request, _("Lượt gửi này không còn ở trạng thái lỗi; không cần gửi lại."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = ""
    return redirect(target or "workspace:deliveries:failed")
