"""Payment routes: the sponsor's pages under /account/pledges/, Stripe's webhook and the local
test checkout under /payments/."""

from django.urls import path

from marketplace.payments import standin, views, webhooks

app_name = "payments"

urlpatterns = [
    path("payments/stripe/webhook/", webhooks.stripe_webhook, name="stripe_webhook"),
    path("payments/test-checkout/<str:session_id>/", standin.checkout, name="standin_checkout"),
    path("account/pledges/<uuid:public_id>/pay/card/", views.pay_by_card, name="pay_card"),
    path("account/pledges/<uuid:public_id>/pay/return/", views.card_return, name="card_return"),
    path("account/pledges/<uuid:public_id>/invoice/", views.request_invoice, name="invoice"),
    path(
        "account/pledges/<uuid:public_id>/documents/<str:kind>/<str:number>.pdf",
        views.download,
        name="download",
    ),
]
