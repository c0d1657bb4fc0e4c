"""How long a signature's evidence is kept: the signer's IP address and user agent are cleared
SIGNATURE_EVIDENCE_YEARS after signing (beat runs `clear_signature_evidence` daily).

The signature itself (name, title, date, the signed document's hash) is the legal record and
stays; only the connection details, kept to prove who signed while a dispute is plausible, go.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from marketplace.agreements.models import Signature


def evidence_cutoff(now=None):
    """Signatures made before this moment have outlived SIGNATURE_EVIDENCE_YEARS."""
    now = now or timezone.now()
    years = settings.SIGNATURE_EVIDENCE_YEARS
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February in a year that has none
        return (now - timedelta(days=1)).replace(year=now.year - years)


def clear_signature_evidence(now=None) -> int:
    """Blank the IP address and user agent of signatures older than the cutoff; returns how
    many were cleared. Idempotent: cleared signatures are not counted again."""
    return (
        Signature.objects.filter(signed_at__lt=evidence_cutoff(now))
        .filter(Q(ip_address__isnull=False) | ~Q(user_agent=""))
        .update(ip_address=None, user_agent="")
    )
