from django.urls import path

from events import api

urlpatterns = [
    path("events/", api.EventList.as_view(), name="api-event-list"),
    path("events/<slug:slug>/", api.EventDetail.as_view(), name="api-event-detail"),
    path("packages/<int:pk>/", api.PackageDetail.as_view(), name="api-package-detail"),
]
