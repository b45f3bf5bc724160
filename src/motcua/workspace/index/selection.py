"""What the dashboard's query string chooses: the period (?ky=…, or ?tu=…&den=… for any range) and
whether merged units include their predecessors (?cu=1). Bad input falls back to the current month
with a Vietnamese message, never a 500."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.http import HttpRequest, QueryDict
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.metrics import periods
from motcua.metrics.periods import Period
from motcua.metrics.scopes import WITH_PREDECESSORS


@dataclass(frozen=True)
class Selection:
    period: Period
    with_predecessors: bool
    errors: list[str] = field(default_factory=list)
    start: str = ""  # custom range as typed back into the form (yyyy-mm-dd)
    end: str = ""

    def scope_key(self, key: str) -> str:
        bare = key.removesuffix(WITH_PREDECESSORS)
        return bare + WITH_PREDECESSORS if self.with_predecessors else bare

    @property
    def query(self) -> str:
        """The query string that keeps this selection on the links of the page."""
        params = {"ky": self.period.key}
        if self.with_predecessors:
            params["cu"] = "1"
        return urlencode(params)


def parse_day(text: str) -> dt.date:
    """A day as typed on a page: dd/mm/yyyy (what people write), or yyyy-mm-dd (links, API)."""
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(_("Ngày «%(text)s» không hợp lệ (dd/mm/yyyy).") % {"text": text})


def selection(params: QueryDict | HttpRequest) -> Selection:
    query = params.GET if isinstance(params, HttpRequest) else params
    today = timezone.localdate()
    default = periods.month(today.year, today.month)
    with_predecessors = query.get("cu") == "1"
    start, end = query.get("tu", "")[:20], query.get("den", "")[:20]
    if query.get("theo") == "ky":  # the period's own button: a range still in the form is not wanted
        start = end = ""
    try:
        if start or end:
            if not (start and end):
                raise ValueError(_("Khoảng thời gian cần cả ngày bắt đầu và ngày kết thúc."))
            period = periods.between(parse_day(start), parse_day(end))
        else:
            period = periods.parse(query.get("ky") or default.key)
    except ValueError as error:
        return Selection(default, with_predecessors, [str(error)], start, end)  # what was typed stays
    return Selection(period, with_predecessors, [], start, end)


def period_choices(today: dt.date, current: Period) -> list[tuple[object, list[Period]]]:
    """The periods offered in the selector, newest first, grouped as the form shows them."""
    months, report_months = [], []
    y, m = today.year, today.month
    for _step in range(12):
        months.append(periods.month(y, m))
        report_months.append(periods.report_month(y, m))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    quarters = []
    qy, q = today.year, (today.month - 1) // 3 + 1
    for _step in range(5):
        quarters.append(periods.quarter(qy, q))
        qy, q = (qy - 1, 4) if q == 1 else (qy, q - 1)
    years = [periods.year(today.year), periods.year(today.year - 1)]
    report_years = [periods.report_year(today.year), periods.report_year(today.year - 1)]
    if today > report_years[0].end:
        report_years.insert(0, periods.report_year(today.year + 1))
    groups = [
        (gettext_lazy("Tháng"), months),
        (gettext_lazy("Quý"), quarters),
        (gettext_lazy("Năm"), years),
        (gettext_lazy("Kỳ báo cáo tháng (NĐ 09/2019)"), report_months),
        (gettext_lazy("Kỳ báo cáo năm (NĐ 09/2019)"), report_years),
    ]
    if not any(current.key == p.key for _label, ps in groups for p in ps):
        groups.append((gettext_lazy("Kỳ đang xem"), [current]))
    return groups
