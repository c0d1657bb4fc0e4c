"""Screening sponsor organisations against the UN Security Council Consolidated List.

Who is screened: the organisation under its legal and display names (against listed entities),
and the people who act for it — its contacts (the signatory among them) and the members of its
team — against listed individuals. When: at onboarding and when a contact is saved (that one
organisation), after every import of the list and daily (every organisation).

How names are compared: both sides are normalised the same way — Cyrillic transliterated,
accents stripped, case and punctuation folded, legal forms ("Ltd", "GmbH", …) dropped from
entity names, then spelling variants that transliterations produce reduced to one skeleton
("Iwan Petrow" and "Ivan Petrov", "Mohammed" and "Mohamed", "Al-Rashid" and "Al Rashid") and
the words sorted — and a pair whose similarity (rapidfuzz's normalised Indel ratio) reaches
`MATCH_THRESHOLD` is a match; for people, so is a name of two words or more contained in the
other that makes up two thirds of its words (a middle name or patronymic left out). A match
is stored once per (organisation, entry, name): rescans never reopen what an approver has
reviewed.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.utils import timezone
from rapidfuzz import fuzz, process

from sponsors.models import (
    Organisation,
    SanctionsEntry,
    SanctionsEntryKind,
    ScreeningMatch,
    ScreeningOutcome,
)

# 90 of 100: catches transliteration variants and small typos of a listed name, not a name
# that merely shares words with it ("Al Rashid Trading" against "Al Rashid Trust" is 84).
MATCH_THRESHOLD = 90

_CYRILLIC_LATIN = (
    "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch - y - e yu ya i yi ye g"
)
CYRILLIC = {
    letter: ("" if latin == "-" else latin)
    for letter, latin in zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґ", _CYRILLIC_LATIN.split(), strict=True
    )
}

LEGAL_FORMS = frozenset(
    "ltd limited inc incorporated llc llp lp plc sa sas sarl srl spa ag gmbh kg co corp "
    "corporation company bv nv oy ab as asa pte pty jsc ojsc cjsc ooo zao oao fze fzco".split()
)

# Spelling variants of one sound across transliterations, applied in this order.
SKELETON_RULES = (
    ("sch", "sh"),
    ("tch", "ch"),
    ("ph", "f"),
    ("ck", "k"),
    ("kh", "h"),
    ("gh", "g"),
    ("dh", "d"),
    ("th", "t"),
    ("dj", "j"),
    ("zh", "j"),
    ("ou", "u"),
    ("oo", "u"),
    ("ee", "i"),
    ("w", "v"),
    ("q", "k"),
    ("y", "i"),
)
_REPEATS = re.compile(r"(.)\1+")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def normalise(name: str, *, entity: bool = False) -> str:
    """Lower-case ASCII words of `name`: Cyrillic transliterated, accents dropped, punctuation
    and (for entities) legal forms removed."""
    text = "".join(CYRILLIC.get(ch, ch) for ch in name.casefold())
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    words = _NON_ALNUM.sub(" ", text).split()
    if entity:
        words = [w for w in words if w not in LEGAL_FORMS] or words
    return " ".join(words)


def skeleton(name: str, *, entity: bool = False) -> str:
    """The comparison key: `normalise`, spelling variants folded, doubled letters single, words
    sorted (so "Petrov, Ivan" meets "Ivan Petrov")."""
    words = []
    for word in normalise(name, entity=entity).split():
        for old, new in SKELETON_RULES:
            word = word.replace(old, new)
        words.append(_REPEATS.sub(r"\1", word))
    return " ".join(sorted(words))


@dataclass(frozen=True)
class Subject:
    organisation_id: int
    role: str  # organisation, signatory, contact, member
    name: str

    @property
    def entity(self) -> bool:
        return self.role == "organisation"


@dataclass
class ScreeningResult:
    organisations: int
    names: int
    new_matches: list[ScreeningMatch]


def subjects_of(organisation: Organisation) -> list[Subject]:
    """The names screened for one organisation (uses prefetched contacts and memberships when
    the queryset has them)."""
    names = [
        Subject(organisation.pk, "organisation", organisation.legal_name),
        Subject(organisation.pk, "organisation", organisation.display_name),
    ]
    for contact in organisation.contacts.all():
        role = "signatory" if contact.role == "signatory" else "contact"
        names.append(Subject(organisation.pk, role, contact.name))
    for membership in organisation.memberships.all():
        full_name = membership.user.get_full_name()
        if full_name:
            names.append(Subject(organisation.pk, "member", full_name))
    return list(dict.fromkeys(s for s in names if s.name.strip()))


class _ListIndex:
    """The active list's names, keyed for comparison, separately for entities and individuals."""

    def __init__(self):
        self.keys = {SanctionsEntryKind.ENTITY: [], SanctionsEntryKind.INDIVIDUAL: []}
        self.names = {SanctionsEntryKind.ENTITY: [], SanctionsEntryKind.INDIVIDUAL: []}
        self.by_word: dict[str, set[int]] = {}  # individuals' name words -> their positions
        for entry in SanctionsEntry.objects.filter(delisted_at__isnull=True).only(
            "pk", "kind", "name", "original_script_name", "aliases"
        ):
            entity = entry.kind == SanctionsEntryKind.ENTITY
            for listed_name in entry.names():
                key = skeleton(listed_name, entity=entity)
                if key:
                    if not entity:
                        position = len(self.keys[entry.kind])
                        for word in set(key.split()):
                            self.by_word.setdefault(word, set()).add(position)
                    self.keys[entry.kind].append(key)
                    self.names[entry.kind].append((entry.pk, listed_name))

    def _containing(self, key: str):
        """People leave out middle names and patronymics: "Ivan Petrov" is "Ivan Sergeyevich
        Petrov". A name of two words or more whose every word is a word of a listed name, and
        which makes up two thirds of that name's words at least, is a match too (looked up
        through the words, not compared with every name)."""
        words = key.split()
        found = None
        for word in words:
            found = (
                self.by_word.get(word, set())
                if found is None
                else found & self.by_word.get(word, set())
            )
            if not found:
                return []
        keys = self.keys[SanctionsEntryKind.INDIVIDUAL]
        return [
            (keys[i], fuzz.token_set_ratio(key, keys[i]), i)
            for i in found
            if _covers(len(words), len(keys[i].split()))
        ]

    def matches(self, subject: Subject):
        kind = SanctionsEntryKind.ENTITY if subject.entity else SanctionsEntryKind.INDIVIDUAL
        key = skeleton(subject.name, entity=subject.entity)
        if not key or not self.keys[kind]:
            return []
        hits = process.extract(
            key, self.keys[kind], scorer=fuzz.ratio, score_cutoff=MATCH_THRESHOLD, limit=None
        )
        if kind == SanctionsEntryKind.INDIVIDUAL and key.count(" "):
            hits += self._containing(key)
        best: dict[int, tuple[int, str]] = {}
        for _key, score, index in hits:
            entry_id, listed_name = self.names[kind][index]
            if entry_id not in best or score > best[entry_id][0]:
                best[entry_id] = (round(score), listed_name)
        return [(entry_id, score, name) for entry_id, (score, name) in best.items()]


def _covers(words: int, other_words: int) -> bool:
    shorter, longer = sorted((words, other_words))
    return shorter >= 2 and shorter * 3 >= longer * 2


def screen_organisations(organisations=None, *, source: str) -> ScreeningResult:
    """Screen `organisations` (a queryset; default: all) against the active list and store the
    new matches. Guarantees: at most one row per (organisation, entry, name), so a rescan adds
    only what is new and never reopens a reviewed match; returns the rows it added."""
    index = _ListIndex()
    queryset = organisations if organisations is not None else Organisation.objects.all()
    queryset = queryset.order_by("pk").prefetch_related("contacts", "memberships__user")
    count = names = 0
    candidates: list[ScreeningMatch] = []
    now = timezone.now()
    for organisation in queryset.iterator(chunk_size=500):
        count += 1
        for subject in subjects_of(organisation):
            names += 1
            for entry_id, score, listed_name in index.matches(subject):
                candidates.append(
                    ScreeningMatch(
                        organisation_id=organisation.pk,
                        entry_id=entry_id,
                        subject=subject.role,
                        subject_name=subject.name[:500],
                        matched_name=listed_name[:500],
                        score=score,
                        source=source,
                        found_at=now,
                    )
                )
    new = _store_new(candidates)
    return ScreeningResult(organisations=count, names=names, new_matches=new)


def _store_new(candidates: list[ScreeningMatch]) -> list[ScreeningMatch]:
    if not candidates:
        return []
    organisation_ids = {c.organisation_id for c in candidates}
    known = set(
        ScreeningMatch.objects.filter(organisation_id__in=organisation_ids).values_list(
            "organisation_id", "entry_id", "subject_name"
        )
    )
    fresh = []
    for candidate in candidates:
        key = (candidate.organisation_id, candidate.entry_id, candidate.subject_name)
        if key not in known:
            known.add(key)
            fresh.append(candidate)
    # ignore_conflicts: a concurrent scan that stored the same match first wins.
    ScreeningMatch.objects.bulk_create(fresh, ignore_conflicts=True, batch_size=1000)
    return fresh


def screen_organisation(organisation: Organisation, *, source: str) -> list[ScreeningMatch]:
    """Screen one organisation (onboarding, a contact saved); returns the new matches."""
    return screen_organisations(
        Organisation.objects.filter(pk=organisation.pk), source=source
    ).new_matches


def has_open_match(organisation) -> bool:
    return ScreeningMatch.objects.filter(
        organisation=organisation, outcome=ScreeningOutcome.OPEN
    ).exists()
