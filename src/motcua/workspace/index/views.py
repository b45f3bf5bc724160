"""Index dashboard pages: province, unit (with what-if), metric (with the records that cost points),
and the unit page as XLSX and PDF. Thin: `metrics` counts, scores and explains; `access` decides
what a user may see (else 404)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.translation import gettext as _

from motcua.metrics import onepage, ranking, scoring
from motcua.metrics.explain import explain, misses_by_metric
from motcua.metrics.rules import RuleSetNotFound
from motcua.metrics.scopes import Scope, communes, provincial_agencies
from motcua.metrics.trend import trend
from motcua.metrics.whatif import simulate

from . import access, exports
from .charts import meter
from .presenting import group_chart, metric_table, trend_chart, whatif_request
from .selection import Selection, period_choices, selection

TREND_MONTHS = 12
EVIDENCE_PAGE = 50


def _common(request: HttpRequest, sel: Selection, **extra) -> dict:
    return {
        "sel": sel,
        "choices": period_choices(timezone.localdate(), sel.period),
        "today": timezone.localdate(),
        **extra,
    }


_KEY = "__key__"


def _ranking_rows(results: list[ranking.UnitResult], sel: Selection) -> list[dict]:
    # The units' links differ only by the key: one reverse() for the table (~70 rows), the key
    # quoted as reverse() quotes it.
    link = reverse("workspace:index:unit", args=[_KEY]) + "?" + sel.query
    rows = []

    def url(unit: ranking.UnitResult) -> str:
        return link.replace(_KEY, quote(unit.scope.key, safe=RFC3986_SUBDELIMS + "/~:@"))

    # A unit that received no record in the period has no score to compare: it is listed after the
    # ranked ones, without a rank, and says so (its 0,00 would tie with the worst real score).
    active = [u for u in results if _received(u.result)]
    idle = sorted((u for u in results if not _received(u.result)), key=lambda u: u.scope.label)
    for ranked in ranking.rank(active, total=lambda u: u.result.total, code=lambda u: u.scope.code):
        unit = ranked.item
        maximum = unit.result.rule_set.max_points
        rows.append(
            {
                "rank": ranked.rank,
                "scope": unit.scope,
                "total": ranked.total,
                "max": maximum,
                "meter": meter(ranked.total, maximum),
                "url": url(unit),
            }
        )
    rows.extend({"rank": None, "scope": u.scope, "total": None, "idle": True, "url": url(u)} for u in idle)
    return rows


def _received(result: scoring.Result) -> bool:
    """Whether the unit received any record in the period (the on-time metric's denominator)."""
    return any(s.metric.code == "DOSSIER_ON_TIME" and s.denominator for s in result.metrics)


def _counts(result: scoring.Result) -> dict[str, scoring.Count]:
    return {s.metric.code: scoring.Count(s.numerator, s.denominator) for s in result.metrics}


def _trend_chart(scope: Scope, sel: Selection, result: scoring.Result, now: dt.datetime) -> str:
    """The last 12 months; the selected month's point is the figure the page already has."""
    known = {sel.period.key: _counts(result)}
    return trend_chart(trend(scope, end=sel.period.end, months=TREND_MONTHS, now=now, known=known))


@login_required
def province_view(request: HttpRequest) -> HttpResponse:
    # One page's reads shared (metrics.onepage): the province's unit, resolved by the access check,
    # the rankings and the trend; a running year's live part also answers its running month.
    with onepage.reading():
        return _province_page(request)


def _province_page(request: HttpRequest) -> HttpResponse:
    sel = selection(request)
    on = sel.period.end
    key = access.province_key(on)
    province = None
    if key is not None:
        try:
            province = access.scope_or_404(request.user, sel.scope_key(key), on)
        except Http404:
            province = None
    if province is None or key is None:
        own = access.own_units(request.user, on)
        if own:  # a commune officer lands on their commune
            return redirect(reverse("workspace:index:unit", args=[own[0].key]) + "?" + sel.query)
        raise Http404(_("Bạn chưa được phân quyền xem chỉ số của đơn vị nào."))
    now = timezone.now()
    in_communes, in_agencies = communes(key, on=on), provincial_agencies(key, on=on)
    try:
        # The province and every unit it ranks in one pass (snapshots for a closed period).
        results = ranking.unit_results([province, *in_communes, *in_agencies], sel.period, now=now)
    except RuleSetNotFound as error:
        context = _common(request, sel, scope=province, error=str(error))
        return render(request, "workspace/index/province.html", context)
    result = results[0].result
    context = _common(
        request,
        sel,
        scope=province,
        result=result,
        group_chart=group_chart(result),
        trend_chart=_trend_chart(province, sel, result, now),
        commune_rows=_ranking_rows(results[1 : 1 + len(in_communes)], sel),
        agency_rows=_ranking_rows(results[1 + len(in_communes) :], sel),
    )
    return render(request, "workspace/index/province.html", context)


def _unit_context(request: HttpRequest, key: str, *, with_whatif: bool) -> dict:
    with onepage.reading():  # one page's reads shared, as on the province page
        return _unit_context_shared(request, key, with_whatif=with_whatif)


def _unit_context_shared(request: HttpRequest, key: str, *, with_whatif: bool) -> dict:
    sel = selection(request)
    scope = access.scope_or_404(request.user, sel.scope_key(key), sel.period.end)
    now = timezone.now()
    try:
        result = ranking.unit_results([scope], sel.period, now=now)[0].result  # snapshot when closed
        counts = _counts(result)
    except RuleSetNotFound as error:
        return _common(request, sel, scope=scope, error=str(error), key=key)
    context = _common(request, sel, scope=scope, key=key, result=result, group_chart=group_chart(result))
    whatif = None
    if with_whatif:
        asked = whatif_request(request.GET, {m.code: m for m in result.rule_set.metrics})
        context["ask"] = asked
        context["whatif_rows"] = asked.form_rows(result)
        if asked.asked and not asked.errors:
            try:
                fixed = misses_by_metric(scope, sel.period, asked.record_codes, counts=counts, now=now)
                whatif = simulate(result.rule_set, counts, overrides=asked.overrides, fixed=fixed)
                context["fixed"] = fixed
            except scoring.ScoringError as error:
                asked.errors.append(str(error))
        context["whatif"] = whatif
        context["trend_chart"] = _trend_chart(scope, sel, result, now)
    context["table"] = metric_table(result, whatif)
    return context


@login_required
def unit_view(request: HttpRequest, key: str) -> HttpResponse:
    context = _unit_context(request, key, with_whatif=True)
    return render(request, "workspace/index/unit.html", context)


@login_required
def metric_view(request: HttpRequest, key: str, code: str) -> HttpResponse:
    sel = selection(request)
    scope = access.scope_or_404(request.user, sel.scope_key(key), sel.period.end)
    asked_page = request.GET.get("trang", "1")
    page_number = int(asked_page) if asked_page.isdigit() and int(asked_page) > 0 else 1
    try:
        explained = explain(scope, sel.period, code, limit=page_number * EVIDENCE_PAGE)
    except (scoring.ScoringError, RuleSetNotFound):
        raise Http404(_("Không có chỉ số này trong bộ quy tắc đang áp dụng.")) from None
    # Only the rows up to this page were fetched; the total is the count of misses.
    rows = list(explained.evidence)
    total_rows = max(explained.missed or 0, len(rows))
    paginator = Paginator(range(total_rows), EVIDENCE_PAGE)
    page = paginator.get_page(page_number)
    shown = rows[page.start_index() - 1 : page.end_index()] if total_rows else []
    context = _common(request, sel, scope=scope, key=key, ex=explained, rows=shown, page=page)
    return render(request, "workspace/index/metric.html", context)


@login_required
def unit_xlsx(request: HttpRequest, key: str) -> HttpResponse:
    context = _unit_context(request, key, with_whatif=False)
    if "result" not in context:
        raise Http404(context.get("error", ""))
    body = exports.unit_xlsx(context["scope"], context["sel"].period, context["result"])
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(context, "xlsx")}"'
    return response


@login_required
def unit_pdf(request: HttpRequest, key: str) -> HttpResponse:
    context = _unit_context(request, key, with_whatif=False)
    if "result" not in context:
        raise Http404(context.get("error", ""))
    body = exports.unit_pdf(context)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(context, "pdf")}"'
    return response
