"""Report pages, mounted at /can-bo/bao-cao/."""

from django.urls import path

from . import views

app_name = "reports_ui"

urlpatterns = [
    path("", views.report_home, name="home"),
    path("kiem-tra/", views.inspection_view, name="inspection"),
    path("dinh-ky/", views.periodic_view, name="periodic"),
]
