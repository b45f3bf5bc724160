"""Counter intake: procedure, applicant, checklist with files, channel — Mẫu 01 in one step."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from motcua.catalog.models import Procedure
from motcua.catalog.selectors import procedure_search
from motcua.records.attachments import attach_files, check_upload
from motcua.records.clock import NoTerm
from motcua.records.errors import InvalidRecordInput
from motcua.records.lifecycle import Action, TransitionError
from motcua.records.models import IdempotencyKey, Record
from motcua.records.offerings import ensure_offered, offered_procedure_ids
from motcua.records.services import Applicant, record_perform, record_submit

from . import choices
from .forms import IntakeForm

SEARCH_LIMIT = 20


def _procedure(code: str) -> Procedure | None:
    code = code.strip()
    if not code:
        return None
    return Procedure.objects.filter(is_active=True, code=code).prefetch_related("components").first()


OTHER_FILES = "file_other"


def _uploads(request: HttpRequest, form: IntakeForm) -> list:
    """Every file checked (type by its first bytes, size) before anything is written."""
    uploads = []
    for component in form.components:
        for upload in request.FILES.getlist(f"file_{component.pk}"):
            check_upload(upload)
            uploads.append((component, upload))
    for upload in request.FILES.getlist(OTHER_FILES):  # papers outside the catalogue's list
        check_upload(upload)
        uploads.append((None, upload))
    return uploads


# One intake per page shown: the page carries a token, the record made with it is remembered, and
# the same form sent again (a double click, a reload after a slow answer) opens that record.
SUBMISSION = "lan-nop"


def _submission(request: HttpRequest) -> str:
    token = request.POST.get(SUBMISSION, "") if request.method == "POST" else ""
    return token if token.isalnum() and len(token) <= 64 else uuid.uuid4().hex


def _made_with(request: HttpRequest, token: str) -> Record | None:
    key = IdempotencyKey.objects.filter(user=request.user, key=f"web-intake:{token}").select_related("record")
    found = key.first()
    return found.record if found else None


def _remember(request: HttpRequest, token: str, record: Record) -> None:
    IdempotencyKey.objects.create(
        user=request.user, key=f"web-intake:{token}", record=record, request_hash=""
    )


# The counter's three outcomes (NĐ 118 Điều 16–17): received (Mẫu 01), guided to complete the
# dossier (Mẫu 02), or refused (Mẫu 03). The button pressed says which.
RECEIVE, SUPPLEMENT, REFUSE = "tiep-nhan", "bo-sung", "tu-choi"
DONE = {
    RECEIVE: gettext_lazy("Đã tiếp nhận hồ sơ %(code)s và lập Giấy tiếp nhận (Mẫu 01)."),
    SUPPLEMENT: gettext_lazy(
        "Hồ sơ %(code)s chưa được tiếp nhận; đã lập Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02)."
    ),
    REFUSE: gettext_lazy("Hồ sơ %(code)s không được tiếp nhận; đã lập Phiếu từ chối tiếp nhận (Mẫu 03)."),
}


def _not_received(request: HttpRequest, form: IntakeForm, procedure: Procedure, decision: str):
    """The dossier is registered without being received, and the counter's paper is issued."""
    data = form.cleaned_data
    if decision == SUPPLEMENT:
        params = {"missing": form.missing_list(request.FILES), "reason": data["reason"]}
        return _at_counter(request, form, procedure, Action.REQUEST_SUPPLEMENT, params, keep_files=True)
    # A refused dossier's papers go back with the citizen: nothing is kept.
    return _at_counter(
        request, form, procedure, Action.REFUSE_INTAKE, {"reason": data["reason"]}, keep_files=False
    )


def _at_counter(
    request: HttpRequest,
    form: IntakeForm,
    procedure: Procedure,
    decision: Action,
    params: dict,
    *,
    keep_files: bool,
) -> Record | None:
    """Submitted at the counter and decided there (received, guided, refused), in one transaction
    with its scanned files and the page's token; a refusal comes back as form errors."""
    data = form.cleaned_data
    at = timezone.now()
    try:
        ensure_offered(procedure=procedure, agency=data["agency"], on=timezone.localdate(at))
        uploads = _uploads(request, form) if keep_files else []
        with transaction.atomic():
            record = record_submit(
                procedure=procedure,
                agency=data["agency"],
                applicant=_applicant(data),
                actor=request.user,
                summary=data["summary"],
                action=Action(data["channel"]),
                at=at,
            )
            attach_files(record=record, uploads=uploads, actor=request.user, at=at)
            record = record_perform(record=record, action=decision, actor=request.user, at=at, **params)
            _remember(request, form.submission, record)
    except InvalidRecordInput as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return None
    except (TransitionError, NoTerm) as error:
        form.add_error(None, getattr(error, "message", str(error)))
        return None
    return record


def _decide(request: HttpRequest, form: IntakeForm, procedure: Procedure, decision: str) -> Record | None:
    if decision in (SUPPLEMENT, REFUSE):
        return _not_received(request, form, procedure, decision)
    return _intake(request, form, procedure)


def _applicant(data: dict) -> Applicant:
    return Applicant(
        name=data["name"],
        id_number=data["id_number"],
        phone=data["phone"],
        email=data["email"],
        address=data["address"],
        kind=data["kind"],
    )


def _intake(request: HttpRequest, form: IntakeForm, procedure: Procedure):
    missing = form.missing_required(request.FILES)
    if missing:
        form.add_error(
            None,
            _(
                "Chưa nhận đủ giấy tờ bắt buộc: %(names)s. Hồ sơ chưa đủ thì không tiếp nhận: "
                "dùng “Hướng dẫn bổ sung (Mẫu 02)” ở mục 5."
            )
            % {"names": "; ".join(c.name for c in missing)},
        )
        return None
    return _at_counter(request, form, procedure, Action.RECEIVE, {}, keep_files=True)


@login_required
@require_http_methods(["GET", "POST"])
def intake_view(request: HttpRequest) -> HttpResponse:
    agencies = choices.receiving_agencies(request.user)
    if not agencies.exists():
        raise PermissionDenied(_("Bạn không có quyền tiếp nhận hồ sơ."))
    # Searching and choosing a procedure post the whole form (nothing typed is lost) without intake.
    navigating = request.method == "POST" and ("buoc" in request.POST or "chon" in request.POST)
    source = request.POST if request.method == "POST" else request.GET
    query = source.get("tim", "").strip()[:100]
    # Only what this counter's agencies offer today: the others would be refused after the whole form.
    offered = offered_procedure_ids(agencies=agencies, on=timezone.localdate()) if query else set()
    found = list(procedure_search(query=query).filter(pk__in=offered)[:SEARCH_LIMIT]) if query else []
    if request.method == "POST":
        code = request.POST.get("chon") or request.POST.get("procedure", "")
    else:
        code = request.GET.get("ma", "")
    procedure = _procedure(code)
    components = procedure.components.all() if procedure else []
    initial = {"procedure": code, "agency": agencies.first()}
    if navigating:
        typed = {k: v for k, v in request.POST.items() if k in IntakeForm.base_fields and k != "procedure"}
        form = IntakeForm(agencies=agencies, components=components, initial={**initial, **typed})
    else:
        form = IntakeForm(request.POST or None, agencies=agencies, components=components, initial=initial)
    form.submission = _submission(request)
    status = 200
    if request.method == "POST" and not navigating:
        earlier = _made_with(request, form.submission)
        if earlier is not None:
            messages.info(request, _("Biểu mẫu này đã được gửi: hồ sơ %(code)s.") % {"code": earlier.code})
            return redirect("records_ui:record", pk=earlier.pk)
        status = 400
        if form.is_valid():
            if procedure is None:
                form.add_error(
                    "procedure",
                    _("Không tìm thấy thủ tục mã “%(code)s” đang áp dụng.") % {"code": code.strip()},
                )
            else:
                decision = request.POST.get("quyet-dinh", RECEIVE)
                try:
                    record = _decide(request, form, procedure, decision)
                except IntegrityError:  # the same form, sent twice at once: the other one made it
                    record = _made_with(request, form.submission)
                    if record is None:
                        raise
                if record is not None:
                    done = DONE.get(decision, DONE[RECEIVE])
                    messages.success(request, str(done) % {"code": record.code})
                    return redirect("records_ui:record", pk=record.pk)
    return render(
        request,
        "workspace/records/intake.html",
        {"form": form, "procedure": procedure, "procedure_query": query, "found": found, "code": code},
        status=status,
    )
