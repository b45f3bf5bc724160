from django.urls import path

from . import views

app_name = "workspace"

urlpatterns = [
    path("", views.home, name="home"),
    path("thu-tuc/", views.offering_list, name="offerings"),
    path("thu-tuc/<int:pk>/", views.offering_detail, name="offering"),
]
