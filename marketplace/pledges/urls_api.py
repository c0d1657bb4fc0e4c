from django.urls import path

from sponsors.tokens import api as token_api

# The pledge routes (list, make, read, cancel) are in `marketplace/finance/urls_api.py`: they
# answer with the pledge's money, which the apps above pledges add.
urlpatterns = [
    path("auth/token/", token_api.ObtainToken.as_view(), name="api-token"),
]
