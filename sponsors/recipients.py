"""Who receives an organisation's mail, in one place: its team (every member), its contact for
a role (finance, signatory, marketing… — else its primary contact, else any contact), or both.

Mail about a pledge, a document or an agreement goes to the organisation that pledged; each
sender picks one of these rather than querying members and contacts itself.
"""

from sponsors.models import MemberRole, Membership


def team(organisation_id: int) -> list[str]:
    """Everyone in the organisation's team: its members' addresses, each once, sorted."""
    emails = Membership.objects.filter(organisation_id=organisation_id).values_list(
        "user__email", flat=True
    )
    return sorted({email for email in emails if email})


def contact_else_team(organisation, role: str) -> list[str]:
    """The organisation's contact for `role` (else its primary or any contact); the team when
    no contact has an address."""
    contact = organisation.contact_for(role)
    if contact is not None and contact.email:
        return [contact.email]
    return team(organisation.pk)


def team_and_contact(organisation, role: str) -> list[str]:
    """The team and the contact for `role` (else the primary or any contact), each address
    once, sorted."""
    addresses = set(team(organisation.pk))
    contact = organisation.contact_for(role)
    if contact is not None and contact.email:
        addresses.add(contact.email)
    return sorted(addresses)


def primary_contact_else_admins(organisation) -> list[str]:
    """The primary contact (else any contact), else the organisation's administrators."""
    contact = organisation.primary_contact
    if contact:
        return [contact.email]
    emails = Membership.objects.filter(
        organisation_id=organisation.pk, role=MemberRole.ADMIN
    ).values_list("user__email", flat=True)
    return sorted({email for email in emails if email})
