"""Importing the register's CSV: all or nothing, updates by reference, audited, in bulk.

`import_agreements` first checks the whole file in one streamed pass (`csvrows.parse_records`,
then duplicates, stored references and `amends` across the file); any error and nothing is
written. Otherwise one transaction
creates the new agreements, updates the changed ones and leaves unchanged ones alone, with a
bounded number of queries per thousand rows so 100,000 rows import in well under a minute.
"""

from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from register import audit, bulk, csvformat, facets, fulltext
from register.choices import AuditAction, Status
from register.csvrows import (
    MAX_ERRORS,
    ErrorList,
    ParsedRow,
    RowError,
    normalise_reference,
    parse_records,
)
from register.models import (
    AgreementArea,
    AgreementFacet,
    AgreementPartner,
    AgreementRegion,
    AuditEntry,
    Partner,
    PartnershipAgreement,
)
from register.rows import SCALAR_FIELDS, rows_by_reference
from sponsors.models import Organisation

BATCH = 2000
ANALYZE_AFTER = 5000


@dataclass
class Update:
    """A stored agreement the file would change: its line, reference and, per column that
    differs, the stored and the new text."""

    line: int
    reference: str
    changes: list[tuple[str, str, str]]

    @property
    def columns(self) -> list[str]:
        return [column for column, _old, _new in self.changes]


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    # The first MAX_ERRORS errors by line; `more_errors` counts the others.
    errors: list[RowError] = field(default_factory=list)
    more_errors: int = 0
    # Stored agreements the file changes (the first MAX_ERRORS), for the dry run's diff.
    updates: list[Update] = field(default_factory=list)
    more_updates: int = 0
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors and not self.more_errors

    @property
    def error_count(self) -> int:
        return len(self.errors) + self.more_errors

    def summary(self) -> str:
        verb = "would be" if self.dry_run else "were"
        return (
            f"{self.created} agreements {verb} created, {self.updated} updated, "
            f"{self.unchanged} unchanged."
        )

    def error_lines(self) -> list[str]:
        """The errors as printed, and "and N more" when some were not kept."""
        lines = [str(error) for error in self.errors]
        if self.more_errors:
            lines.append(f"and {self.more_errors} more")
        return lines


class _DryRun(Exception):
    pass


def _chunks(items, size=None):
    size = size or (900 if connection.vendor == "sqlite" else 5000)
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def import_agreements(
    stream,
    *,
    dry_run=False,
    update=False,
    user=None,
    source="import",
    owner=None,
    only_new=False,
    progress=None,
    publishable=False,
):
    """Import a CSV text stream (opened with newline="") into the register.

    Guarantees: any invalid row means nothing is stored, and every error of the file is found
    in one pass (`amends` included) and returned as `line N: column: reason` — the first
    MAX_ERRORS of them by line, with the count of the others; the file is read as a stream
    and, once a first error is found, no row is kept, so a huge bad file costs little memory.
    References are compared normalised (case and spaces). A row whose reference is stored and
    whose columns differ is an update: refused (`reference: X exists (a, b differ)`) unless
    `update`; every update is listed with its changes (the dry run's diff). Only the CSV's
    columns are written (status, expiry, signatories, documents and business owner are
    kept); a row identical to what is stored is not written nor audited, so importing the
    same file twice changes nothing; every created or updated agreement gets an audit entry.
    With `dry_run` the import runs fully and is rolled back. New agreements get `owner` as
    business owner. With `only_new`, stored agreements are left as they are (the demo data
    uses this). `progress(rows_read)` is called every thousand rows. New agreements are
    marked `publishable` (open data) only when asked.
    """
    check = _Check(update=update, only_new=only_new, progress=progress)
    rows = check.run(stream)
    result = ImportResult(dry_run=dry_run, rows=check.count)
    result.updates, result.more_updates = check.updates, check.more_updates
    if check.errors:
        result.errors, result.more_errors = check.errors.kept, check.errors.more
        return result
    try:
        with transaction.atomic():
            writer = _Writer(rows, result, user=user, source=source, owner=owner)
            writer.stored_rows = check.stored_rows
            writer.only_new = only_new
            writer.publishable = publishable
            writer.run()
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return result


def _stored_references() -> dict[str, str]:
    """normalised reference -> stored reference, for the whole register (its size, not the
    file's, bounds this)."""
    return {
        normalise_reference(reference): reference
        for reference in PartnershipAgreement.objects.values_list("reference", flat=True).iterator(
            chunk_size=5000
        )
    }


def _stored_amends(references) -> dict[str, str]:
    """reference -> reference it amends ("" for none), for stored agreements."""
    found = {}
    for chunk in _chunks(references):
        found.update(
            PartnershipAgreement.objects.filter(reference__in=chunk).values_list(
                "reference", "amends__reference"
            )
        )
    return {reference: amends or "" for reference, amends in found.items()}


def _changed_columns(stored: dict, new: dict) -> list[str]:
    """Columns whose text differs; partner names and `amends` compared as the import matches
    them (names whatever their case, references normalised)."""
    changed = []
    for column, value in new.items():
        old = stored.get(column, "")
        if column == "partner":
            same = [_key(n) for n in csvformat.split(old)] == [
                _key(n) for n in csvformat.split(value)
            ]
        elif column == "amends":
            same = normalise_reference(old) == normalise_reference(value)
        else:
            same = old == value
        if not same:
            changed.append(column)
    return changed


class _Check:
    """The one pass over the file: each row's own checks (`csvrows`), then duplicates,
    stored references and `amends` across the file, all errors in one `ErrorList`."""

    def __init__(self, *, update, only_new, progress):
        self.update, self.only_new, self.progress = update, only_new, progress
        self.errors = ErrorList()
        self.updates: list[Update] = []
        self.more_updates = 0
        self.count = 0
        # reference -> (pk, stored row) of the file's stored agreements, read once here and
        # handed to the writer (None when not compared: `only_new`). Dropped on a first error.
        self.stored_rows: dict | None = None if only_new else {}

    def run(self, stream) -> list[ParsedRow]:
        stored = _stored_references()
        first_line: dict[str, int] = {}  # normalised reference -> its first line
        amends_of: dict[str, str] = {}  # normalised reference -> normalised reference
        amending: list[tuple[int, str, str]] = []  # (line, normalised reference, amends)
        rows: list[ParsedRow] = []
        existing: list[ParsedRow] = []
        for row, ok in parse_records(stream, self.errors):
            self.count += 1
            if self.progress and self.count % 1000 == 0:
                self.progress(self.count)
            key = normalise_reference(row.reference)
            if key:
                first = first_line.setdefault(key, row.line)
                if first != row.line:
                    self.errors.append(
                        RowError(row.line, "reference", f"duplicate of line {first}")
                    )
                    ok = False
            if row.amends:
                amends_of[key] = normalise_reference(row.amends)
                amending.append((row.line, key, row.amends))
            if key in stored:
                row.reference = stored[key]
                if ok and not self.only_new:
                    existing.append(row)
                    if len(existing) >= BATCH:
                        self._compare(existing)
                        existing = []
            # A valid file is written from these rows; once the file has an error they are
            # dropped, so a file of bad rows is never held in memory.
            if self.errors:
                rows = []
                if self.stored_rows:
                    self.stored_rows = {}
            else:
                rows.append(row)
        if existing:
            self._compare(existing)
        self._check_amends(amending, amends_of, first_line, stored)
        if self.errors:
            return []
        self._canonical_amends(rows, stored)
        return rows

    def _compare(self, rows: list[ParsedRow]) -> None:
        stored = {}
        for chunk in _chunks([row.reference for row in rows]):
            stored.update(rows_by_reference(chunk))
        if self.stored_rows is not None and not self.errors:
            self.stored_rows.update(stored)
        for row in rows:
            _pk, old = stored[row.reference]
            new = row.as_row()
            changed = _changed_columns(old, new)
            if not changed:
                continue
            if len(self.updates) < MAX_ERRORS:
                self.updates.append(
                    Update(row.line, row.reference, [(c, old.get(c, ""), new[c]) for c in changed])
                )
            else:
                self.more_updates += 1
            if not self.update:
                self.errors.append(
                    RowError(
                        row.line,
                        "reference",
                        f"{row.reference} exists ({', '.join(changed)} differ)",
                    )
                )

    def _check_amends(self, amending, amends_of, first_line, stored) -> None:
        """Each `amends` names an agreement in the file or the register, without a cycle."""
        if not amending:
            return
        graph = dict(amends_of)
        outside = {a for a in graph.values() if a not in first_line}
        seen_outside: set[str] = set()
        while outside:
            seen_outside |= outside
            found = _stored_amends([stored[a] for a in outside if a in stored])
            for reference, amends in found.items():
                graph.setdefault(normalise_reference(reference), normalise_reference(amends))
            outside = {
                normalise_reference(a)
                for a in found.values()
                if a and normalise_reference(a) not in first_line
            } - seen_outside
        for line, key, amends in amending:
            target = normalise_reference(amends)
            if target not in first_line and target not in stored:
                self.errors.append(
                    RowError(
                        line,
                        "amends",
                        f"{amends!r} matches no agreement in the file or the register",
                    )
                )
                continue
            current, steps = target, 0
            while current and steps <= len(graph):
                if current == key:
                    self.errors.append(
                        RowError(line, "amends", f"{amends!r} leads back to this agreement")
                    )
                    break
                current, steps = graph.get(current, ""), steps + 1

    @staticmethod
    def _canonical_amends(rows: list[ParsedRow], stored: dict[str, str]) -> None:
        """Spell each `amends` as the agreement it names is spelt (in the register, else in
        the file), so the writer matches references exactly."""
        in_file = {normalise_reference(row.reference): row.reference for row in rows}
        for row in rows:
            if row.amends:
                key = normalise_reference(row.amends)
                row.amends = stored.get(key) or in_file.get(key, row.amends)


class _Writer:
    def __init__(self, rows, result, *, user, source, owner):
        self.rows, self.result = rows, result
        self.user, self.source, self.owner = user, source, owner
        self.now = timezone.now()
        self.only_new = False
        self.publishable = False
        self.stored_rows = None

    def run(self):
        partner_ids = self._partners()
        existing = self.stored_rows if self.stored_rows is not None else self._existing()
        new_rows, changed = [], []
        for row in self.rows:
            stored = existing.get(row.reference)
            if stored is None:
                new_rows.append(row)
            elif stored[1] != row.as_row() and not self.only_new:
                changed.append((row, stored))
        self.result.created = len(new_rows)
        self.result.updated = len(changed)
        self.result.unchanged = len(self.rows) - len(new_rows) - len(changed)
        ids = {reference: stored[0] for reference, stored in existing.items()}
        del existing
        pending_amends = self._create(new_rows, partner_ids, ids)
        self._update(changed, partner_ids)
        pending_amends += [row for row, (_pk, stored) in changed if stored["amends"] != row.amends]
        self._set_amends(pending_amends, ids)
        touched = [ids[row.reference] for row in new_rows] + [pk for _, (pk, _s) in changed]
        fulltext.refresh_search_documents(touched)
        if len(touched) > ANALYZE_AFTER and connection.vendor == "postgresql":
            # Fresh planner statistics, so the search tool's plans fit the new volume at once.
            with connection.cursor() as cursor:
                for model in (
                    PartnershipAgreement,
                    AgreementFacet,
                    AgreementPartner,
                    AgreementRegion,
                ):
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")

    def _audit(self, entries) -> None:
        bulk.create(AuditEntry, entries)

    def _partners(self) -> dict[str, int]:
        """lower-case name -> partner id, creating missing partners; rewrites each row's
        partner names to the stored spelling so a case difference is no change."""
        stored = {_key(name): (pk, name) for pk, name in Partner.objects.values_list("pk", "name")}
        # The agreement's partner category describes its first (lead) partner.
        missing: dict[str, list[str]] = {}
        for row in self.rows:
            for index, name in enumerate(row.partners):
                if _key(name) not in stored:
                    entry = missing.setdefault(_key(name), [name, ""])
                    if index == 0 and not entry[1]:
                        entry[1] = row.partner_category
        if missing:
            organisations = {}
            for pk, display, legal in Organisation.objects.filter(partner__isnull=True).values_list(
                "pk", "display_name", "legal_name"
            ):
                organisations.setdefault(_key(display), pk)
                organisations.setdefault(_key(legal), pk)
            used = set()
            new = []
            for key, (name, category) in missing.items():
                organisation = organisations.get(key)
                if organisation in used:
                    organisation = None
                used.add(organisation)
                new.append(
                    Partner(
                        name=name,
                        category=category,
                        organisation_id=organisation,
                        created_at=self.now,
                        updated_at=self.now,
                    )
                )
            for chunk in _chunks(new, BATCH):
                bulk.create(Partner, chunk)
            stored.update({_key(partner.name): (partner.pk, partner.name) for partner in new})
        for row in self.rows:
            row.partners = list(dict.fromkeys(stored[_key(name)][1] for name in row.partners))
        return {key: pk for key, (pk, _) in stored.items()}

    def _existing(self) -> dict[str, tuple[int, dict]]:
        """reference -> (id, CSV text form) of the stored agreements the file names."""
        existing = {}
        for chunk in _chunks([row.reference for row in self.rows]):
            existing.update(rows_by_reference(chunk))
        return existing

    def _new_agreement(self, row: ParsedRow, ids) -> PartnershipAgreement:
        return PartnershipAgreement(
            reference=row.reference,
            status=Status.IN_FORCE if row.signed_on else Status.DRAFT,
            business_owner=self.owner,
            publishable=self.publishable,
            amends_id=ids.get(row.amends) if row.amends else None,
            created_at=self.now,
            updated_at=self.now,
            **{name: getattr(row, name) for name in SCALAR_FIELDS},
        )

    def _create(self, rows, partner_ids, ids) -> list[ParsedRow]:
        """Create the new agreements in chunks; returns those whose amended agreement comes
        later in the file (their `amends` is set once every id is known)."""
        pending = []
        for chunk in _chunks(rows, BATCH):
            agreements = bulk.create(
                PartnershipAgreement, [self._new_agreement(r, ids) for r in chunk]
            )
            entries = []
            for row, agreement in zip(chunk, agreements, strict=True):
                ids[row.reference] = agreement.pk
                if row.amends and agreement.amends_id is None:
                    pending.append(row)
                entries.append(
                    audit.entry(
                        agreement,
                        AuditAction.CREATED,
                        audit.diff(None, _without_blanks(row.as_row())),
                        user=self.user,
                        source=self.source,
                        at=self.now,
                    )
                )
            self._write_lists(chunk, ids, partner_ids, partners=True, regions=True, areas=True)
            facets.refresh([agreement.pk for agreement in agreements])
            self._audit(entries)
        return pending

    def _update(self, changed, partner_ids):
        for chunk in _chunks(changed, BATCH):
            agreements, entries = [], []
            for row, (pk, stored) in chunk:
                agreement = PartnershipAgreement(
                    pk=pk, reference=row.reference, updated_at=self.now
                )
                for name in SCALAR_FIELDS:
                    setattr(agreement, name, getattr(row, name))
                agreements.append(agreement)
                entries.append(
                    audit.entry(
                        agreement,
                        AuditAction.UPDATED,
                        audit.diff(stored, row.as_row()),
                        user=self.user,
                        source=self.source,
                        at=self.now,
                    )
                )
            PartnershipAgreement.objects.bulk_update(agreements, [*SCALAR_FIELDS, "updated_at"])
            ids = {row.reference: pk for row, (pk, _) in chunk}
            for column, model in (
                ("partner", AgreementPartner),
                ("regions", AgreementRegion),
                ("areas", AgreementArea),
            ):
                rows = [row for row, (_, stored) in chunk if stored[column] != row.as_row()[column]]
                if rows:
                    model.objects.filter(agreement_id__in=[ids[r.reference] for r in rows]).delete()
                    self._write_lists(
                        rows,
                        ids,
                        partner_ids,
                        partners=column == "partner",
                        regions=column == "regions",
                        areas=column == "areas",
                    )
            facets.refresh(ids.values())
            self._audit(entries)

    def _write_lists(self, rows, ids, partner_ids, *, partners, regions, areas):
        links, region_rows, area_rows = [], [], []
        for row in rows:
            pk = ids[row.reference]
            if partners:
                links.extend(
                    AgreementPartner(
                        agreement_id=pk, partner_id=partner_ids[_key(name)], sort_order=index
                    )
                    for index, name in enumerate(row.partners)
                )
            if regions:
                region_rows.extend(AgreementRegion(agreement_id=pk, code=c) for c in row.regions)
            if areas:
                area_rows.extend(AgreementArea(agreement_id=pk, code=c) for c in row.areas)
        bulk.create(AgreementPartner, links)
        bulk.create(AgreementRegion, region_rows)
        bulk.create(AgreementArea, area_rows)

    def _set_amends(self, rows, ids):
        missing = {r.amends for r in rows if r.amends and r.amends not in ids}
        for chunk in _chunks(missing):
            ids.update(
                PartnershipAgreement.objects.filter(reference__in=chunk).values_list(
                    "reference", "pk"
                )
            )
        updates = [
            PartnershipAgreement(
                pk=ids[row.reference], amends_id=ids[row.amends] if row.amends else None
            )
            for row in rows
        ]
        for chunk in _chunks(updates, BATCH):
            PartnershipAgreement.objects.bulk_update(chunk, ["amends"])


def _without_blanks(row: dict) -> dict:
    return {key: value for key, value in row.items() if value}


def _key(name: str) -> str:
    return " ".join(name.split()).lower()
