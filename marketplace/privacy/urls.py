"""The person's own data, mounted at /account/privacy/."""

from django.urls import path

from marketplace.privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.privacy, name="privacy"),
    path("download/", views.download, name="download"),
    path("erase/", views.request_erasure, name="request_erasure"),
]
