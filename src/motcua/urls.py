from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("motcua — Quản trị hệ thống")
admin.site.site_title = _("motcua")
admin.site.index_title = _("Quản trị")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/records/", include("motcua.api.urls_records")),
    path("api/v1/exchange/", include("motcua.api.urls_exchange")),
    path("api/v1/", include("motcua.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("motcua.accounts.urls")),
    path("can-bo/lich/", include("motcua.calendars.urls")),
    path("can-bo/ho-so/", include("motcua.workspace.urls_records")),
    path("can-bo/bieu-mau/", include("motcua.workspace.urls_forms")),
    path("can-bo/", include("motcua.workspace.urls")),
    path("", include("motcua.portal.urls")),
]
