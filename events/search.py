"""Searching the public catalogue (events and packages) the way people type: "wifi" finds
"Conference Wi-Fi", "sponsorhip" finds "sponsorship".

Two passes, merged, full-text hits first:

1. Wagtail's search (its database backend: PostgreSQL full text on PostgreSQL, a LIKE-based
   search on SQLite), all words required.
2. Near matches on the title and summary with hyphens and spaces inside words ignored: on
   PostgreSQL `pg_trgm`'s word similarity (the extension is created by migration 0003); on
   SQLite, the catalogue is small, so Python compares each word (`difflib`).
"""

import difflib
import re

from django.db import connection
from django.db.models import F, FloatField, Func, Value
from django.db.models.functions import Greatest, Lower, Replace
from wagtail.models import Page

from events.models import EventPage, SponsorshipPackagePage

WORD_SIMILARITY = 0.5  # pg_trgm word_similarity, 0..1
CLOSE_RATIO = 0.8  # difflib, 0..1
MAX_NEAR = 50
_JOINERS = re.compile(r"[-‐‑–—_.'’]")
_WORDS = re.compile(r"\w+")


def normalise(text: str) -> str:
    """Lower case with joiners dropped: "Wi-Fi" and "wifi" are the same word."""
    return _JOINERS.sub("", (text or "").lower())


def search_catalogue(query: str, kind: str = "") -> list[Page]:
    """Live public events and packages (or only one `kind`: "event", "package") matching
    `query`, full-text hits first, then near matches; each page once, as its specific type."""
    models = {"event": [EventPage], "package": [SponsorshipPackagePage]}.get(
        kind, [EventPage, SponsorshipPackagePage]
    )
    pages = Page.objects.live().public().type(*models)
    hits = list(pages.specific().search(query, operator="and"))
    seen = {page.pk for page in hits}
    near = [page for page in near_matches(query, models) if page.pk not in seen]
    return hits + near


def near_matches(query: str, models) -> list[Page]:
    # Joiners go before splitting into words, so "wi-fi" is the one word "wifi".
    wanted = [word for word in _WORDS.findall(normalise(query)) if len(word) >= 3]
    if not wanted:
        return []
    if connection.vendor == "postgresql":
        return _near_postgres(wanted, models)
    return _near_python(wanted, models)


class _WordSimilarity(Func):
    """pg_trgm's `word_similarity(word, text)`: how well `word` matches some part of `text`."""

    function = "WORD_SIMILARITY"
    output_field = FloatField()

    def __init__(self, word, expression):
        super().__init__(Value(word), expression)


def _squashed(field: str):
    """The field lower-cased, with hyphens removed (as `normalise` does for the query)."""
    return Replace(Replace(Lower(F(field)), Value("-"), Value("")), Value("‑"), Value(""))


def _near_postgres(words, models) -> list[Page]:
    found = []
    for model in models:
        queryset = model.objects.live().public()
        for number, word in enumerate(words):
            similarity = Greatest(
                _WordSimilarity(word, _squashed("title")),
                _WordSimilarity(word, _squashed("summary")),
            )
            queryset = queryset.alias(**{f"similar_{number}": similarity}).filter(
                **{f"similar_{number}__gte": WORD_SIMILARITY}
            )
        found.extend(queryset.order_by("path")[:MAX_NEAR])
    return found


def _near_python(words, models) -> list[Page]:
    found = []
    for model in models:
        for page in model.objects.live().public().order_by("path")[: MAX_NEAR * 20]:
            text = normalise(f"{page.title} {page.summary}")
            vocabulary = set(_WORDS.findall(text))
            if all(
                word in text or difflib.get_close_matches(word, vocabulary, 1, CLOSE_RATIO)
                for word in words
            ):
                found.append(page)
            if len(found) >= MAX_NEAR:
                break
    return found
