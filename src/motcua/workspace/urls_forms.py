from django.urls import path

from . import forms_views

app_name = "workspace_forms"

urlpatterns = [
    path("ho-so/<int:pk>/<str:form>.pdf", forms_views.record_form, name="record-form"),
    path("so-theo-doi/<str:agency_code>.pdf", forms_views.register, name="register"),
]
