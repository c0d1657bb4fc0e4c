"""Creating a paid pledge's benefit tasks, moving them (start, deliver, waive) and taking the
sponsor's assets. Each public function is one transaction that locks what it changes, checks
the rules, writes the change and its audit entry.
"""

import datetime
import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.fulfilment import assets
from marketplace.fulfilment.kinds import AssetType, rule_for
from marketplace.fulfilment.models import BenefitTask
from marketplace.fulfilment.states import TASK_MACHINE, FulfilmentError, TaskState, check_move
from marketplace.fulfilment.tasks import create_benefit_tasks
from marketplace.pledges.models import Pledge
from marketplace.pledges.states import PAID_STATES
from sponsors.models import Membership
from worker import outbox


def enqueue_task_creation(pledge_id: int) -> None:
    """Queue the creation of the pledge's benefit tasks through the outbox, in the current
    transaction (the one marking the pledge paid): published after commit, or by the outbox
    flush if the broker is down; enqueued once per pledge whatever the number of calls."""
    outbox.enqueue(create_benefit_tasks, pledge_id, key=f"fulfilment:{pledge_id}")


def planned_tasks(pledge) -> list[BenefitTask]:
    """The tasks the pledge's benefit snapshot calls for (unsaved): one per benefit, or one per
    unit for kinds delivered unit by unit (each post, each speaker). Quantities count the
    pledge's quantity; the due date is the event's start less the benefit's days before it."""
    event = pledge.event
    planned = []
    for index, benefit in enumerate(pledge.benefits or []):
        kind = benefit.get("kind", "")
        rule = rule_for(kind)
        total = max(int(benefit.get("quantity") or 1), 1) * pledge.quantity
        units = [(unit, 1) for unit in range(1, total + 1)] if rule.split else [(1, total)]
        due = _due_date(event, benefit)
        for unit, quantity in units:
            planned.append(
                BenefitTask(
                    pledge=pledge,
                    event_id=pledge.event_id,
                    organisation_id=pledge.organisation_id,
                    benefit_index=index,
                    unit=unit,
                    units=len(units),
                    kind=kind,
                    description=(benefit.get("description") or "")[:255],
                    quantity=quantity,
                    package_category=pledge.package_category,
                    due_date=due,
                    team=rule.team,
                )
            )
    return planned


def _due_date(event, benefit: dict) -> datetime.date:
    days = benefit.get("days_before_event")
    if days is not None:
        return event.start_date - datetime.timedelta(days=int(days))
    if benefit.get("due_date"):
        return datetime.date.fromisoformat(benefit["due_date"])
    return event.start_date


def create_tasks_for_pledge(pledge_id: int) -> list[BenefitTask]:
    """Create the benefit tasks of a paid pledge and return all its tasks. Idempotent: the
    pledge row is locked and each (benefit, unit) is created once, so running it twice, or
    twice at once, gives the same tasks. A pledge that is not (or no longer) paid gets none."""

    with transaction.atomic():
        pledge = Pledge.objects.select_for_update().select_related("event").get(pk=pledge_id)
        if pledge.status not in PAID_STATES:  # paid pledges have their benefits delivered
            return list(pledge.benefit_tasks.all())
        existing = set(pledge.benefit_tasks.values_list("benefit_index", "unit"))
        for task in planned_tasks(pledge):
            if (task.benefit_index, task.unit) in existing:
                continue
            task.save()
            _log(task, "", TaskState.TO_DO, None, _("Created when pledge %(ref)s was paid.")
                 % {"ref": pledge.reference})  # fmt: skip
        return list(pledge.benefit_tasks.order_by("due_date", "pk"))


def _log(task, from_state, to_state, actor, reason="") -> None:
    TASK_MACHINE.log(task, from_state, to_state, actor=actor, reason=reason)


def _lock(task) -> BenefitTask:
    return BenefitTask.objects.select_for_update().get(pk=task.pk)


def _move(task, to_state, actor, reason="", **fields) -> BenefitTask:
    """Lock the task, then move it by the machine (`states.TASK_MACHINE`), saving `fields`
    with the state in the same UPDATE; raises `InvalidTaskMove`, writing nothing, otherwise."""
    locked = _lock(task)
    TASK_MACHINE.check(locked.state, to_state)
    for name, value in fields.items():
        setattr(locked, name, value)
    TASK_MACHINE.move(locked, to_state, actor=actor, reason=reason, also_save=tuple(fields))
    return locked


def start(task, *, actor, note: str = "") -> BenefitTask:
    """Move a task from to do to in progress (logged). Raises InvalidTaskMove otherwise."""
    with transaction.atomic():
        return _move(task, TaskState.IN_PROGRESS, actor, note or _("Work started."))


def deliver(task, *, actor, proof_file=None, proof_url: str = "", note: str = "") -> BenefitTask:
    """Mark a task in progress delivered, with its proof: an uploaded photo or file (PDF, PNG,
    JPEG) and/or a link. Without a proof, or with a bad file, raises FulfilmentError naming the
    field and stores nothing."""
    proof_url = (proof_url or "").strip()
    content = None
    is_photo = False
    if proof_file is not None:
        try:
            content, is_photo = assets.clean_proof_file(proof_file)
        except ValidationError as error:
            raise FulfilmentError(error.messages[0], field="proof_file")
    if content is None and not proof_url:
        raise FulfilmentError(
            _("Give a proof of delivery: a photo, a file or a link."), field="proof_file"
        )
    written = []
    try:
        with transaction.atomic():
            locked = _lock(task)
            check_move(locked.state, TaskState.DELIVERED)  # refuse before storing a file
            fields = {
                "proof_url": proof_url,
                "proof_note": (note or "").strip(),
                "delivered_at": timezone.now(),
            }
            if content is not None:
                locked.proof_file.save(content.name, content, save=False)
                written.append(locked.proof_file)
                fields.update(
                    proof_file=locked.proof_file.name,
                    proof_filename=assets.display_name(proof_file),
                    proof_is_photo=is_photo,
                )
            return _move(locked, TaskState.DELIVERED, actor, note or _("Delivered."), **fields)
    except BaseException:
        _delete(written)
        raise


def waive(task, *, actor, reason: str) -> BenefitTask:
    """Waive an open task, with a reason (required; recorded on the task and in its log)."""
    reason = (reason or "").strip()
    if not reason:
        raise FulfilmentError(_("Give a reason for waiving this benefit."), field="reason")
    with transaction.atomic():
        return _move(task, TaskState.WAIVED, actor, reason, waived_reason=reason)


def submit_asset(task, *, user, upload=None, text: str | None = None) -> BenefitTask:
    """Store the sponsor's asset for an open task (replacing an earlier one), logged with the
    state unchanged. Only a member of the task's organisation may; the upload or text must
    pass the benefit's checks (`assets.py`). On any refusal raises FulfilmentError (with the
    form field) and stores nothing."""

    rule = rule_for(task.kind)
    if not Membership.objects.filter(user=user, organisation_id=task.organisation_id).exists():
        raise FulfilmentError(_("Only the sponsor's team can supply this asset."))
    try:
        if rule.asset == AssetType.LOGO:
            field, content = "logo", _require(upload, _("Choose a logo file."))
            content = assets.clean_logo_asset(content, rule.min_size)
        elif rule.asset == AssetType.TEXT:
            field, content = "text", assets.clean_text_asset(text, rule.max_length)
        elif rule.asset == AssetType.FILE:
            field, content = "file", _require(upload, _("Choose a file."))
            content = assets.clean_file_asset(content)
        else:
            raise FulfilmentError(_("This benefit needs nothing from you."))
    except ValidationError as error:
        raise FulfilmentError(error.messages[0], field=_form_field(rule.asset))
    written = []
    try:
        with transaction.atomic():
            locked = _lock(task)
            if not locked.is_open:
                raise FulfilmentError(
                    _("This benefit is %(state)s: its asset can no longer change.")
                    % {"state": locked.state_label.lower()}
                )
            replaced = [f for f in (locked.asset_logo, locked.asset_file) if f]
            replaced = [(f.storage, f.name) for f in replaced]
            replacing = locked.has_asset
            if field == "logo":
                locked.asset_logo.save(content.name, content, save=False)
                written.append(locked.asset_logo)
            elif field == "file":
                locked.asset_file.save(content.name, content, save=False)
                written.append(locked.asset_file)
                locked.asset_filename = assets.display_name(upload)
            else:
                locked.asset_text = content
            locked.asset_submitted_at = timezone.now()
            locked.asset_submitted_by = user
            locked.save()
            what = {"logo": _("Logo"), "file": _("File"), "text": _("Text")}[field]
            message = _("%(what)s replaced.") if replacing else _("%(what)s supplied.")
            _log(locked, locked.state, locked.state, user, message % {"what": what})
            kept = {f.name for f in (locked.asset_logo, locked.asset_file) if f}
            # The earlier file goes once the new one is committed (a rollback keeps it).
            transaction.on_commit(lambda: [s.delete(n) for s, n in replaced if n and n not in kept])
    except BaseException:
        _delete(written)
        raise
    return locked


def use_organisation_logo(task, *, user) -> BenefitTask:
    """Supply the organisation's profile logo as the task's logo ("use our logo"), through the
    same checks as an upload (a logo too small for a banner is refused). Raises
    FulfilmentError when the organisation has no logo or the benefit takes none."""
    if rule_for(task.kind).asset != AssetType.LOGO:
        raise FulfilmentError(_("This benefit does not take a logo."))
    logo = task.organisation.logo
    if not logo:
        raise FulfilmentError(
            _("Your organisation's profile has no logo yet: upload one here."), field="logo"
        )
    with logo.open("rb") as stored:
        content = ContentFile(stored.read(), name=os.path.basename(logo.name))
    return submit_asset(task, user=user, upload=content)


def _require(upload, message):
    if upload is None:
        raise ValidationError(message)
    return upload


def _form_field(asset_type: str) -> str:
    return {AssetType.LOGO: "logo", AssetType.TEXT: "text"}.get(asset_type, "file")


def _delete(fieldfiles) -> None:
    """Remove files written by a change that did not commit: nothing stored after a refusal."""
    for fieldfile in fieldfiles:
        if fieldfile.name:
            fieldfile.storage.delete(fieldfile.name)


def describe(task) -> str:
    """A short label for messages: "Logo on website — Acme (due 2026-05-01)"."""
    return f"{task.title} — {task.organisation.display_name} ({task.due_date})"


def assign(task, *, assignee, actor) -> BenefitTask:
    """Give the task to `assignee` (a staff user who may work benefit tasks, or None to leave
    it unassigned), logged with the state unchanged. Raises FulfilmentError, changing nothing,
    for someone who may not work the board, or a closed task."""
    if assignee is not None and not _may_work_board(assignee):
        raise FulfilmentError(
            _("%(person)s cannot work benefit tasks: choose a staff member of the event's team.")
            % {"person": assignee.get_full_name() or assignee.email},
            field="assignee",
        )
    with transaction.atomic():
        locked = _lock(task)
        if not locked.is_open:
            raise FulfilmentError(
                _("This benefit is %(state)s: it can no longer be assigned.")
                % {"state": locked.state_label.lower()}
            )
        if locked.assignee_id == getattr(assignee, "pk", None):
            return locked
        locked.assignee = assignee
        locked.save(update_fields=["assignee", "updated_at"])
        if assignee is None:
            message = _("Unassigned.")
        else:
            message = _("Assigned to %(person)s.") % {
                "person": assignee.get_full_name() or assignee.email
            }
        _log(locked, locked.state, locked.state, actor, message)
    return locked


WORK_PERMISSION = ("fulfilment", "deliver_benefittask")


def _may_work_board(user) -> bool:
    return user.is_active and user.has_perm(".".join(WORK_PERMISSION))


def board_staff():
    """The people benefit tasks can be assigned to: active users who may work the board
    (through a group, their own permissions, or as superusers), by name."""
    app, codename = WORK_PERMISSION
    permission = Q(content_type__app_label=app, codename=codename)
    granted = Permission.objects.filter(permission)
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions__in=granted)
            | Q(user_permissions__in=granted)
        )
        .distinct()
        .order_by("first_name", "last_name", "email")
    )
