"""/api/v1/records/: mounted before /api/v1/ so that the API's catch-all 404 stays last."""

from django.urls import path

from .records import views

app_name = "api-records"

urlpatterns = [
    path("", views.RecordCollection.as_view(), name="record-list"),
    path("<str:code>/", views.RecordDetail.as_view(), name="record-detail"),
    path("<str:code>/actions/", views.RecordActions.as_view(), name="record-actions"),
    # One URL per action, so that each has its own request body in the OpenAPI schema.
    *(
        path(f"<str:code>/actions/{action.value}/", view.as_view(), name=f"record-{action.value}")
        for action, view in views.ACTION_VIEWS.items()
    ),
    path("<str:code>/actions/<str:name>/", views.UnknownActionView.as_view(), name="record-unknown-action"),
]
