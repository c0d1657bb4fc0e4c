"""The agreements' section of a pledge's story (`marketplace.pledges.hooks.PLEDGE_STORY`): each
pledge's agreement with every version (newest first), who signed each side and when, the PDFs,
the actions its state and the reader's rights allow now (countersign, issue a new version,
void), and the versions' audit entries for the timeline. Three queries, whatever the number of
versions."""

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _

from marketplace.agreements.admin_views import VIEW_PERMISSION, available_actions
from marketplace.agreements.models import Agreement, AgreementChange, Signature
from marketplace.agreements.states import AgreementState
from marketplace.core.story import TIMELINE_LIMIT, StorySection, choice_label, timeline_entries
from marketplace.pledges.hooks import PLEDGE_STORY


def _inspect_url(agreement) -> str:
    return reverse("agreements_admin:inspect", args=[agreement.pk])


@PLEDGE_STORY.register(30, "agreement and versions")
def agreements_section(pledges, *, user):
    if not user.has_perm(VIEW_PERMISSION):
        return None
    agreements = list(
        Agreement.objects.filter(pledge__in=pledges)
        .select_related("pledge")
        .prefetch_related(
            Prefetch("signatures", queryset=Signature.objects.order_by("signed_at", "pk"))
        )
        .defer("content")
        .order_by("pledge_id", "-version")
    )
    newest_seen, rows = set(), []
    for agreement in agreements:
        newest = agreement.pledge_id not in newest_seen  # ordered newest version first
        newest_seen.add(agreement.pledge_id)
        rows.append(
            {
                "agreement": agreement,
                "newest": newest,
                "url": _inspect_url(agreement),
                "pdf_url": reverse("agreements_admin:pdf", args=[agreement.pk, "issued"])
                if agreement.pdf
                else "",
                "executed_pdf_url": reverse("agreements_admin:pdf", args=[agreement.pk, "executed"])
                if agreement.executed_pdf
                else "",
                "signatures": agreement.signatures.all(),
                "actions": [
                    (reverse(f"agreements_admin:{name}", args=[agreement.pk]), label)
                    for name, label in available_actions(agreement, user, newest=newest)
                ],
            }
        )
    changes = (
        AgreementChange.objects.filter(agreement__pledge__in=pledges)
        .select_related("actor", "agreement")
        .order_by("-at", "-pk")[:TIMELINE_LIMIT]
    )
    timeline = timeline_entries(
        changes,
        subject_of=lambda change: _("Agreement %(label)s") % {"label": change.agreement.label},
        label_of=choice_label(AgreementState),
        url_of=lambda change: _inspect_url(change.agreement),
    )
    return StorySection(
        name="agreement",
        title=_("Agreement and its versions"),
        template="agreements/admin/story_agreements.html",
        context={"rows": rows, "many": len(pledges) > 1},
        timeline=timeline,
    )
