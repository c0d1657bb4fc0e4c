"""The register's audit trail: who changed which values of an agreement, and when.

Values are compared in their text form (the CSV's, plus the fields the CSV does not carry), so
an entry reads like the spreadsheet a partnership officer knows.
"""

from django.utils import timezone

from register.choices import AuditAction
from register.csvformat import agreement_row, format_date
from register.models import AuditEntry, PartnershipAgreement, with_lists


def snapshot(agreement: PartnershipAgreement) -> dict[str, object]:
    """The agreement's current content as stored (read afresh, ignoring cached relations)."""
    fresh = (
        with_lists(PartnershipAgreement.objects.filter(pk=agreement.pk))
        .select_related("business_owner")
        .prefetch_related("signatories", "documents")
        .get()
    )
    data: dict[str, object] = agreement_row(fresh)
    owner = fresh.business_owner
    data.update(
        expiry=format_date(fresh.expiry),
        status=fresh.status,
        publishable="yes" if fresh.publishable else "no",
        business_owner=(owner.email or owner.get_username()) if owner else "",
        signatories=[
            f"{s.get_side_display()}: {s.name}" + (f", {s.title}" if s.title else "")
            for s in fresh.signatories.all()
        ],
        documents=[f"{d.title} ({d.file.name})" for d in fresh.documents.all()],
    )
    return data


def diff(before: dict | None, after: dict | None) -> dict[str, list]:
    """{field: [old, new]} for every field whose value differs (None stands for absent)."""
    before, after = before or {}, after or {}
    changes = {}
    for field in dict.fromkeys([*before, *after]):
        old, new = before.get(field), after.get(field)
        if old != new:
            changes[field] = [old, new]
    return changes


def entry(agreement, action, changes, *, user=None, source: str, at=None) -> AuditEntry:
    """An unsaved entry (for bulk writes); `record` saves one."""
    return AuditEntry(
        agreement=agreement,
        reference=agreement.reference,
        action=action,
        source=source,
        user=user if getattr(user, "is_authenticated", False) else None,
        at=at or timezone.now(),
        changes=changes,
    )


def record(agreement, action, before, after, *, user=None, source: str) -> AuditEntry | None:
    """Save an entry for a change; an update that changed nothing leaves no entry."""
    changes = diff(before, after)
    if action == AuditAction.UPDATED and not changes:
        return None
    audit_entry = entry(agreement, action, changes, user=user, source=source)
    audit_entry.save()
    return audit_entry
