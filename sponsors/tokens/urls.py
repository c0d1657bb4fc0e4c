"""Mounted at /account/security/tokens/."""

from django.urls import path

from sponsors.tokens import views

app_name = "api_tokens"

urlpatterns = [
    path("", views.token_list, name="list"),
    path("<int:pk>/revoke/", views.revoke, name="revoke"),
    path("revoke-all/", views.revoke_all, name="revoke_all"),
]
