"""/can-bo/dong-bo/: deliveries to the national portal and other connected systems."""

from django.urls import path

from . import views

app_name = "deliveries"

urlpatterns = [
    path("", views.failed_list, name="failed"),
    path("<int:pk>/gui-lai/", views.resend, name="resend"),
]
