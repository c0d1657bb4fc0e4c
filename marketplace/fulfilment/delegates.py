"""Delegates for pass benefits: the sponsor names a person (name and email) for each pass, and
may change them until the task's due date; the registration desk exports them as CSV.

`save_delegates` replaces the task's whole list in one transaction, after checking every row,
so a bad row changes nothing; the change is written to the task's history (state unchanged).
"""

import csv
import io

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from events.choices import BenefitKind
from marketplace.fulfilment.models import BenefitTask, PassDelegate
from marketplace.fulfilment.states import TASK_MACHINE, FulfilmentError
from marketplace.pledges.admin_views import neutralise_formula as _safe
from sponsors.models import Membership


def takes_delegates(task) -> bool:
    return task.kind == BenefitKind.PASSES


def delegates_editable(task, today=None) -> bool:
    """Named or changed while the task is open, up to and including its due date."""
    today = today or timezone.localdate()
    return takes_delegates(task) and task.is_open and today <= task.due_date


def save_delegates(task, rows, *, user) -> list[PassDelegate]:
    """Replace the delegates of a passes task with `rows` [(name, email), ...] in pass order
    (blank rows are passes not named yet). Raises FulfilmentError, changing nothing, when the
    user is not on the sponsor's team, the deadline has passed, there are more rows than
    passes, a row has a name without a valid email (or the reverse), or an email repeats."""
    if not Membership.objects.filter(user=user, organisation_id=task.organisation_id).exists():
        raise FulfilmentError(_("Only the sponsor's team can name delegates."))
    cleaned = []
    seen = set()
    for position, (name, email) in enumerate(rows, start=1):
        name, email = (name or "").strip(), (email or "").strip().lower()
        if not name and not email:
            continue
        if not name:
            raise FulfilmentError(
                _("Pass %(n)s: give the delegate's full name.") % {"n": position}, field="rows"
            )
        if not email:
            raise FulfilmentError(
                _("Pass %(n)s: give the delegate's email.") % {"n": position}, field="rows"
            )
        try:
            validate_email(email)
        except ValidationError:
            raise FulfilmentError(
                _("Pass %(n)s: “%(email)s” is not a valid email address.")
                % {"n": position, "email": email},
                field="rows",
            )
        if email in seen:
            raise FulfilmentError(
                _("Pass %(n)s: %(email)s is named for another pass already.")
                % {"n": position, "email": email},
                field="rows",
            )
        seen.add(email)
        cleaned.append((position, name[:200], email))
    with transaction.atomic():
        locked = BenefitTask.objects.select_for_update().get(pk=task.pk)
        if not takes_delegates(locked):
            raise FulfilmentError(_("This benefit has no passes to name."))
        if not delegates_editable(locked):
            raise FulfilmentError(
                _("Delegates could be named until %(date)s; contact the organisers to change them.")
                % {"date": locked.due_date.isoformat()}
            )
        if len(rows) > locked.quantity or any(p > locked.quantity for p, _n, _e in cleaned):
            raise FulfilmentError(
                _("This benefit has %(n)s passes.") % {"n": locked.quantity}, field="rows"
            )
        locked.delegates.all().delete()
        written = PassDelegate.objects.bulk_create(
            PassDelegate(task=locked, position=p, name=n, email=e, updated_by=user)
            for p, n, e in cleaned
        )
        TASK_MACHINE.log(
            locked,
            locked.state,
            locked.state,
            actor=user,
            reason=_("Delegates named: %(named)s of %(passes)s passes.")
            % {"named": len(cleaned), "passes": locked.quantity},
        )
    return written


def delegates_csv(event) -> str:
    """Every delegate named for the event's passes, for the registration desk: one row per
    person, sponsor first, with the pledge reference."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [_("Sponsor"), _("Pledge"), _("Pass"), _("Full name"), _("Email"), _("Named on")]
    )
    delegates = (
        PassDelegate.objects.filter(task__event=event)
        .select_related("task__organisation", "task__pledge")
        .order_by("task__organisation__display_name", "task__pk", "position")
    )
    for delegate in delegates:
        task = delegate.task
        writer.writerow(
            [
                _safe(task.organisation.display_name),
                task.pledge.reference,
                delegate.position,
                _safe(delegate.name),
                _safe(delegate.email),
                timezone.localtime(delegate.updated_at).date().isoformat(),
            ]
        )
    return out.getvalue()
