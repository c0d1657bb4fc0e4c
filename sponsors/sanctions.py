"""Reading the UN Security Council Consolidated List in its published XML format.

The list (`CONSOLIDATED_LIST`, with `INDIVIDUALS/INDIVIDUAL` and `ENTITIES/ENTITY`) gives each
entry a `DATAID`, a `REFERENCE_NUMBER`, up to four name parts (`FIRST_NAME` … `FOURTH_NAME`; an
entity's name is its `FIRST_NAME`), the name in its original script, the regime (`UN_LIST_TYPE`),
the listing date and any number of `*_ALIAS/ALIAS_NAME`. `import_sanctions_list` replaces the
stored list with a file's entries in one transaction: a malformed file changes nothing.
"""

import datetime
from dataclasses import dataclass, field

from defusedxml import ElementTree
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from sponsors.models import SanctionsEntry, SanctionsEntryKind

NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")


class SanctionsListError(Exception):
    """The file is not a Consolidated List this code can read; the message says where."""


@dataclass
class ListedEntry:
    data_id: str
    kind: str
    name: str
    reference_number: str = ""
    original_script_name: str = ""
    aliases: list[str] = field(default_factory=list)
    list_type: str = ""
    listed_on: datetime.date | None = None


@dataclass
class ImportResult:
    added: int
    updated: int
    delisted: int
    generated_at: datetime.datetime | None


def _text(element, tag: str) -> str:
    child = element.find(tag)
    return " ".join((child.text or "").split()) if child is not None else ""


def _entry(element, kind: str, position: int) -> ListedEntry:
    data_id = _text(element, "DATAID")
    label = f"{element.tag.lower()} {position}"
    if not data_id:
        raise SanctionsListError(_("%(entry)s has no DATAID.") % {"entry": label})
    name = " ".join(p for p in (_text(element, tag) for tag in NAME_PARTS) if p)
    if not name:
        raise SanctionsListError(
            _("%(entry)s (DATAID %(id)s) has no name.") % {"entry": label, "id": data_id}
        )
    alias_tag = "INDIVIDUAL_ALIAS" if kind == SanctionsEntryKind.INDIVIDUAL else "ENTITY_ALIAS"
    aliases = [
        alias for alias in (_text(a, "ALIAS_NAME") for a in element.findall(alias_tag)) if alias
    ]
    listed_on = None
    raw_date = _text(element, "LISTED_ON")
    if raw_date:
        listed_on = parse_date(raw_date[:10])
        if listed_on is None:
            raise SanctionsListError(
                _("%(entry)s (DATAID %(id)s): LISTED_ON %(value)r is not a date.")
                % {"entry": label, "id": data_id, "value": raw_date}
            )
    return ListedEntry(
        data_id=data_id,
        kind=kind,
        name=name,
        reference_number=_text(element, "REFERENCE_NUMBER"),
        original_script_name=_text(element, "NAME_ORIGINAL_SCRIPT"),
        aliases=list(dict.fromkeys(aliases)),
        list_type=_text(element, "UN_LIST_TYPE"),
        listed_on=listed_on,
    )


def parse_consolidated_list(stream) -> tuple[list[ListedEntry], datetime.datetime | None]:
    """The entries of a Consolidated List file and the time it was generated. Raises
    `SanctionsListError` naming the first problem (bad XML, another root, an entry without id
    or name, a duplicate id); entity references (DTDs) are refused by defusedxml."""
    try:
        root = ElementTree.parse(stream).getroot()
    except ElementTree.ParseError as exc:
        raise SanctionsListError(_("Not well-formed XML: %(error)s.") % {"error": exc}) from exc
    except Exception as exc:  # defusedxml's refusals (entities, DTDs) and I/O errors
        raise SanctionsListError(_("The file cannot be read: %(error)s.") % {"error": exc}) from exc
    if root.tag != "CONSOLIDATED_LIST":
        raise SanctionsListError(
            _("The root element is <%(tag)s>, not <CONSOLIDATED_LIST>: this is not the UN "
              "Security Council Consolidated List.") % {"tag": root.tag}
        )  # fmt: skip
    generated = root.get("dateGenerated")
    generated_at = parse_datetime(generated) if generated else None
    if generated_at is not None and timezone.is_naive(generated_at):
        generated_at = timezone.make_aware(generated_at, datetime.UTC)
    entries: list[ListedEntry] = []
    for kind, path in (
        (SanctionsEntryKind.INDIVIDUAL, "INDIVIDUALS/INDIVIDUAL"),
        (SanctionsEntryKind.ENTITY, "ENTITIES/ENTITY"),
    ):
        for position, element in enumerate(root.findall(path), start=1):
            entries.append(_entry(element, kind, position))
    seen: set[str] = set()
    for entry in entries:
        if entry.data_id in seen:
            raise SanctionsListError(_("DATAID %(id)s appears twice.") % {"id": entry.data_id})
        seen.add(entry.data_id)
    if not entries:
        raise SanctionsListError(_("The list has no individuals and no entities."))
    return entries, generated_at


@transaction.atomic
def store_entries(entries: list[ListedEntry], generated_at=None) -> ImportResult:
    """Make the stored list the file's: new entries added, known ones updated, missing ones
    marked delisted (kept for the matches that refer to them). One transaction."""
    now = timezone.now()
    existing = {e.data_id: e for e in SanctionsEntry.objects.select_for_update()}
    added = updated = 0
    to_create = []
    for listed in entries:
        values = {
            "kind": listed.kind,
            "name": listed.name[:500],
            "reference_number": listed.reference_number[:64],
            "original_script_name": listed.original_script_name[:500],
            "aliases": listed.aliases,
            "list_type": listed.list_type[:100],
            "listed_on": listed.listed_on,
            "list_generated_at": generated_at,
            "delisted_at": None,
        }
        current = existing.pop(listed.data_id, None)
        if current is None:
            to_create.append(SanctionsEntry(data_id=listed.data_id, **values))
            added += 1
            continue
        if any(getattr(current, k) != v for k, v in values.items() if k != "list_generated_at"):
            updated += 1
        for key, value in values.items():
            setattr(current, key, value)
        current.save()
    SanctionsEntry.objects.bulk_create(to_create, batch_size=1000)
    delisted = SanctionsEntry.objects.filter(
        pk__in=[e.pk for e in existing.values() if e.delisted_at is None]
    ).update(delisted_at=now)
    return ImportResult(added=added, updated=updated, delisted=delisted, generated_at=generated_at)
