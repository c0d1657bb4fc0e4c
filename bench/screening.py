"""Benchmark sanctions screening: every organisation against the UN Consolidated List.

Builds, in a scratch database (`bench_<name>`, created and dropped here), N organisations with
two contacts each and a list of M entries (individuals and entities, two aliases each), plants
a known number of listed names among the contacts and organisations, then times the full
rescan (what beat runs daily and `import_sanctions_list` runs after loading) against a baseline
measured in the same run: reading the same organisations and their names without comparing
them. Target (issue 13): 10,000 organisations against 1,000 entries in under 60 s.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mydb .venv/bin/python bench/screening.py
    options: --organisations 10000 --entries 1000 --planted 25 --seed 7
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-" + "x9Q2" * 16)
os.environ.setdefault("ALLOWED_HOSTS", "localhost")

SYLLABLES = (
    "ka ro mi te lu sa no vi de pa ri go ha zu be lo an el or is "
    "mar tin sol ven dra kor lis bau fer gus nad rim tal pes qui wen jor hak sim dun"
).split()


def word(rng) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randrange(2, 4))).capitalize()


def build(rng, organisations: int, entries: int, planted: int) -> set[int]:
    """Returns the ids of the organisations given a listed name."""
    from sponsors.models import (
        Contact,
        ContactRole,
        Organisation,
        SanctionsEntry,
        SanctionsEntryKind,
    )

    listed = []
    for number in range(entries):
        kind = SanctionsEntryKind.ENTITY if number % 3 == 0 else SanctionsEntryKind.INDIVIDUAL
        parts = 2 if kind == SanctionsEntryKind.ENTITY else 3
        name = " ".join(word(rng) for _ in range(parts))
        if kind == SanctionsEntryKind.ENTITY:
            name += " Trading Company"
        listed.append(
            SanctionsEntry(
                data_id=str(100000 + number),
                reference_number=f"QD{kind[0]}.{number}",
                kind=kind,
                name=name,
                aliases=[" ".join(word(rng) for _ in range(parts)) for _ in range(2)],
            )
        )
    SanctionsEntry.objects.bulk_create(listed, batch_size=1000)
    people = [e for e in listed if e.kind == SanctionsEntryKind.INDIVIDUAL]
    bodies = [e for e in listed if e.kind == SanctionsEntryKind.ENTITY]
    plant = set(rng.sample(range(organisations), planted))
    orgs = []
    for number in range(organisations):
        name = f"{word(rng)} {word(rng)} Telecom"
        if number in plant and number % 2:
            name = rng.choice(bodies).name.replace("Company", "Co.")
        orgs.append(
            Organisation(
                legal_name=name + " SA",
                display_name=name,
                country="CH",
                category="private_sector",
            )
        )
    Organisation.objects.bulk_create(orgs, batch_size=1000)
    contacts = []
    for number, organisation in enumerate(Organisation.objects.order_by("pk")):
        for role in (ContactRole.PRIMARY, ContactRole.SIGNATORY):
            person = f"{word(rng)} {word(rng)}"
            if number in plant and not number % 2 and role == ContactRole.SIGNATORY:
                person = rng.choice(people).name.upper()
            contacts.append(
                Contact(organisation=organisation, role=role, name=person, email="c@example.org")
            )
    Contact.objects.bulk_create(contacts, batch_size=2000)
    ordered = list(Organisation.objects.order_by("pk").values_list("pk", flat=True))
    return {ordered[i] for i in plant}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--organisations", type=int, default=10_000)
    parser.add_argument("--entries", type=int, default=1_000)
    parser.add_argument("--planted", type=int, default=25)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    name = settings.DATABASES["default"]["NAME"]
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = f"bench_{Path(name).stem}"
    from sponsors.models import Organisation
    from sponsors.screening import screen_organisations, subjects_of

    print(f"database: {connection.vendor}; building a scratch copy (migrations)…", flush=True)
    old = setup_databases(verbosity=0, interactive=False, keepdb=False)
    try:
        rng = random.Random(args.seed)
        start = time.perf_counter()
        planted = build(rng, args.organisations, args.entries, args.planted)
        print(
            f"built {args.organisations:,} organisations (2 contacts each) and "
            f"{args.entries:,} list entries (2 aliases each) in {time.perf_counter() - start:.1f} s"
        )

        start = time.perf_counter()
        names = sum(
            len(subjects_of(o))
            for o in Organisation.objects.order_by("pk")
            .prefetch_related("contacts", "memberships__user")
            .iterator(chunk_size=500)
        )
        baseline = time.perf_counter() - start
        print(f"baseline, read {args.organisations:,} organisations' {names:,} names: "
              f"{baseline:.2f} s")  # fmt: skip

        start = time.perf_counter()
        result = screen_organisations(source="bench")
        seconds = time.perf_counter() - start
        found = {m.organisation_id for m in result.new_matches}
        print(
            f"sanctions rescan of {result.organisations:,} organisations ({result.names:,} names) "
            f"against {args.entries:,} entries: {seconds:.1f} s (target < 60 s); "
            f"ratio to baseline {seconds / baseline:.1f}x "
            f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
        )
        print(
            f"matches: {len(result.new_matches)} in {len(found)} organisations; planted found "
            f"{len(found & planted)} of {len(planted)}; others flagged {len(found - planted)}"
        )
        for match in [m for m in result.new_matches if m.organisation_id not in planted][:3]:
            print(f"  e.g. {match.subject_name!r} ~ {match.matched_name!r} ({match.score})")
        start = time.perf_counter()
        again = screen_organisations(source="bench")
        print(
            f"rescan again: {len(again.new_matches)} new matches in "
            f"{time.perf_counter() - start:.1f} s (nothing stored twice)"
        )
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
