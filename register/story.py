"""The register's section of an organisation's admin page (`sponsors.hooks.ORGANISATION_STORY`):
the partnership agreements of the partner linked to the organisation (`Partner.organisation`),
newest signature first, with the register's audit entries for the page's timeline. Only for
readers of the register (partnership officers, finance); two queries."""

from django.urls import reverse
from django.utils.translation import gettext as _

from marketplace.core.story import TIMELINE_LIMIT, StorySection, TimelineEntry
from register.access import can_read
from register.models import AuditEntry, PartnershipAgreement
from sponsors.hooks import ORGANISATION_STORY


@ORGANISATION_STORY.register(20, "partnership agreements")
def register_section(organisation, *, user):
    if not can_read(user):
        return None
    agreements = list(
        PartnershipAgreement.objects.filter(partners__organisation=organisation)
        .distinct()
        .order_by("-signed_on", "reference")
    )
    entries = (
        AuditEntry.objects.filter(agreement__in=[agreement.pk for agreement in agreements])
        .select_related("user")
        .order_by("-at", "-pk")[:TIMELINE_LIMIT]
    )
    timeline = [
        TimelineEntry(
            at=entry.at,
            subject=_("Register agreement %(reference)s") % {"reference": entry.reference},
            to_label=entry.get_action_display(),
            actor=entry.user,
            reason=entry.source,
            url=reverse("register:agreement", args=[entry.agreement_id]),
        )
        for entry in entries
    ]
    return StorySection(
        name="register",
        title=_("Partnership agreements"),
        template="register/admin/story_register.html",
        context={
            "rows": [
                {"agreement": agreement, "url": agreement.get_absolute_url()}
                for agreement in agreements
            ]
        },
        timeline=timeline,
    )
