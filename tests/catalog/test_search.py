"""Diacritics-insensitive search over names and codes; runs on SQLite and on PostgreSQL."""

import pytest
from django.db import connection

from motcua.catalog.selectors import procedure_search
from motcua.catalog.services import search_text_for

from .factories import make_procedure

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    make_procedure(code="1.001612", name="Đăng ký thành lập hộ kinh doanh")
    make_procedure(code="1.001193", name="Thủ tục đăng ký khai sinh", field="ho-tich")
    make_procedure(code="2.000815", name="Chứng thực bản sao từ bản chính")
    make_procedure(code="1.004222", name="Đăng ký thường trú")


def codes(query: str, **kwargs) -> list[str]:
    return list(procedure_search(query=query, **kwargs).values_list("code", flat=True))


def test_query_without_diacritics_finds_the_vietnamese_name(catalogue):
    assert codes("dang ky ho kinh doanh") == ["1.001612"]


def test_d_stroke_folds_to_d_both_ways(catalogue):
    assert codes("ĐĂNG KÝ HỘ KINH DOANH") == codes("dang ky ho kinh doanh") == ["1.001612"]


def test_decomposed_input_matches(catalogue):
    assert codes("chu\u031bng thu\u031b\u0323c") == ["2.000815"]  # "chứng thực" typed with combining marks


def test_code_finds_its_procedure(catalogue):
    assert codes("2.000815") == ["2.000815"]


def test_words_match_at_word_start_not_inside_words(catalogue):
    # "ban" starts words in "bản sao", "bản chính" but is only inside "thành"/"đăng"... of no other name
    assert codes("ban sao") == ["2.000815"]
    assert codes("ang") == []


def test_every_word_must_match(catalogue):
    assert codes("dang ky khai sinh") == ["1.001193"]
    assert sorted(codes("dang ky")) == ["1.001193", "1.001612", "1.004222"]


def test_phrase_hit_ranks_before_scattered_words(catalogue):
    make_procedure(code="1.000001", name="Đăng ký lại việc thường trú của hộ kinh doanh")
    assert codes("dang ky thuong tru") == ["1.004222", "1.000001"]


def test_empty_query_lists_every_active_procedure(catalogue):
    make_procedure(code="1.000002", name="Thủ tục đã bãi bỏ", is_active=False)
    assert len(codes("  ")) == 4


def test_renaming_a_procedure_updates_what_search_finds(catalogue):
    make_procedure(code="1.001193", name="Đăng ký khai tử", field="ho-tich")
    assert codes("khai sinh") == []
    assert codes("khai tu") == ["1.001193"]


def test_search_text_is_folded_and_padded():
    assert search_text_for("Đăng ký Hộ kinh doanh", "1.001612") == " dang ky ho kinh doanh 1.001612 "


@pytest.mark.postgres_only
def test_postgres_has_a_trigram_index_that_serves_the_search(catalogue):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'catalog_procedure_search_trgm'")
        (indexdef,) = cursor.fetchone()
        assert "gin_trgm_ops" in indexdef
        # GIN is only reachable through a bitmap scan; forbid the alternatives a tiny table prefers.
        cursor.execute("SET enable_seqscan = off; SET enable_indexscan = off")
        sql, params = procedure_search(query="ho kinh doanh").select_related(None).query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "catalog_procedure_search_trgm" in plan


def test_local_service_code_is_searchable_and_keeps_the_national_code(catalogue):
    make_procedure(code="2.000816", name="Chứng thực bản sao điện tử", local_code_suffix="000.00.00.H55.02")
    assert codes("2.000816") == ["2.000816"]
    assert codes("2.000816.000.00.00.h55.02") == ["2.000816"]
