"""The index dashboard, mounted at /can-bo/chi-so/."""

from django.urls import path

from . import views

app_name = "index"

urlpatterns = [
    path("", views.province_view, name="province"),
    path("<str:key>/", views.unit_view, name="unit"),
    path("<str:key>/chi-so/<str:code>/", views.metric_view, name="metric"),
    path("<str:key>/xuat.xlsx", views.unit_xlsx, name="unit_xlsx"),
    path("<str:key>/xuat.pdf", views.unit_pdf, name="unit_pdf"),
]
