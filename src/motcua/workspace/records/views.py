"""Inbox per role and search. Reads only, through `records.selectors` (scope first)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.accounts.models import Role
from motcua.records.online_intake import pending_confirmation
from motcua.records.selectors import Inbox, inbox, inbox_counts, record_search
from motcua.records.verdicts import record_timeliness as timeliness_of

PAGE_SIZE = 25

# Columns a list may be sorted by (the query string names them; anything else is ignored).
SORTS = {
    "ma": "code",
    "nop": "submitted_at",
    "tiep-nhan": "received_at",
    "han": "due_at",
    "nguoi-nop": "applicant_name",
}

COLUMNS = [
    ("ma", gettext_lazy("Mã hồ sơ"), ""),
    ("nguoi-nop", gettext_lazy("Người nộp"), ""),
    ("", gettext_lazy("Thủ tục"), "hide-sm"),
    ("", gettext_lazy("Trạng thái"), ""),
    ("han", gettext_lazy("Hạn trả"), ""),
    ("", gettext_lazy("Tiến độ"), ""),
]

# Which boxes each role works from, first one opened by default.
BOXES_BY_ROLE = {
    Role.DESK_OFFICER: [
        Inbox.TO_RECEIVE,
        Inbox.ONLINE_TO_CONFIRM,
        Inbox.TO_RETURN,
        Inbox.WAITING,
        Inbox.DUE_SOON,
        Inbox.OVERDUE,
    ],
    Role.SPECIALIST: [Inbox.IN_PROGRESS, Inbox.DUE_SOON, Inbox.OVERDUE, Inbox.WAITING],
    Role.LEADER: [Inbox.IN_PROGRESS, Inbox.DUE_SOON, Inbox.OVERDUE, Inbox.WAITING, Inbox.TO_RETURN],
}


def boxes_for(user) -> list[Inbox]:
    roles = {grant.role for grant in user.grants.all()}
    wanted = {box for role in roles for box in BOXES_BY_ROLE.get(role, [])}
    if user.is_superuser or not wanted:
        wanted = set(Inbox)
    return [box for box in Inbox if box in wanted]


def _sorted(records: QuerySet, key: str) -> tuple[QuerySet, str]:
    column = SORTS.get(key.lstrip("-"))
    if column is None:
        return (records if records.ordered else records.order_by("-submitted_at", "pk")), ""
    descending = key.startswith("-")
    return records.order_by(f"-{column}" if descending else column, "pk"), key


class CappedPaginator(Paginator):
    """Counts at most `cap` matches: a search for a common name ("Nguyễn") matches thousands,
    and counting them all costs as much as the page. Beyond the cap the page says "more than
    1.000" and pages through the first 1.000; the officer narrows the search instead."""

    cap = 1000

    @cached_property
    def _matches(self) -> int:
        return len(self.object_list.values_list("pk", flat=True)[: self.cap + 1])

    @cached_property
    def count(self) -> int:
        return min(self._matches, self.cap)

    @property
    def more(self) -> bool:
        return self._matches > self.cap


def _page(request: HttpRequest, records: QuerySet, paginator: type[Paginator] = Paginator):
    records, sort = _sorted(records, request.GET.get("sap-xep", ""))
    page = paginator(records.select_related("procedure", "holder"), PAGE_SIZE).get_page(
        request.GET.get("trang")
    )
    now = timezone.now()
    rows = [
        {"record": r, "timeliness": timeliness_of(r, now), "intake": pending_confirmation(r, now)}
        for r in page
    ]
    return page, rows, sort


@login_required
def inbox_view(request: HttpRequest, box: str = "") -> HttpResponse:
    boxes = boxes_for(request.user)
    if box:
        try:
            current = Inbox(box)
        except ValueError:
            raise Http404(_("Không có hộp hồ sơ này.")) from None
    else:
        current = boxes[0]
    counts = inbox_counts(request.user)
    page, rows, sort = _page(request, inbox(request.user, current))
    tabs = [{"box": b, "label": b.label, "count": counts[b], "current": b == current} for b in boxes]
    if current not in boxes:
        tabs.append({"box": current, "label": current.label, "count": counts[current], "current": True})
    return render(
        request,
        "workspace/records/inbox.html",
        {"tabs": tabs, "box": current, "page": page, "rows": rows, "sort": sort, "columns": COLUMNS},
    )


@login_required
def search_view(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    page, rows, sort = _page(request, record_search(request.user, query), CappedPaginator)
    return render(
        request,
        "workspace/records/search.html",
        {
            "query": query,
            "page": page,
            "rows": rows,
            "sort": sort,
            "columns": COLUMNS,
            "base_qs": urlencode({"q": query}) + "&",
        },
    )
