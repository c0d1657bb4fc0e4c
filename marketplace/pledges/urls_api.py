from django.urls import path

from marketplace.pledges import api
from sponsors.tokens import api as token_api

urlpatterns = [
    path("auth/token/", token_api.ObtainToken.as_view(), name="api-token"),
    path("pledges/", api.PledgeList.as_view(), name="api-pledge-list"),
    path("pledges/<str:reference>/", api.PledgeDetail.as_view(), name="api-pledge-detail"),
    path("pledges/<str:reference>/cancel/", api.PledgeCancel.as_view(), name="api-pledge-cancel"),
]
