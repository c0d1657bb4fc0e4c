"""Pledge services: the one entry point for making a pledge and moving it through its states.

Whatever reduces availability (`create_pledge`, the waiting list's offers) is one transaction
that locks the package row first, re-counts what is taken, then writes, so held + sold never
exceeds capacity under any concurrency (the lock and the count live in `availability.py`). The
moves (approve, reject, cancel, extend, expire) live in `moves.py` (re-exported here) and the
waiting list in `waitlist.py`.
"""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.models import EventPage, SponsorshipPackagePage
from marketplace.pledges import mail
from marketplace.pledges.availability import (  # noqa: F401 - part of the services' interface
    Allowance,
    allowance_of,
    check_slots,
    held_by,
    lock_package,
)
from marketplace.pledges.errors import OnboardingIncomplete, PledgeError
from marketplace.pledges.models import PaymentMethod, Pledge, new_reference
from marketplace.pledges.moves import (  # noqa: F401 - part of the services' interface
    apply_move,
    approve,
    cancel,
    expire_overdue,
    extend_hold,
    reject,
    transition,
)
from marketplace.pledges.rules import (  # noqa: F401 - part of the services' interface
    current_terms,
    deadline_end,
    hold_expiry,
    pledging_closed,
)
from marketplace.pledges.states import PLEDGE_MACHINE, PledgeState
from marketplace.pledges.submission import claim_form_token, use_form_token
from sponsors.membership import onboarding_missing

REFERENCE_ATTEMPTS = 10


def check_can_pledge(user, organisation) -> None:
    """Raise `OnboardingIncomplete` (listing what is missing) unless the account may pledge."""
    missing = onboarding_missing(user, organisation)
    if missing:
        raise OnboardingIncomplete(
            _("Finish setting up your account before pledging: %(missing)s")
            % {"missing": " ".join(str(item) for item in missing)},
            missing,
        )


def validate_request(*, package_id, quantity, payment_method, accept_terms, terms_version=None):
    """Check a pledge (or waiting-list) request that needs no lock; return (package, terms).
    Raises `PledgeError` naming the field at fault."""
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise PledgeError(_("Enter a whole number of at least 1."), field="quantity")
    if payment_method not in PaymentMethod.values:
        raise PledgeError(_("Choose card or bank transfer."), field="payment_method")
    package = published_package(package_id)
    event = package.event
    if pledging_closed(event):
        raise PledgeError(
            _("Pledging for %(event)s closed on %(date)s.")
            % {"event": event.title, "date": event.sponsorship_deadline.isoformat()},
            field="package",
        )
    if quantity > package.max_per_sponsor:
        raise PledgeError(
            _("You can pledge at most %(max)s of this package.") % {"max": package.max_per_sponsor},
            field="quantity",
        )
    terms = current_terms(event)
    if terms is None:
        raise PledgeError(
            _("The organisers have not published the terms for this event yet."),
            field="package",
        )
    if accept_terms is not True:
        raise PledgeError(_("You must accept the event's terms to pledge."), field="accept_terms")
    if terms_version is not None and terms_version != terms.version:
        raise PledgeError(
            _("The terms changed while you were reading them: read them again and accept."),
            field="accept_terms",
        )
    return package, terms


def published_package(package_id) -> SponsorshipPackagePage:
    """The published package with this id whose event is published too, or a `PledgeError`."""
    package = None
    if isinstance(package_id, int) and not isinstance(package_id, bool):
        package = (
            SponsorshipPackagePage.objects.live()
            .public()
            .filter(pk=package_id)
            .prefetch_related("benefits")
            .first()
        )
    if package is None or not package.event.live:
        raise PledgeError(
            _("There is no published package with id %(id)s.") % {"id": package_id},
            field="package",
        )
    return package


def create_pledge(
    *,
    user,
    organisation,
    package_id,
    quantity,
    payment_method,
    accept_terms,
    terms_version=None,
    form_token: str | None = None,
) -> Pledge:
    """Pledge `quantity` units of a published package for `organisation`.

    Guarantees: the account is onboarded, the input is valid, the deadline has not passed, the
    organisation stays within the maximum per sponsor and the package's capacity is never
    exceeded (package row locked, availability re-counted, pledge written — one transaction).
    The pledge snapshots price, currency, total and benefits, records the accepted terms and
    holds its slots until `hold_expiry`; a package that requires approval moves it straight to
    awaiting_approval. With `form_token` (the pledge form's one-time token) at most one pledge
    is ever made per token, concurrent submissions included: a used token raises
    `AlreadySubmitted` naming the pledge it made (see `submission.py`). Raises
    `OnboardingIncomplete`, `PledgeError` or `NotEnoughLeft`, having written nothing."""
    check_can_pledge(user, organisation)
    package, terms = validate_request(
        package_id=package_id,
        quantity=quantity,
        payment_method=payment_method,
        accept_terms=accept_terms,
        terms_version=terms_version,
    )
    event = package.event
    # Everything that needs no lock is prepared before the package is locked: the snapshot,
    # the expiry, the reference. Under the lock: one count, the inserts, the commit.
    pledge = new_pledge(
        package=package,
        event=event,
        organisation=organisation,
        user=user,
        quantity=quantity,
        payment_method=payment_method,
        terms=terms,
        expires_at=hold_expiry(event, payment_method),
    )
    for attempt in range(REFERENCE_ATTEMPTS):
        pledge.pk, pledge.status, pledge.reference = None, PledgeState.HELD, new_reference()
        try:
            with transaction.atomic():
                _hold_and_write(pledge, package, user, organisation, quantity, form_token)
            break
        except IntegrityError:
            # A reference clash (rare: 10⁶ references a year) rolls the whole attempt back and
            # it is tried again with a new one; a savepoint per insert would cost every pledge
            # two more round trips under the lock.
            clash = Pledge.objects.filter(reference=pledge.reference).exists()
            if not clash or attempt == REFERENCE_ATTEMPTS - 1:
                raise
    return pledge


def _hold_and_write(pledge, package, user, organisation, quantity, form_token) -> None:
    """Inside the transaction: lock the package, re-count, insert the pledge and its history
    entry, and queue its emails (one outbox row)."""
    # The form's token is locked before the package, so a second submission of the same form
    # waits here and then finds it used, rather than being told "sold out".
    claimed = None if form_token is None else claim_form_token(form_token, user, package.pk)
    locked = lock_package(package.pk)
    check_slots(locked, package.pk, organisation.pk, quantity)
    pledge.save(force_insert=True)
    if claimed is not None:
        use_form_token(claimed, pledge)
    change = PLEDGE_MACHINE.log(
        pledge, "", PledgeState.HELD, actor=user, reason=gettext_lazy("Pledged.")
    )
    kinds = ["held"]
    if package.requires_approval:
        change = apply_move(
            pledge,
            PledgeState.AWAITING_APPROVAL,
            actor=user,
            reason=gettext_lazy("The package requires the organisers' approval."),
            expires_at=deadline_end(pledge.event),
        )
        kinds = ["awaiting_approval", "needs_approval"]
    # One outbox row: the mail queue renders, logs and sends the emails after commit.
    mail.notify_all(pledge, kinds, change=change.pk)


def snapshot_benefits(package: SponsorshipPackagePage, event: EventPage) -> list[dict]:
    return [
        {
            "kind": benefit.kind,
            "quantity": benefit.quantity,
            "description": benefit.description,
            "days_before_event": benefit.days_before_event,
            "due_date": benefit.deadline_for(event).isoformat(),
        }
        for benefit in package.benefits.all()
    ]


def new_pledge(
    *, package, event, organisation, user, quantity, payment_method, terms, expires_at
) -> Pledge:
    """The pledge of `quantity` units of `package`, not saved yet: price, currency, total and
    benefits snapshotted now."""
    return Pledge(
        organisation=organisation,
        created_by=user,
        event=event,
        package=package,
        quantity=quantity,
        payment_method=payment_method,
        unit_price=package.price,
        currency=event.currency,
        total=package.price * quantity,
        package_title=package.title,
        package_category=package.category,
        benefits=snapshot_benefits(package, event),
        accepted_terms=terms,
        status=PledgeState.HELD,
        expires_at=expires_at,
    )


def save_with_reference(pledge: Pledge) -> Pledge:
    """Insert `pledge` with a new random reference, retrying on the rare clash (in a savepoint,
    so a clash does not abort the caller's transaction)."""
    for attempt in range(REFERENCE_ATTEMPTS):
        pledge.reference = new_reference()
        try:
            with transaction.atomic():  # a savepoint: a reference clash is retried, not fatal
                pledge.save(force_insert=True)
            return pledge
        except IntegrityError:
            clash = Pledge.objects.filter(reference=pledge.reference).exists()
            if not clash or attempt == REFERENCE_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def write_pledge(**fields) -> Pledge:
    """Make and insert a pledge (see `new_pledge` for the fields), in the caller's transaction."""
    return save_with_reference(new_pledge(**fields))
