"""The record page and its actions. Another unit's record answers 404 (its existence does not
leak); a stale form (version changed meanwhile) writes nothing and reloads the current state."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from motcua.exchange.outbox import record_sync_status
from motcua.records.errors import InvalidRecordInput, RecordConflict
from motcua.records.lifecycle import Action, State, TransitionError
from motcua.records.models import Record
from motcua.records.selectors import visible_records
from motcua.records.services import record_perform
from motcua.records.verdicts import record_timeliness as timeliness_of

from ..deliveries.views import may_resend
from .forms import ActionForm
from .presenting import (
    action_form,
    action_panels,
    due_explanation,
    event_rows,
    forms_issued,
    step_rows,
)

STALE = gettext_lazy(
    "Hồ sơ vừa được người khác cập nhật; thao tác của bạn chưa được ghi. Trang đã tải lại trạng thái mới nhất."
)


def _record(user, pk: int) -> Record:
    record = (
        visible_records(user)
        .select_related("procedure", "agency", "receiving_agency", "unit", "holder")
        .filter(pk=pk)
        .first()
    )
    if record is None:
        raise Http404(_("Không tìm thấy hồ sơ trong phạm vi đơn vị của bạn."))
    return record


def _page(request: HttpRequest, record: Record, bound: ActionForm | None = None, status: int = 200):
    events = event_rows(record)
    return render(
        request,
        "workspace/records/detail.html",
        {
            "record": record,
            "state_label": State(record.state).label,
            "timeliness": timeliness_of(record),
            "explanation": due_explanation(record),
            "events": events,
            "steps": step_rows(record),
            "attachments": record.attachments.all(),
            "supplement_files": {a.pk for row in events for a in row.files},
            "panels": action_panels(request.user, record, bound),
            "forms_issued": forms_issued(record),
            "deliveries": record_sync_status(record=record),
            "may_resend": may_resend(request.user, record),
        },
        status=status,
    )


@login_required
def record_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _record(request.user, pk))


@login_required
@require_http_methods(["GET", "POST"])
def record_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    record = _record(request.user, pk)
    if request.method == "GET":
        # A refused action's page is shown at this address; reloading or bookmarking it opens the record.
        return redirect("records_ui:record", pk=record.pk)
    try:
        chosen = Action(action)
    except ValueError:
        raise Http404(_("Không có thao tác này.")) from None
    posted_version = request.POST.get(f"{chosen.value}-version", "")
    if posted_version.isdigit() and int(posted_version) != record.version:
        # Someone acted since this page was shown: nothing is written, the page shows what is now.
        messages.error(request, STALE)
        return redirect("records_ui:record", pk=record.pk)
    panels = {p.transition.action: p for p in action_panels(request.user, record)}
    if chosen not in panels:
        # Not allowed now (state moved on, or not this user's): say why, change nothing.
        message = _("Không thể thực hiện “%(action)s” với hồ sơ ở trạng thái “%(state)s”.") % {
            "action": chosen.label,
            "state": State(record.state).label,
        }
        messages.error(request, message)
        return _page(request, record, status=409)
    form = action_form(panels[chosen].transition, record, data=request.POST, files=request.FILES)
    if not form.is_valid():
        if "version" in form.errors:
            messages.error(request, _("Biểu mẫu không hợp lệ; vui lòng tải lại trang."))
        return _page(request, record, bound=form, status=400)
    try:
        record_perform(
            record=record,
            action=chosen,
            actor=request.user,
            expected_version=form.cleaned_data["version"],
            **form.params(),
        )
    except RecordConflict as error:
        messages.error(request, error.message)
        return redirect("records_ui:record", pk=record.pk)
    except InvalidRecordInput as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return _page(request, record, bound=form, status=error.status)
    except TransitionError as error:
        form.add_error(None, error.message)
        return _page(request, record, bound=form, status=error.status)
    messages.success(request, _("Đã thực hiện: %(action)s.") % {"action": chosen.label})
    return redirect("records_ui:record", pk=record.pk)


@login_required
def attachment_view(request: HttpRequest, pk: int, file_pk: int) -> FileResponse:
    """A file of the dossier, opened in the browser (PDF, images): scoped like the record."""
    record = _record(request.user, pk)
    attachment = record.attachments.filter(pk=file_pk).first()
    if attachment is None or not default_storage.exists(attachment.storage_name):
        raise Http404(_("Không tìm thấy tệp này trong hồ sơ."))
    response = FileResponse(
        default_storage.open(attachment.storage_name, "rb"),
        content_type=attachment.content_type,
        as_attachment=request.GET.get("tai") == "1",
        filename=attachment.name,
    )
    response["X-Content-Type-Options"] = "nosniff"  # the type was checked from the content at upload
    if attachment.content_type != "application/pdf":
        # Images: nothing in them may run in motcua's origin. Not for PDFs: a sandboxed PDF shows
        # blank in Chromium's and Safari's viewers, and the PDF viewer runs outside the page anyway.
        response["Content-Security-Policy"] = "sandbox"
    return response
