"""The sponsor portal's pledge pages, mounted at /account/pledges/."""

from django.urls import path

from marketplace.pledges import views

app_name = "pledges"

urlpatterns = [
    path("", views.pledge_list, name="list"),
    path("documents/", views.documents, name="documents"),
    path("new/<int:package_id>/", views.pledge_create, name="create"),
    path("waitlist/<int:package_id>/", views.waitlist_join, name="waitlist_join"),
    path("waitlist/entry/<int:entry_id>/leave/", views.waitlist_leave, name="waitlist_leave"),
    path("<uuid:public_id>/", views.pledge_detail, name="detail"),
    path("<uuid:public_id>/cancel/", views.pledge_cancel, name="cancel"),
    path("<uuid:public_id>/accept-offer/", views.accept_offer, name="accept_offer"),
]
