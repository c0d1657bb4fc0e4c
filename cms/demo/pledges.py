"""The demo pledges: Acme Connectivity's pledges in every state, so every screen has something
on the first run — held, awaiting approval, awaiting payment (invoiced), part-paid, paid with
its agreement sent, paid with the agreement signed and countersigned, refunded, cancelled;
benefit tasks to do, one overdue, one with its asset supplied, passes with delegates to name.

Everything goes through the services a sponsor, an approver or finance would use (the same
checks, audit entries and documents), and what the worker would do later (benefit tasks,
agreements) is done at once. Idempotent: once the demo organisation has pledges, nothing is
added.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from events.models import EventPage, SponsorshipPackagePage
from marketplace.agreements.models import Agreement
from marketplace.agreements.services import issue_agreement
from marketplace.agreements.signing import countersign, sign_as_sponsor
from marketplace.finance.invoices import request_invoice
from marketplace.fulfilment.models import BenefitTask
from marketplace.fulfilment.services import create_tasks_for_pledge, submit_asset
from marketplace.payments.bank import record_transfer
from marketplace.payments.models import Payment
from marketplace.payments.refunds import refund_payment
from marketplace.pledges import services
from marketplace.pledges.models import Pledge
from sponsors.models import Organisation

SPONSOR = "sponsor@example.org"
SIGNATORY = "signatory@example.org"
APPROVER = "approver@example.org"
FINANCE = "finance@example.org"
OVERDUE_BY = datetime.timedelta(days=3)


def ensure_demo_pledges(users: dict, organisation: Organisation | None) -> int:
    """Create the demo pledges once; returns how many were made (0 when already there)."""
    sponsor, approver = users.get(SPONSOR), users.get(APPROVER)
    if organisation is None or sponsor is None or approver is None:
        return 0
    if Pledge.objects.filter(organisation=organisation).exists():
        return 0
    gsr = EventPage.objects.filter(slug="gsr-26").first()
    forum = EventPage.objects.filter(slug="regional-forum-africa").first()
    if gsr is None or forum is None:
        return 0
    finance = users.get(FINANCE) or approver
    made = []

    def pledge(event, slug, method="bank_transfer", quantity=1):
        package = SponsorshipPackagePage.objects.child_of(event).get(slug=slug)
        result = services.create_pledge(
            user=sponsor,
            organisation=organisation,
            package_id=package.pk,
            quantity=quantity,
            payment_method=method,
            accept_terms=True,
        )
        made.append(result)
        return result

    def pay(p, amount=None, reference=""):
        record_transfer(
            p,
            amount=amount or p.total,
            currency=p.currency,
            value_date=timezone.localdate(),
            bank_reference=reference or f"DEMO-{p.reference}",
            actor=finance,
        )
        p.refresh_from_db()
        return p

    # Held: a coffee break, just pledged, to pay by bank transfer.
    pledge(gsr, "coffee-break")
    # Awaiting approval: the networking dinner needs the approvers' decision.
    pledge(gsr, "networking-dinner")
    # Awaiting payment, invoiced: the Platinum tier, approved.
    platinum = pledge(gsr, "platinum")
    services.approve(platinum, actor=approver, reason="Demo data: cleared sponsor.")
    request_invoice(platinum, user=sponsor)
    # Part-paid: lanyards, half received by transfer.
    lanyards = pledge(gsr, "lanyards")
    pay(lanyards, amount=(lanyards.total / 2).quantize(Decimal("0.01")))
    # Paid, agreement sent for signature, benefit tasks to do (one overdue, one supplied).
    gold = pay(pledge(gsr, "gold"))
    gold_tasks = create_tasks_for_pledge(gold.pk)
    issue_agreement(gold.pk)
    _make_one_overdue(gold_tasks)
    # Paid at the regional forum, agreement signed by both sides.
    forum_gold = pay(pledge(forum, "gold"))
    create_tasks_for_pledge(forum_gold.pk)
    agreement = issue_agreement(forum_gold.pk)
    if agreement is not None:
        _sign_both(agreement, users.get(SIGNATORY) or sponsor, approver)
    # Refunded: the Wi-Fi, paid then refunded in full.
    wifi = pay(pledge(gsr, "wifi"))
    payment = Payment.objects.filter(pledge=wifi).first()
    refund_payment(
        payment, amount=payment.amount, reason="Demo data: the venue provides Wi-Fi.", actor=finance
    )
    # Cancelled by the sponsor before paying.
    lunch = pledge(gsr, "lunch")
    services.cancel(lunch, actor=sponsor, by_sponsor=True)
    return len(made)


def _make_one_overdue(tasks) -> None:
    """A demo board needs an overdue task: the first website-logo task's due date is moved
    into the past (the event is months away, so none would be overdue yet)."""
    logo = next((task for task in tasks if task.kind == "logo_website"), None)
    if logo is not None:
        BenefitTask.objects.filter(pk=logo.pk).update(due_date=timezone.localdate() - OVERDUE_BY)
    text = next((task for task in tasks if task.asset_type == "text"), None)
    if text is not None:
        submit_asset(
            text,
            user=text.pledge.created_by,
            text="Acme Connectivity builds rural broadband in twelve countries.",
        )


def _sign_both(agreement: Agreement, signatory, approver) -> None:
    agreement.refresh_from_db()
    sign_as_sponsor(
        agreement,
        user=signatory,
        full_name=signatory.get_full_name() or signatory.email,
        title="Chief Executive Officer",
        confirmed=True,
        document_sha256=agreement.sha256,
        ip_address=None,
    )
    countersign(
        agreement,
        user=approver,
        full_name=approver.get_full_name() or approver.email,
        title="Head of partnerships",
        confirmed=True,
        ip_address=None,
    )
