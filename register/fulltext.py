"""Full-text search over agreements: PostgreSQL's text search with a stored, GIN-indexed
document; on SQLite a case-insensitive match of every word, so the tool works on a bare machine.
"""

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, Subquery, TextField, Value
from django.db.models.functions import Coalesce

from register.models import AgreementPartner, PartnershipAgreement

CONFIG = "english"
CHUNK = 5000
MAX_QUERY_LENGTH = 200


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


def _partner_names():
    return Subquery(
        AgreementPartner.objects.filter(agreement=OuterRef("pk"))
        .order_by()
        .values("agreement")
        .annotate(names=StringAgg("partner__name", delimiter=" "))
        .values("names")
    )


def refresh_search_documents(ids=None) -> None:
    """Recompute the stored search document of the given agreements (all when None).
    Does nothing on SQLite, where searching reads the columns directly."""
    if not on_postgresql():
        return
    document = (
        SearchVector("title", weight="A", config=CONFIG)
        + SearchVector(
            Coalesce(_partner_names(), Value(""), output_field=TextField()),
            weight="A",
            config=CONFIG,
        )
        + SearchVector("reference", weight="A", config="simple")
        + SearchVector("objective", weight="B", config=CONFIG)
    )
    if ids is None:
        PartnershipAgreement.objects.update(search_document=document)
        return
    ids = list(ids)
    for start in range(0, len(ids), CHUNK):
        PartnershipAgreement.objects.filter(pk__in=ids[start : start + CHUNK]).update(
            search_document=document
        )


def _query(text: str):
    return SearchQuery(text, config=CONFIG, search_type="websearch") | SearchQuery(
        text, config="simple", search_type="websearch"
    )


def clean_text(text: str) -> str:
    return " ".join((text or "").split())[:MAX_QUERY_LENGTH]


def match(queryset, text: str):
    """Agreements matching the words of `text` (title, objective, partner names, reference)."""
    text = clean_text(text)
    if not text:
        return queryset
    if on_postgresql():
        return queryset.filter(search_document=_query(text))
    for word in text.split():
        word = word.strip("\"'")
        if not word or word.lower() == "or":
            continue
        partner_match = AgreementPartner.objects.filter(
            agreement=OuterRef("pk"), partner__name__icontains=word
        )
        queryset = queryset.filter(
            Q(title__icontains=word)
            | Q(objective__icontains=word)
            | Q(reference__icontains=word)
            | Exists(partner_match)
        )
    return queryset


def by_relevance(queryset, text: str):
    """Order matches best first on PostgreSQL (then most recent); most recent on SQLite."""
    text = clean_text(text)
    if text and on_postgresql():
        return queryset.annotate(rank=SearchRank(F("search_document"), _query(text))).order_by(
            "-rank", F("signed_on").desc(nulls_last=True), "reference"
        )
    return queryset.order_by(F("signed_on").desc(nulls_last=True), "reference")


def rank_of(field: str, text: str):
    """The relevance of the document in `field` (e.g. "agreement__search_document") to the
    words of `text`, on PostgreSQL."""
    return SearchRank(F(field), _query(clean_text(text)))
