"""Payment routes: the sponsor's card pages under /account/pledges/, Stripe's webhook and the
local test checkout under /payments/. marketplace/urls.py adds finance's invoice and document
pages (marketplace/finance/urls.py) to this `payments:` namespace."""

from django.urls import path

from marketplace.payments import views, webhooks

app_name = "payments"

urlpatterns = [
    path("payments/stripe/webhook/", webhooks.stripe_webhook, name="stripe_webhook"),
    path(
        "payments/test-checkout/<str:session_id>/", views.standin_checkout, name="standin_checkout"
    ),
    path("account/pledges/<uuid:public_id>/pay/card/", views.pay_by_card, name="pay_card"),
    path("account/pledges/<uuid:public_id>/pay/return/", views.card_return, name="card_return"),
]
