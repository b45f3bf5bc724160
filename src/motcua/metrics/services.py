"""Writes of the metrics package: storing a rule-set version (from the shipped JSON or a file)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.db import transaction

from . import scoring
from .models import GroupRule, MetricRule, RuleSetVersion


class RuleSetExists(ValueError):
    pass


def rule_set_store(*, rule_set: scoring.RuleSet, replace: bool = False) -> RuleSetVersion:
    """Save a (validated) rule set as database rows, in one transaction; an existing version of the
    same name is refused unless `replace`, which swaps its rows for the new ones."""
    problems = scoring.validate(rule_set)
    if problems:
        raise ValueError(" ".join(problems))
    with transaction.atomic():
        existing = RuleSetVersion.objects.select_for_update().filter(version=rule_set.version).first()
        if existing is not None and not replace:
            raise RuleSetExists(f"Bộ quy tắc «{rule_set.version}» đã có; dùng --replace để thay.")
        if existing is not None:
            existing.delete()
        version = RuleSetVersion.objects.create(
            version=rule_set.version,
            valid_from=rule_set.valid_from,
            valid_to=rule_set.valid_to,
            rounding_places=rule_set.rounding_places,
            source=rule_set.source,
            confidence=rule_set.confidence.value,
            notes=rule_set.notes,
        )
        GroupRule.objects.bulk_create(
            GroupRule(rule_set=version, position=i, code=g.id, name_vi=g.name_vi, max_points=g.max_points)
            for i, g in enumerate(rule_set.groups)
        )
        MetricRule.objects.bulk_create(
            MetricRule(
                rule_set=version,
                position=i,
                code=m.code,
                portal_code=m.portal_code,
                group=m.group,
                name_vi=m.name_vi,
                max_points=m.max_points,
                kind=m.kind.value,
                threshold=m.threshold,
                numerator_definition=m.numerator_definition,
                denominator_definition=m.denominator_definition,
                on_zero=m.on_zero.value,
                ratio_rounding=m.ratio_rounding,
                scope=",".join(s.value for s in m.scope),
                source=m.source,
                confidence=m.confidence.value,
                notes=m.notes,
            )
            for i, m in enumerate(rule_set.metrics)
        )
    return version


def rule_set_copy(*, rule_set: scoring.RuleSet, valid_from: dt.date) -> RuleSetVersion:
    """A new version starting `valid_from`, identical until an administrator edits it; named
    after the original and the date (`qd766-2026-tu-2027-01-01`), numbered if that name is taken."""
    base = f"{rule_set.version}-tu-{valid_from.isoformat()}"[:36]
    name, n = base, 1
    while RuleSetVersion.objects.filter(version=name).exists():
        n += 1
        name = f"{base}-{n}"
    copy = dataclasses.replace(rule_set, version=name, valid_from=valid_from, valid_to=None)
    return rule_set_store(rule_set=copy)
