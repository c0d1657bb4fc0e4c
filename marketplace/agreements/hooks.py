"""What follows in other apps when something happens to an agreement: declared here, filled in
by the higher apps in their `AppConfig.ready` (`marketplace/core/hooks.py`).

AGREEMENT_EXECUTED — an executed agreement is being delivered (`signing.deliver_executed`), once,
inside its transaction with the agreement row locked. Each step is called as
`step(agreement, executed_pdf=<bytes>)` and may set fields of the agreement that
`deliver_executed` then saves (`register_entry`). The register enters it as a sponsorship
agreement (`register/sponsorships.py`).
"""

from marketplace.core.hooks import Steps

AGREEMENT_EXECUTED = Steps("agreement executed")
