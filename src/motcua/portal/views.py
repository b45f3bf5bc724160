"""Public pages (no login): search the procedure catalogue and read a procedure."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from motcua.catalog.selectors import fields_with_counts, procedure_detail, procedure_search

PAGE_SIZE = 20
MAX_QUERY = 200  # longer input is not a procedure name; cut it rather than refuse it


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"fields": fields_with_counts()})


def procedure_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:MAX_QUERY].strip()
    field_code = request.GET.get("linh-vuc", "")[:100]
    results = procedure_search(query=query, field_code=field_code)
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("trang"))
    field = next((f for f in fields_with_counts() if f.code == field_code), None)
    return render(
        request,
        "portal/procedure_list.html",
        {"query": query, "field": field, "field_code": field_code, "page": page},
    )


def procedure_page(request: HttpRequest, code: str) -> HttpResponse:
    procedure = procedure_detail(code=code)
    if procedure is None:
        raise Http404("Không có thủ tục mã này.")
    return render(request, "portal/procedure_detail.html", {"p": procedure})
