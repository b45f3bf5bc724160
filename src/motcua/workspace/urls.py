from django.urls import include, path

from . import views

app_name = "workspace"

urlpatterns = [
    path("", views.home, name="home"),
    path("thu-tuc/", views.offering_list, name="offerings"),
    path("thu-tuc/<int:pk>/", views.offering_detail, name="offering"),
    path("dong-bo/", include("motcua.workspace.deliveries.urls")),
    path("chi-so/", include("motcua.workspace.index.urls")),
    path("bao-cao/", include("motcua.workspace.reports.urls")),
]
