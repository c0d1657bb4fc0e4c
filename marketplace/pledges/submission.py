"""One pledge per pledge form: the form carries a one-time token, and the first submission that
carries it uses it up in the same transaction that writes the pledge.

A double-click, a resubmitted page or two tabs posting the same form at the same instant make
one pledge: the token's row is locked (`SELECT … FOR UPDATE`) before the package, so the
second request waits for the first to commit, then finds the token used and is sent to that
pledge. A failed attempt (sold out, bad input) rolls back with the pledge, so the token stays
valid for the corrected submission.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.pledges.errors import PledgeError
from marketplace.pledges.models import PledgeFormToken

# Long enough for someone to read the terms, discuss and come back; short enough that the
# table holds at most a day of form views per person.
TOKEN_LIFETIME = datetime.timedelta(hours=24)


class AlreadySubmitted(PledgeError):
    """This form was submitted before; `pledge` is what that submission made (None if it was
    since deleted)."""

    def __init__(self, pledge):
        self.pledge = pledge
        if pledge is not None:
            message = _(
                "You had already sent this form: pledge %(reference)s was recorded once, and "
                "this is it."
            ) % {"reference": pledge.reference}
        else:
            message = _("You had already sent this form.")
        super().__init__(message)


class FormExpired(PledgeError):
    """The form carried no token, or one that is unknown, someone else's or too old."""

    def __init__(self):
        super().__init__(
            _(
                "This form was out of date, so nothing was pledged: check the details and "
                "send it again."
            )
        )


def issue_form_token(user, package) -> str:
    """The token to put in `user`'s pledge form for `package`: their unused one when it is
    fresh (so reloading the page does not pile up rows), else a new one. Tokens older than
    `TOKEN_LIFETIME` of this user are deleted on the way."""
    cutoff = timezone.now() - TOKEN_LIFETIME
    PledgeFormToken.objects.filter(user=user, issued_at__lt=cutoff).delete()
    fresh = (
        PledgeFormToken.objects.filter(user=user, package=package, used_at__isnull=True)
        .order_by("-issued_at")
        .values_list("token", flat=True)
        .first()
    )
    return fresh or PledgeFormToken.objects.create(user=user, package=package).token


def used_form_token(token: str, user) -> PledgeFormToken | None:
    """The user's token when it was already used (a cheap check before any work), else None."""
    if not token:
        return None
    return (
        PledgeFormToken.objects.select_related("pledge")
        .filter(token=token, user=user, used_at__isnull=False)
        .first()
    )


def claim_form_token(token: str, user, package_id: int) -> PledgeFormToken:
    """Lock the user's token for this package until the transaction ends (call inside it).
    Raises `AlreadySubmitted` when it was used, `FormExpired` when it is missing or stale."""
    row = (
        PledgeFormToken.objects.select_for_update()
        .filter(token=token or "", user=user, package_id=package_id)
        .first()
    )
    if row is None or row.issued_at < timezone.now() - TOKEN_LIFETIME:
        raise FormExpired()
    if row.used_at is not None:
        raise AlreadySubmitted(row.pledge)
    return row


def use_form_token(row: PledgeFormToken, pledge) -> None:
    """Mark the claimed token used by `pledge` (in the transaction that wrote it)."""
    row.used_at = timezone.now()
    row.pledge = pledge
    row.save(update_fields=["used_at", "pledge"])
