"""Filters for the printed forms: fixed Vietnamese date and money formats."""

from django import template

from motcua.documents.forms import formatting

register = template.Library()

register.filter("vn_date", formatting.vn_date)
register.filter("vn_datetime", formatting.vn_datetime)
register.filter("vn_short_datetime", formatting.vn_short_datetime)
register.filter("money", formatting.money)
