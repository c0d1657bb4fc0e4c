from django.urls import path

from marketplace.finance import api

urlpatterns = [
    path(
        "pledges/<str:reference>/invoice/", api.PledgeInvoice.as_view(), name="api-pledge-invoice"
    ),
]
