"""The agreements' steps after a pledge is paid or approved (`marketplace/pledges/hooks.py`),
registered by `AgreementsConfig.ready`. The event's `AgreementPolicy` decides which of the two
issues the agreement (`scheduling.py`)."""

from marketplace.agreements.scheduling import APPROVAL, PAYMENT, schedule_agreement
from marketplace.pledges.hooks import PLEDGE_APPROVED, PLEDGE_PAID


@PLEDGE_PAID.register(30, "prepare the agreement")
def prepare_agreement_on_payment(pledge, **context) -> None:
    schedule_agreement(pledge, PAYMENT)


@PLEDGE_APPROVED.register(10, "prepare the agreement")
def prepare_agreement_on_approval(pledge, **context) -> None:
    schedule_agreement(pledge, APPROVAL)
