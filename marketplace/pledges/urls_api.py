from django.urls import path

from marketplace.pledges import api

urlpatterns = [
    path("auth/token/", api.ObtainToken.as_view(), name="api-token"),
    path("pledges/", api.PledgeList.as_view(), name="api-pledge-list"),
    path("pledges/<str:reference>/", api.PledgeDetail.as_view(), name="api-pledge-detail"),
    path("pledges/<str:reference>/cancel/", api.PledgeCancel.as_view(), name="api-pledge-cancel"),
]
