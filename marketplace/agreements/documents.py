"""The agreements' part of the organisation's documents page
(`marketplace/pledges/documents.py`): every version issued, with its PDF (the executed copy
once both sides signed). Registered by `AgreementsConfig.ready`."""

from django.urls import reverse
from django.utils.translation import gettext as _

from marketplace.agreements.models import Agreement
from marketplace.agreements.states import AgreementState
from marketplace.pledges.documents import ORGANISATION_DOCUMENTS, Document


@ORGANISATION_DOCUMENTS.register(20, "agreements: the agreements issued")
def agreement_documents(organisation) -> list[Document]:
    agreements = (
        Agreement.objects.filter(pledge__organisation=organisation, sent_at__isnull=False)
        .select_related("pledge")
        .order_by("-sent_at")
    )
    documents = []
    for agreement in agreements:
        executed = agreement.status == AgreementState.EXECUTED and agreement.executed_pdf
        name = "agreements:executed_pdf" if executed else "agreements:pdf"
        documents.append(
            Document(
                kind=_("Agreement"),
                number=agreement.label,
                issued_at=agreement.executed_at if executed else agreement.sent_at,
                pledge_reference=agreement.pledge.reference,
                pledge_public_id=agreement.pledge.public_id,
                url=reverse(name, args=[agreement.public_id]),
                state=agreement.get_status_display(),
            )
        )
    return documents
