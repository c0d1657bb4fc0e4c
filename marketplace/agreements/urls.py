"""The sponsor portal's agreement pages, mounted at /account/agreements/."""

from django.urls import path

from marketplace.agreements import views

app_name = "agreements"

urlpatterns = [
    path("<uuid:public_id>/", views.agreement_detail, name="detail"),
    path("<uuid:public_id>/agreement.pdf", views.agreement_pdf, name="pdf"),
    path("<uuid:public_id>/executed.pdf", views.executed_pdf, name="executed_pdf"),
]
