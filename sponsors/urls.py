"""The sponsor portal, mounted at /account/ (pledge pages live under /account/pledges/,
mounted separately by the pledges app)."""

from django.urls import path

from sponsors.views import contacts, language, onboarding, organisation, overview, team

app_name = "sponsors"

urlpatterns = [
    path("", overview.dashboard, name="dashboard"),
    path("onboarding/", onboarding.onboarding, name="onboarding"),
    path("language/", language.language, name="language"),
    path("organisations/", overview.organisations, name="organisations"),
    path("organisations/switch/", overview.switch_organisation, name="switch_organisation"),
    path("organisation/", organisation.organisation_detail, name="organisation"),
    path("organisation/edit/", organisation.organisation_edit, name="organisation_edit"),
    path("contacts/", contacts.contact_list, name="contacts"),
    path("contacts/add/", contacts.contact_form, name="contact_add"),
    path("contacts/<int:pk>/edit/", contacts.contact_form, name="contact_edit"),
    path("contacts/<int:pk>/delete/", contacts.contact_delete, name="contact_delete"),
    path("team/", team.team, name="team"),
    path("team/invite/", team.invite, name="invite"),
    path("team/invitations/", team.invitation_list, name="invitations"),
    path("team/invitations/<int:pk>/revoke/", team.revoke_invitation, name="revoke_invitation"),
    path("team/members/<int:pk>/role/", team.change_role, name="change_role"),
    path("team/members/<int:pk>/remove/", team.remove_member, name="remove_member"),
    path("invitations/<str:token>/", team.accept_invitation, name="accept_invitation"),
]
