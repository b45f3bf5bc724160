"""Staff record pages, mounted at /can-bo/ho-so/."""

from django.urls import path

from .records import detail, intake, views

app_name = "records_ui"

urlpatterns = [
    path("", views.inbox_view, name="inbox"),
    path("hop/<slug:box>/", views.inbox_view, name="box"),
    path("tim-kiem/", views.search_view, name="search"),
    path("tiep-nhan/", intake.intake_view, name="intake"),
    path("<int:pk>/", detail.record_view, name="record"),
    path("<int:pk>/thao-tac/<slug:action>/", detail.record_action, name="action"),
    path("<int:pk>/tep/<int:file_pk>/", detail.attachment_view, name="attachment"),
]
