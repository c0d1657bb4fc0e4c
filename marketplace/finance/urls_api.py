from django.urls import path

from marketplace.finance import api, pledge_api

urlpatterns = [
    path("pledges/", pledge_api.PledgeList.as_view(), name="api-pledge-list"),
    path("pledges/<str:reference>/", pledge_api.PledgeDetail.as_view(), name="api-pledge-detail"),
    path(
        "pledges/<str:reference>/cancel/",
        pledge_api.PledgeCancel.as_view(),
        name="api-pledge-cancel",
    ),
    path(
        "pledges/<str:reference>/invoice/", api.PledgeInvoice.as_view(), name="api-pledge-invoice"
    ),
]
