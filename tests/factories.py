"""Factories shared by every package's tests: units, agencies, staff with role grants."""

import datetime as dt

import factory

from motcua.accounts.models import Role, RoleGrant, User
from motcua.units.models import AdministrativeUnit, Agency, AgencyKind, UnitLevel


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdministrativeUnit
        django_get_or_create = ("code",)

    code = "56"
    name = "Tỉnh Khánh Hòa"
    level = UnitLevel.PROVINCE
    kind = "tỉnh"


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdministrativeUnit

    code = factory.Sequence(lambda n: f"9{n:04d}")
    name = factory.Sequence(lambda n: f"Xã Thử Nghiệm {n}")
    level = UnitLevel.COMMUNE
    kind = "xã"
    parent = factory.SubFactory(ProvinceFactory)
    valid_from = dt.date(2025, 7, 1)


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    code = factory.Sequence(lambda n: f"H56.90.{n}")
    name = factory.LazyAttribute(lambda o: f"UBND {o.unit.name}")
    kind = AgencyKind.PEOPLES_COMMITTEE
    unit = factory.SubFactory(CommuneFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"canbo{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    password = factory.PostGenerationMethodCall("set_password", "mat-khau-demo-2025")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def grant(user: User, role: Role, unit: AdministrativeUnit, agency: Agency | None = None) -> RoleGrant:
    return RoleGrant.objects.create(user=user, role=role, unit=unit, agency=agency)


class FieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "catalog.Field"
        django_get_or_create = ("code",)

    code = "ho-tich"
    name = "Hộ tịch"


def _search_text(*texts: str) -> str:
    from motcua.catalog.services import search_text_for

    return search_text_for(*texts)


class ProcedureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "catalog.Procedure"

    code = factory.Sequence(lambda n: f"9.{n:06d}")
    name = factory.Sequence(lambda n: f"Thủ tục thử nghiệm {n}")
    field = factory.SubFactory(FieldFactory)
    full_online_eligible = True
    search_text = factory.LazyAttribute(lambda o: _search_text(o.code, o.name))


class OfferingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "catalog.Offering"

    procedure = factory.SubFactory(ProcedureFactory)
    agency = factory.SubFactory(AgencyFactory)
    online_level = "partial"
    valid_from = dt.date(2025, 7, 1)
