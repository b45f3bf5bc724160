"""/api/v1/exchange/: mounted before /api/v1/ so that the API's catch-all 404 stays last."""

from django.urls import path

from .exchange import connectors, inbound, views

app_name = "api-exchange"

urlpatterns = [
    path("dvcqg/import", views.DvcqgImport.as_view(), name="dvcqg-import"),
    path("dvcqg/import/<int:pk>", views.DvcqgImportRun.as_view(), name="dvcqg-import-run"),
    path("dvcqg/import/<int:pk>/restart", views.DvcqgImportRestart.as_view(), name="dvcqg-import-restart"),
    path("connectors/<int:pk>/inbound", connectors.ConnectorInbound.as_view(), name="connector-inbound"),
    path("dvcqg/inbound", inbound.DvcqgInbound.as_view(), name="dvcqg-inbound"),
]
