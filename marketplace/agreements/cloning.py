"""What the agreements app copies when an event's catalogue is cloned (`events/cloning.py`):
the event's agreement policy and each package's clauses, onto the copies."""

from events.cloning import EVENT_CLONED
from marketplace.agreements.models import AgreementPolicy, PackageClause


@EVENT_CLONED.register(20, "copy the agreement policy and package clauses")
def copy_policy_and_clauses(source, copy, *, packages, **context) -> None:
    policy = AgreementPolicy.objects.filter(event=source).first()
    if policy is not None:
        policy.pk = None
        policy.event = copy
        policy.save()
    PackageClause.objects.bulk_create(
        PackageClause(
            package=packages[clause.package_id],
            title=clause.title,
            body=clause.body,
            order=clause.order,
            active=clause.active,
        )
        for clause in PackageClause.objects.filter(package_id__in=packages)
    )
