"""Benchmark the resource-mobilisation KPI pages at 100,000 agreements and 10,000 organisations.

Standalone, it builds a scratch copy of the database (`bench_<name>`, dropped at the end),
imports N generated agreements (bench/partnerships.py's generator) and measures; from
bench/partnerships.py it measures on that run's data, printed after the register's figures.
Either way it first tops the data up to 10,000 marketplace organisations (each a register
partner), 8 business owners owning the agreements in turn, 2,000 opportunities, yearly targets
and 1,000 co-financing rows, then requests each KPI page (the bureau's and a business owner's,
rendered by the admin view, charts and tables included) and prints p50/p95, each beside a
baseline requested in turn with it (the same page for a year without agreements) and the ratio.
Target (issue 13): KPI page p95 < 300 ms on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mydb .venv/bin/python bench/pipeline.py
    options: --rows 100000 --requests 60 --seed 5
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-" + "x9Q2" * 16)
os.environ.setdefault("ALLOWED_HOSTS", "localhost")
os.environ.setdefault("STATICFILES_MANIFEST", "false")  # admin pages without collectstatic
# The bench's staff user has no authenticator: without this the admin answers with enrolment.
os.environ.setdefault("STAFF_REQUIRE_MFA", "false")

ORGANISATIONS = 10_000
OWNERS = 8
EMPTY_YEAR = 1999  # the generated agreements are signed from 2000


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def top_up(seed: int) -> dict:
    """Bring the current database to the benchmark's shape (see the module docstring)."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.db.models import Max, Min

    from register import facets
    from register.models import Partner, PartnershipAgreement
    from register.pipeline.codes import AREA_BITS, REGION_BITS
    from register.pipeline.models import CoFinancing, Opportunity, Prospect, Target
    from register.pipeline.permissions import ensure_pipeline_permissions
    from sponsors.models import Organisation

    rng = random.Random(seed)
    with transaction.atomic():
        missing = ORGANISATIONS - Organisation.objects.count()
        Organisation.objects.bulk_create(
            [
                Organisation(
                    legal_name=f"Bench organisation {n:05d} Ltd",
                    display_name=f"Bench organisation {n:05d}",
                    country=rng.choice(["CH", "FR", "KE", "BR", "IN", "JP", "RW", "US"]),
                    category=rng.choice(["private_sector", "foundation", "academia", "ngo"]),
                )
                for n in range(max(missing, 0))
            ],
            batch_size=2000,
        )
        # Each organisation is a register partner: link existing partners first, then add.
        unlinked = list(
            Organisation.objects.filter(partner__isnull=True).values_list("pk", "display_name")
        )
        free = list(Partner.objects.filter(organisation__isnull=True).values_list("pk", flat=True))
        for (org_id, _name), partner_id in zip(unlinked, free, strict=False):
            Partner.objects.filter(pk=partner_id).update(organisation_id=org_id)
        rest = unlinked[len(free) :]
        Partner.objects.bulk_create(
            [Partner(name=f"{name} (partner {pk})", organisation_id=pk) for pk, name in rest],
            batch_size=2000,
        )
        users = get_user_model().objects
        officers = ensure_pipeline_permissions()
        owners = []
        for n in range(OWNERS):
            user, _ = users.get_or_create(
                username=f"owner{n}@bench.example",
                defaults={
                    "email": f"owner{n}@bench.example",
                    "is_staff": True,
                    "first_name": f"Owner {n}",
                },
            )
            user.groups.add(officers)
            owners.append(user)
        ids = [o.pk for o in owners]
        unowned = list(
            PartnershipAgreement.objects.filter(business_owner__isnull=True).values_list(
                "pk", flat=True
            )
        )
        if unowned and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE register_agreement SET business_owner_id = (%s)[1 + (id %% %s)] "
                    "WHERE business_owner_id IS NULL",
                    [ids, len(ids)],
                )
            # A write behind the register's services: refresh its derived rows as they do.
            facets.refresh(unowned)
        bounds = PartnershipAgreement.objects.aggregate(
            first=Min("signed_on"), last=Max("signed_on")
        )
        year = bounds["last"].year if bounds["last"] else 2025
        if not Opportunity.objects.exists():
            partners = list(Partner.objects.values_list("pk", flat=True)[:2000])
            prospects = Prospect.objects.bulk_create([Prospect(partner_id=p) for p in partners])
            stages = ["identified", "contacted", "proposal", "negotiation", "lost"]
            Opportunity.objects.bulk_create(
                [
                    Opportunity(
                        prospect=prospect,
                        title=f"Bench opportunity {n}",
                        stage=(stage := rng.choice(stages)),
                        probability={
                            "identified": 10,
                            "contacted": 25,
                            "proposal": 50,
                            "negotiation": 75,
                            "lost": 0,
                        }[stage],
                        lost_reason="bench" if stage == "lost" else "",
                        expected_value=Decimal(rng.randrange(1, 400) * 2500),
                        currency=rng.choice(["USD", "CHF", "EUR"]),
                        business_owner_id=rng.choice(ids),
                        region_mask=rng.choice(list(REGION_BITS.values())),
                        area_mask=rng.choice(list(AREA_BITS.values())),
                        purpose_detail="Bench project",
                    )
                    for n, prospect in enumerate(prospects)
                ],
                batch_size=2000,
            )
        for owner_id in [None, *ids]:
            for metric, currency in (
                ("cash", "USD"),
                ("in_kind", "USD"),
                ("new_agreements", ""),
                ("new_partners", ""),
                ("sponsorship", "CHF"),
            ):
                Target.objects.get_or_create(
                    year=year,
                    scope="owner" if owner_id else "bureau",
                    business_owner_id=owner_id,
                    metric=metric,
                    currency=currency,
                    defaults={"amount": Decimal(1_000_000 if currency else 500)},
                )
        for code in ("AFR", "ASP", "EUR"):
            Target.objects.get_or_create(
                year=year,
                scope="region",
                region=code,
                metric="cash",
                currency="USD",
                defaults={"amount": Decimal(2_000_000)},
            )
        if not CoFinancing.objects.exists():
            valued = PartnershipAgreement.objects.filter(value__isnull=False).exclude(currency="")
            CoFinancing.objects.bulk_create(
                [
                    CoFinancing(agreement_id=pk, bureau_contribution=value / 3)
                    for pk, value in valued.values_list("pk", "value")[:1000]
                ]
            )
    return {"year": year, "owner": owners[0]}


def analyse() -> None:
    """What autovacuum does soon after a bulk load: fresh planner statistics (and a clean
    visibility map) for the tables just written, so the figures are not those of a minute
    after the load."""
    from django.db import connection  # the app's modules load only after django.setup()

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")


def kpi_figures(requests: int = 60, seed: int = 5) -> dict[str, float]:
    """Top the current database up, then time both KPI pages and print their p50/p95 beside a
    baseline measured in the same run; returns the p95 of each page (ms)."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from register.models import PartnershipAgreement
    from sponsors.models import Organisation

    started = time.perf_counter()
    shape = top_up(seed)
    analyse()
    print(
        f"KPI data: {PartnershipAgreement.objects.count():,} agreements, "
        f"{Organisation.objects.count():,} organisations, {OWNERS} business owners "
        f"(topped up in {time.perf_counter() - started:.1f} s)",
        flush=True,
    )
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(shape["owner"])
    pages = (
        ("bureau", reverse("pipeline_admin:kpis")),
        ("business owner", reverse("pipeline_admin:owner-kpis", args=[shape["owner"].pk])),
    )
    figures = {}
    for label, url in pages:
        # Baseline, interleaved with the page: the same view for a year without agreements
        # (same admin chrome, template, charts and tables, no data to add up).
        durations, baseline = [], []
        for _ in range(requests):
            for year, into in ((shape["year"], durations), (EMPTY_YEAR, baseline)):
                start = time.perf_counter()
                response = client.get(url, {"year": year}, secure=True)
                into.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, response.status_code
        p95, base = percentile(durations, 0.95), percentile(baseline, 0.95)
        figures[label] = p95
        print(
            f"KPI page, {label} ({shape['year']}): p50 {statistics.median(durations):.0f} ms, "
            f"p95 {p95:.0f} ms, max {max(durations):.0f} ms over "
            f"{requests} requests (target p95 < 300 ms; {connection.vendor})",
            flush=True,
        )
        print(
            f"  baseline, same page for {EMPTY_YEAR} (no agreements): p50 "
            f"{statistics.median(baseline):.0f} ms, p95 {base:.0f} ms; "
            f"ratio p95 page / baseline {p95 / base:.2f}",
            flush=True,
        )
    return figures


def run(args) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    from bench.partnerships import generate
    from register.importing import import_agreements

    name = settings.DATABASES["default"]["NAME"]
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = f"bench_{Path(name).stem}"
    print(f"database: {connection.vendor}; building a scratch copy (migrations)…", flush=True)
    old = setup_databases(verbosity=0, interactive=False, keepdb=False)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "agreements.csv"
            generate(path, args.rows, args.seed)
            start = time.perf_counter()
            with path.open(encoding="utf-8", newline="") as stream:
                result = import_agreements(stream)
            assert result.ok, result.errors[:5]
            print(f"imported {result.created:,} agreements in {time.perf_counter() - start:.0f} s")
        kpi_figures(args.requests, args.seed)
    finally:
        teardown_databases(old, verbosity=0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--seed", type=int, default=5)
    run(parser.parse_args())


if __name__ == "__main__":
    main()
