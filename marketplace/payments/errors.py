"""The domain error payment services raise, with a message meant for the person."""


class PaymentError(Exception):
    """A payment cannot be made or recorded as asked; nothing was changed. `field` names the
    input at fault (None when the whole request is); `conflict` marks a refusal because of the
    pledge's state (the API answers 409)."""

    def __init__(self, message, *, field: str | None = None, conflict: bool = False):
        self.message = str(message)
        self.field = field
        self.conflict = conflict
        super().__init__(self.message)
