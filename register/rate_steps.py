"""The register's step when rates of exchange are recorded (`marketplace/finance/hooks.py`),
registered by `RegisterConfig.ready`."""

from marketplace.finance.hooks import RATES_RECORDED
from marketplace.finance.rates import RateBook
from register import facets
from register.models import PartnershipAgreement
from register.valuation import without_rate


@RATES_RECORDED.register(10, "value the partnership agreements")
def value_waiting_agreements(book: RateBook) -> dict[str, int]:
    """Revalue the signed agreements that lacked a rate (and their facet rows)."""
    ids = list(without_rate().values_list("pk", flat=True))
    facets.refresh(ids)
    valued = PartnershipAgreement.objects.filter(pk__in=ids, reporting_amount__isnull=False).count()
    return {"partnership agreements": valued}
