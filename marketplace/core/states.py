"""One state-machine kit for every stateful model: pledge, payment, agreement, benefit task.

Each app declares its machine once, beside its states (`<app>/states.py` keeps the enum and the
table of allowed moves; the machine binds them to the model's state field, the timestamps a
state sets, and the audit model):

    PLEDGE_MACHINE = StateMachine(
        moves=ALLOWED_MOVES,
        log_model="pledges.PledgeChange",
        subject="pledge",
        stamps={PledgeState.PAID: "paid_at"},
        touch=("updated_at",),
        error=InvalidTransition,
    )

    PLEDGE_MACHINE.move(locked_pledge, PledgeState.PAID, actor=user, reason="Stripe")

`move` checks the table, sets the state and its stamp, saves those fields in one UPDATE and
writes the audit row (who, when, from, to, why) — or raises the app's error and writes nothing.
Locking the row is the caller's job (each app's services own their lock), so a move inside a
larger transaction does not lock twice.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.utils import timezone, translation
from django.utils.functional import Promise

from marketplace.core.audit import StateChange


class InvalidMove(Exception):
    """A move the table does not allow. Apps subclass it to name their own error; the
    constructor takes `(from_state, to_state)`."""

    def __init__(self, from_state: str, to_state: str):
        self.from_state = from_state
        self.to_state = to_state
        super().__init__(f"{from_state or '—'} → {to_state} is not allowed.")


@dataclass(frozen=True)
class StateMachine:
    moves: Mapping[str, frozenset[str]]
    # The audit model (a `StateChange` subclass), as a model class or "app_label.ModelName".
    log_model: object
    # The audit model's foreign key to the object that moved.
    subject: str
    state_field: str = "status"
    # The timestamp field a state sets when the object enters it.
    stamps: Mapping[str, str] = field(default_factory=dict)
    # Fields saved with every move (e.g. `updated_at`, an `auto_now` field).
    touch: tuple[str, ...] = ()
    error: type[Exception] = InvalidMove

    def allows(self, from_state: str, to_state: str) -> bool:
        return to_state in self.moves.get(from_state, frozenset())

    def check(self, from_state: str, to_state: str) -> None:
        """Raise the machine's error unless `from_state` → `to_state` is allowed."""
        if not self.allows(from_state, to_state):
            raise self.error(from_state, to_state)

    @property
    def audit_model(self) -> type[StateChange]:
        model = self.log_model
        if isinstance(model, str):
            model = apps.get_model(model)
        return model

    def move(self, obj, to_state: str, *, actor=None, reason="", at=None, also_save=()):
        """Apply an allowed move to `obj` (already locked by the caller): its state, the
        state's timestamp and the fields in `also_save`, in one UPDATE, then the audit row.
        Returns the audit row. Raises the machine's error, writing nothing, when the table
        forbids the move."""
        from_state = getattr(obj, self.state_field)
        self.check(from_state, to_state)
        setattr(obj, self.state_field, to_state)
        fields = [self.state_field, *self.touch, *also_save]
        stamp = self.stamps.get(to_state)
        if stamp:
            setattr(obj, stamp, at or timezone.now())
            fields.append(stamp)
        obj.save(update_fields=list(dict.fromkeys(fields)))
        return self.log(obj, from_state, to_state, actor=actor, reason=reason)

    def log(self, obj, from_state: str, to_state: str, *, actor=None, reason="") -> StateChange:
        """Write one audit row for `obj` (also for changes that are not moves of the table,
        such as a new hold expiry, logged from a state to itself)."""
        signed_in = actor is not None and getattr(actor, "is_authenticated", False)
        return self.audit_model.objects.create(
            **{self.subject: obj},
            actor=actor if signed_in else None,
            from_state=from_state or "",
            to_state=to_state,
            reason=stored_reason(reason),
        )


def stored_reason(reason) -> str:
    """A reason as the audit log keeps it. The code's own reasons come as lazy translations
    (`gettext_lazy("Pledged.")`) and are stored in the site's language, whoever's request made
    the change, so the log reads in one language and each page translates the entry for its
    reader (`{% translate entry.reason %}`); a reason someone typed is kept as typed."""
    if isinstance(reason, Promise):
        with translation.override(settings.LANGUAGE_CODE):
            return str(reason)
    return str(reason or "")
