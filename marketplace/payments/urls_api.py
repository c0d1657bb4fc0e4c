from django.urls import path

from marketplace.payments import api

urlpatterns = [
    path(
        "pledges/<str:reference>/checkout/",
        api.PledgeCheckout.as_view(),
        name="api-pledge-checkout",
    ),
]
