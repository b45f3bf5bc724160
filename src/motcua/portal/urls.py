from django.urls import path

from . import lookup, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("thu-tuc/", views.procedure_list, name="procedure_list"),
    path("thu-tuc/<str:code>/", views.procedure_page, name="procedure"),
    path("tra-cuu-ho-so/", lookup.record_lookup, name="record_lookup"),
]
