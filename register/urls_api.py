from django.urls import path

from register import api

urlpatterns = [
    path(
        "partnerships/agreements/",
        api.AgreementList.as_view(),
        name="api-partnership-agreements",
    ),
    path("partnerships/stats/", api.StatsView.as_view(), name="api-partnership-stats"),
]
