"""/api/v1/exchange/: mounted before /api/v1/ so that the API's catch-all 404 stays last."""

from django.urls import path

from .exchange import views

app_name = "api-exchange"

urlpatterns = [
    path("dvcqg/import", views.DvcqgImport.as_view(), name="dvcqg-import"),
]
