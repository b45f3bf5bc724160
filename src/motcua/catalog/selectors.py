"""Reads of the catalogue."""

import datetime as dt

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from .models import Field, Offering, Procedure
from .services import search_terms


def procedure_search(*, query: str, field_code: str = "") -> QuerySet[Procedure]:
    """Active procedures whose name or code contains every word of the query at a word start,
    ignoring case and diacritics (đ = d). Exact phrase and code hits come first.

    `search_text` is stored folded, so a plain LIKE works alike on SQLite and PostgreSQL (where a
    trigram index serves it)."""
    procedures = Procedure.objects.filter(is_active=True).select_related("field")
    if field_code:
        procedures = procedures.filter(field__code=field_code)
    terms = search_terms(query)
    if not terms:
        return procedures.order_by("field__name", "code")
    for term in terms:
        procedures = procedures.filter(search_text__contains=f" {term}")
    phrase = " ".join(terms)
    return procedures.annotate(
        rank=Case(
            When(code=phrase, then=Value(0)),
            When(search_text__startswith=f" {phrase}", then=Value(1)),
            When(search_text__contains=f" {phrase} ", then=Value(2)),
            When(search_text__contains=f" {phrase}", then=Value(3)),
            default=Value(4),
            output_field=IntegerField(),
        )
    ).order_by("rank", "code")


def fields_with_counts() -> QuerySet[Field]:
    return (
        Field.objects.annotate(procedure_count=Count("procedures", filter=Q(procedures__is_active=True)))
        .filter(procedure_count__gt=0)
        .order_by("name")
    )


def procedure_detail(*, code: str, on: dt.date | None = None) -> Procedure | None:
    """One active procedure with everything its public page shows, offerings valid on `on`."""
    on = on or timezone.localdate()
    offerings = (
        Offering.objects.valid_at(on).select_related("agency", "agency__unit").order_by("agency__name")
    )
    return (
        Procedure.objects.filter(is_active=True, code=code)
        .select_related("field")
        .prefetch_related("components", "fees", "process_steps", Prefetch("offerings", queryset=offerings))
        .first()
    )


def offerings_at(*, on: dt.date, agencies: QuerySet | None = None) -> QuerySet[Offering]:
    """Offerings valid on a date, optionally limited to some agencies (scope is the caller's)."""
    offerings = Offering.objects.valid_at(on).select_related("procedure", "agency")
    if agencies is not None:
        offerings = offerings.filter(agency__in=agencies)
    return offerings.filter(Q(procedure__is_active=True)).order_by("procedure__code")
