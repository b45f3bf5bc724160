from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from . import views
from .problems import not_found

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("me/", views.MeView.as_view(), name="me"),
    path("units/", views.UnitList.as_view(), name="unit-list"),
    path("units/<int:pk>/", views.UnitDetail.as_view(), name="unit-detail"),
    path("units/<int:unit_id>/offerings/", views.UnitOfferingList.as_view(), name="unit-offerings"),
    path("agencies/", views.AgencyList.as_view(), name="agency-list"),
    path("agencies/<int:pk>/", views.AgencyDetail.as_view(), name="agency-detail"),
    path("procedures/", views.ProcedureList.as_view(), name="procedure-list"),
    path("procedures/<int:pk>/", views.ProcedureDetail.as_view(), name="procedure-detail"),
    path("offerings/<int:pk>/", views.OfferingDetail.as_view(), name="offering-detail"),
    # Last: an unknown address under /api/v1/ answers in problem details too, not an HTML page.
    re_path(r"^.*$", not_found, name="not-found"),
]
