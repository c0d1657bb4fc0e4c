"""The domain errors of agreements, each with a message meant for the person. Nothing is written
when one is raised; pages show the message beside the field it names."""

from marketplace.agreements.states import InvalidAgreementMove

__all__ = ["AgreementError", "InvalidAgreementMove"]


class AgreementError(Exception):
    """Bad input or a rule of the domain says no. `field` names the input at fault (None when
    the whole request is)."""

    def __init__(self, message, field: str | None = None):
        self.message = str(message)
        self.field = field
        super().__init__(self.message)
