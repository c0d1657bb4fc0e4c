"""The domain errors a pledge service raises, each with a message meant for the person.

Pages show the message beside the field it names; the API answers 400 with field errors, 409
for `NotEnoughLeft`, 403 for `OnboardingIncomplete`. Nothing is written when one is raised.
"""

from marketplace.pledges.states import InvalidTransition

__all__ = ["InvalidTransition", "NotEnoughLeft", "OnboardingIncomplete", "PledgeError"]


class PledgeError(Exception):
    """Bad input or a rule of the domain says no. `field` names the input at fault (None when
    the whole request is)."""

    def __init__(self, message, field: str | None = None):
        self.message = str(message)
        self.field = field
        super().__init__(self.message)


class NotEnoughLeft(PledgeError):
    """The package has fewer slots left than asked for (sold out when none are left)."""

    def __init__(self, message, available: int):
        self.available = available
        super().__init__(message, field="quantity")


class OnboardingIncomplete(PledgeError):
    """The account may not pledge yet; `missing` lists what it still has to do."""

    def __init__(self, message, missing: list[str]):
        self.missing = [str(item) for item in missing]
        super().__init__(message)
