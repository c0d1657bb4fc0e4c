"""Finance's pages for the sponsor under /account/pledges/: the invoice and the documents.
They share the `payments:` namespace with the payment pages (marketplace/urls.py joins them), so
their URL names (`payments:invoice`, `payments:download`) are unchanged."""

from django.urls import path

from marketplace.finance import views

urlpatterns = [
    path("account/pledges/<uuid:public_id>/invoice/", views.request_invoice, name="invoice"),
    path(
        "account/pledges/<uuid:public_id>/documents/<str:kind>/<str:number>.pdf",
        views.download,
        name="download",
    ),
]
