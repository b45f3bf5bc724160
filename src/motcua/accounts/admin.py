"""Users with their role grants inline. A superuser manages everyone; a unit or province
administrator (a staff account with the MANAGE_USERS permission) only the users of their units,
and can neither make superusers nor hand out a role above their own."""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import Role, RoleGrant, User
from .permissions import Permission
from .scope import filter_by_scope, unit_ids_in_scope


def _manages_users(request: HttpRequest) -> bool:
    user = request.user
    if not (user.is_active and user.is_staff):
        return False
    ids = unit_ids_in_scope(user, Permission.MANAGE_USERS)
    return ids is None or bool(ids)


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 1
    fields = ["role", "unit", "agency"]
    raw_id_fields = ["unit", "agency"]
    verbose_name = _("vai trò")
    verbose_name_plural = _("vai trò và phạm vi")

    def get_queryset(self, request: HttpRequest) -> QuerySet[RoleGrant]:
        return filter_by_scope(super().get_queryset(request), request.user, Permission.MANAGE_USERS)

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "role" and not request.user.is_superuser:
            kwargs["choices"] = [c for c in Role.choices if c[0] != Role.PROVINCE_ADMIN]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def formfield_for_foreignkey(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if not request.user.is_superuser and field is not None:
            unit_field = "pk" if db_field.name == "unit" else "unit"
            field.queryset = filter_by_scope(
                field.queryset, request.user, Permission.MANAGE_USERS, unit_field=unit_field
            )
        return field

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _manages_users(request)

    has_change_permission = has_add_permission = has_delete_permission = has_view_permission


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [RoleGrantInline]
    list_display = ["username", "full_name", "email", "is_active", "is_staff", "last_login"]
    search_fields = ["username", "full_name", "email"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Thông tin cá nhân"), {"fields": ("full_name", "email")}),
        (
            _("Quyền hệ thống"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Thời điểm"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "full_name", "password1", "password2")}),
    )
    _SUPERUSER_ONLY = ("is_superuser", "groups", "user_permissions")

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        return [
            (name, {**opts, "fields": tuple(f for f in opts["fields"] if f not in self._SUPERUSER_ONLY)})
            for name, opts in fieldsets
        ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        users = super().get_queryset(request)
        if request.user.is_superuser:
            return users
        ids = unit_ids_in_scope(request.user, Permission.MANAGE_USERS) or frozenset()
        return users.filter(grants__unit__in=ids, is_superuser=False).distinct()

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or _manages_users(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if request.user.is_superuser:
            return True
        return _manages_users(request) and (
            obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()
        )

    has_change_permission = has_view_permission

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or _manages_users(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Accounts are deactivated, not deleted: their history rows keep pointing at them.
        return request.user.is_superuser
