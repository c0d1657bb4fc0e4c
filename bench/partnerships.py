"""Benchmark the partnership register: import, search and statistics at 100,000 agreements.

Generates a CSV of N plausible agreements (seeded, 10% addenda), imports it into a scratch
copy of the database (`test_<name>`, created and dropped here, so your data is untouched) and
prints: import time and peak memory, the same import again (nothing changes), export time,
search p50/p95 with three facets (region, area, type) with and without words, partners to
approach p50/p95 beside a baseline measured in the same run (a count of every agreement-partner
link) and their ratio, the time of the statistics for all years, then the KPI pages
(bench/pipeline.py, with their own baseline), and a summary of issue 13's figures with the load
average. The tables are vacuum-analysed after loading, as autovacuum would soon do.
Targets: search p95 < 100 ms on PostgreSQL and statistics < 500 ms (issue 5); partners to
approach p95 < 150 ms and KPI page p95 < 300 ms (issue 13).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mydb .venv/bin/python bench/partnerships.py
    options: --rows 100000 --searches 200 --seed 5 --tracemalloc
             --keep (keep the scratch copy and reuse it next time: no import, queries only)
"""

import argparse
import csv
import io
import os
import random
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-" + "x9Q2" * 16)
os.environ.setdefault("ALLOWED_HOSTS", "localhost")
os.environ.setdefault("STATICFILES_MANIFEST", "false")  # the KPI pages render admin templates
# The bench's staff user has no authenticator: without this the admin answers with enrolment.
os.environ.setdefault("STAFF_REQUIRE_MFA", "false")

WORDS = (
    "broadband spectrum regulation cybersecurity schools rural connectivity health mobile "
    "agriculture finance inclusion women girls youth skills training academy emergency "
    "telecommunications early warning disaster e-waste recycling statistics indicators "
    "innovation entrepreneurs satellites fibre policy accessibility persons disabilities "
    "smart cities data protection child online protection digital transformation"
).split()


def vocabulary(rng) -> list[str]:
    """The topical words and 400 made-up ones, so a query word occurs in a few percent of the
    agreements (as in real text) rather than in half of them."""
    syllables = "ka ro mi te lu sa no vi de pa ri go".split()
    made_up = {
        "".join(rng.choice(syllables) for _ in range(rng.randrange(2, 4))) for _ in range(600)
    }
    return WORDS + sorted(made_up)[:400]


def generate(path: Path, rows: int, seed: int) -> None:
    from register.choices import (
        AgreementType,
        AreaOfAction,
        Contribution,
        PartnerCategory,
        Region,
    )
    from register.csvformat import COLUMNS

    rng = random.Random(seed)
    words = vocabulary(rng)
    partners = [f"Partner {i:04d} {rng.choice(WORDS).title()}" for i in range(3000)]
    types = [t for t in AgreementType.values if t != "addendum"]
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for n in range(1, rows + 1):
            year = rng.randrange(2000, 2026)
            addendum = n > 100 and rng.random() < 0.1
            value = rng.random() < 0.7
            writer.writerow(
                [
                    f"BENCH/{n:06d}",
                    " ".join(rng.choice(words) for _ in range(6)).capitalize(),
                    ";".join(rng.sample(partners, rng.choice([1, 1, 1, 2]))),
                    rng.choice(PartnerCategory.values),
                    "addendum" if addendum else rng.choice(types),
                    f"{year}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
                    "",
                    f"{rng.randrange(1, 400) * 2500}.00" if value else "",
                    rng.choice(["USD", "CHF", "EUR"]) if value else "",
                    # A cash contribution states its value (the import refuses one without).
                    rng.choice(Contribution.values)
                    if value
                    else rng.choice([Contribution.IN_KIND, Contribution.NONE]),
                    ";".join(rng.sample(Region.values, rng.choice([1, 1, 1, 2, 3]))),
                    ";".join(rng.sample(AreaOfAction.values, rng.choice([1, 1, 2]))),
                    " ".join(rng.choice(words) for _ in range(25)).capitalize() + ".",
                    f"BENCH/{rng.randrange(1, n):06d}" if addendum else "",
                ]
            )


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, (time.perf_counter() - start) * 1000


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def load(args) -> None:
    """Generate the agreements, import them (twice) and export them, printing the figures."""
    # Imported here, as in run(): the app's modules load only after django.setup().
    from register.exporting import export_agreements
    from register.importing import import_agreements

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "agreements.csv"
        _, ms = timed(generate, path, args.rows, args.seed)
        size = path.stat().st_size / 1e6
        print(f"generated {args.rows:,} agreements ({size:.1f} MB CSV) in {ms / 1000:.1f} s")

        baseline = rss_mb()
        if args.tracemalloc:
            tracemalloc.start()
        with path.open(encoding="utf-8", newline="") as stream:
            result, ms = timed(import_agreements, stream)
        assert result.ok, result.errors[:5]
        traced = ""
        if args.tracemalloc:
            traced = f", Python allocations peak {tracemalloc.get_traced_memory()[1] / 1e6:.0f} MB"
            tracemalloc.stop()
        print(
            f"import: {result.created:,} created in {ms / 1000:.1f} s "
            f"({args.rows / (ms / 1000):,.0f} rows/s); peak RSS {rss_mb():.0f} MB "
            f"(+{rss_mb() - baseline:.0f} MB over {baseline:.0f} MB){traced}"
        )
        with path.open(encoding="utf-8", newline="") as stream:
            again, ms = timed(import_agreements, stream)
        print(
            f"same file again: {again.created} created, {again.updated} updated, "
            f"{again.unchanged:,} unchanged in {ms / 1000:.1f} s"
        )
        _, ms = timed(export_agreements, io.StringIO())
        print(f"export of {args.rows:,} agreements: {ms / 1000:.1f} s")


def run(args) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    # A scratch database of our own, apart from the test suite's.
    name = settings.DATABASES["default"]["NAME"]
    # A kept copy has its own name: the other benches recreate and drop `bench_<name>`.
    scratch = f"bench_{Path(name).stem}" + ("_kept" if args.keep else "")
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = scratch
    from django.test.utils import setup_databases, teardown_databases

    from bench.pipeline import analyse, kpi_figures
    from register import fulltext
    from register.choices import AgreementType, AreaOfAction, Region
    from register.models import AgreementPartner
    from register.profile import partners_like
    from register.search import SearchParams, search
    from register.stats import agreement_stats

    print(f"database: {connection.vendor}; building a scratch copy (migrations)…", flush=True)
    old = setup_databases(verbosity=0, interactive=False, keepdb=args.keep)
    try:
        from register.models import PartnershipAgreement  # the app's models: after setup()

        if args.keep and PartnershipAgreement.objects.exists():
            print(
                f"kept scratch copy: {PartnershipAgreement.objects.count():,} agreements "
                "(no import; run without --keep to rebuild it)"
            )
        else:
            load(args)
        analyse()

        rng = random.Random(args.seed)
        types = AgreementType.values
        for label, with_words in (("three facets", False), ("three facets + words", True)):
            durations, hits = [], []
            for _ in range(args.searches):
                params = SearchParams(
                    region=[rng.choice(Region.values)],
                    area=[rng.choice(AreaOfAction.values)],
                    type=[rng.choice(types)],
                    q=rng.choice(WORDS) if with_words else "",
                )
                result, ms = timed(search, params)
                list(result.page.object_list)  # the page of results, fully read
                hits.append(result.page.paginator.count)
                durations.append(ms)
            print(
                f"search, {label}: p50 {statistics.median(durations):.1f} ms, "
                f"p95 {percentile(durations, 0.95):.1f} ms, max {max(durations):.1f} ms "
                f"over {args.searches} searches (median {statistics.median(hits):.0f} hits; "
                f"each search = results page + counts of all 7 facets)"
            )
        # Baseline, interleaved: one count of every agreement-partner link, the least a ranking
        # over all the links could do without a precomputed answer.
        durations, baseline = [], []
        for _ in range(args.searches):
            _suggestions, ms = timed(
                partners_like,
                regions=[rng.choice(Region.values)],
                areas=[rng.choice(AreaOfAction.values)],
            )
            durations.append(ms)
            baseline.append(timed(AgreementPartner.objects.count)[1])
        suggestions_p95, base = percentile(durations, 0.95), percentile(baseline, 0.95)
        print(
            f"partners to approach (one region + one area): p50 "
            f"{statistics.median(durations):.1f} ms, p95 {suggestions_p95:.1f} ms, "
            f"max {max(durations):.1f} ms over {args.searches} (target p95 < 150 ms)"
        )
        print(
            f"  baseline, count of the {AgreementPartner.objects.count():,} agreement-partner "
            f"links: p50 {statistics.median(baseline):.1f} ms, p95 {base:.1f} ms; "
            f"ratio p95 suggestions / baseline {suggestions_p95 / base:.2f}"
        )
        for by in ("region", "area", "type", "category"):
            runs = [timed(agreement_stats, by)[1] for _ in range(5)]
            table = agreement_stats(by)
            print(
                f"statistics by {by}, all {len(table.rows)} years: "
                f"median {statistics.median(runs):.0f} ms, max {max(runs):.0f} ms"
            )
        print(
            f"full-text search: {'PostgreSQL' if fulltext.on_postgresql() else 'SQLite icontains'}"
        )
        # Resource mobilisation (issue 13): the KPI pages on the same agreements.
        kpi = kpi_figures(seed=args.seed)
        loadavg = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(
            f"issue 13 figures (PostgreSQL targets; load average {loadavg} on "
            f"{os.cpu_count()} cores: compare the ratios above on a loaded machine):"
        )
        for label, value, target in (
            ("partners to approach p95", suggestions_p95, 150),
            ("KPI page, bureau p95", kpi["bureau"], 300),
            ("KPI page, business owner p95", kpi["business owner"], 300),
        ):
            verdict = "met" if value < target else "MISSED"
            print(f"  {label}: {value:.0f} ms (target < {target} ms) {verdict}")
    finally:
        if not args.keep:
            teardown_databases(old, verbosity=0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--searches", type=int, default=200)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument(
        "--keep", action="store_true", help="keep the scratch copy, and reuse a kept one"
    )
    parser.add_argument(
        "--tracemalloc", action="store_true", help="also trace Python allocations (slower)"
    )
    run(parser.parse_args())


if __name__ == "__main__":
    main()
