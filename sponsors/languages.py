"""The reader's language, in one place: a person's, an organisation's, and a mail's recipients'.

A person's language is Wagtail's `UserProfile.preferred_language` — staff already choose it in
the admin's account settings, and sponsors get it at sign-up (the language they signed up in)
and change it on the portal's language page. An organisation's language (`Organisation.language`,
set by its administrator) is what its documents (receipts, invoices, credit notes, agreements)
are written in, and the language of its mail for addresses that are nobody's account (contacts).

For an address: the account's own choice, else the organisation's language, else the site's
(LANGUAGE_CODE). Mail goes out once per language group (`send_in_their_languages`): the
members who read French get the French message, the others theirs, each rendered in its
language inside `translation.override` — also in a Celery task, where there is no request.
"""

import operator
from collections.abc import Callable, Iterable
from functools import reduce

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import translation
from wagtail.users.models import UserProfile

from worker.mail import send_templated_mail


def site_language() -> str:
    return settings.LANGUAGE_CODE


def supported(code: str | None) -> str | None:
    """`code` as one of LANGUAGES ("zh-Hans" → "zh-hans", "fr-CA" → "fr"), or None."""
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code.lower())
    except LookupError:
        return None


def language_of(user) -> str:
    """The language `user` reads: their choice (Wagtail's preferred language), else the site's."""
    if user is None or not getattr(user, "pk", None):
        return site_language()
    code = (
        UserProfile.objects.filter(user_id=user.pk)
        .values_list("preferred_language", flat=True)
        .first()
    )
    return supported(code) or site_language()


def set_language_of(user, code: str) -> str:
    """Record `code` (one of LANGUAGES) as `user`'s language; returns the code stored.
    Raises ValueError for a language the site does not offer."""
    language = supported(code)
    if language is None:
        raise ValueError(f"Unsupported language: {code!r}")
    profile = UserProfile.get_for_user(user)
    if profile.preferred_language != language:
        profile.preferred_language = language
        profile.save(update_fields=["preferred_language"])
    return language


def organisation_language(organisation) -> str:
    """The language of an organisation's documents and of mail to its contacts."""
    return supported(getattr(organisation, "language", None)) or site_language()


def chosen_languages(addresses: Iterable[str]) -> dict[str, str]:
    """{address in lower case: language} for the accounts among `addresses` that chose one
    (one query)."""
    wanted = {address.strip().lower() for address in addresses if address and address.strip()}
    if not wanted:
        return {}
    rows = (
        get_user_model()
        .objects.filter(reduce(operator.or_, (Q(email__iexact=a) for a in sorted(wanted))))
        .exclude(wagtail_userprofile__preferred_language="")
        .exclude(wagtail_userprofile__isnull=True)
        .values_list("email", "wagtail_userprofile__preferred_language")
    )
    return {
        email.lower(): language
        for email, code in rows
        if email.lower() in wanted and (language := supported(code))
    }


def language_for_recipients(addresses: Iterable[str], organisation=None) -> dict[str, list[str]]:
    """{language: [addresses]}: each address in the language it reads (its account's choice,
    else the organisation's, else the site's), each group sorted, each address once."""
    fallback = organisation_language(organisation) if organisation is not None else None
    fallback = fallback or site_language()
    unique = {}
    for address in addresses:
        if address and address.strip():
            unique.setdefault(address.strip().lower(), address.strip())
    chosen = chosen_languages(unique.values())
    groups: dict[str, list[str]] = {}
    for lower, address in unique.items():
        groups.setdefault(chosen.get(lower, fallback), []).append(address)
    return {language: sorted(group) for language, group in sorted(groups.items())}


def send_in_their_languages(
    template_prefix: str,
    context: dict | Callable[[], dict],
    to: str | Iterable[str],
    *,
    organisation=None,
    pledge=None,
    key: str | None = None,
    staff: bool = False,
    **kwargs,
) -> list:
    """`worker.mail.send_templated_mail` once per language group of `to` (see
    `language_for_recipients`; the organisation is the pledge's when not given). `context` may
    be a function, called inside each group's language, for values translated before the
    templates see them (a subject formatted with `%`). The group in the organisation's language
    (else the site's; else the first) keeps `key`; the others get `key:<language>`, so running
    this twice still sends each group once. With `staff` the recipients are the bureau's
    people (an organiser, finance): the organisation's language is no fallback for them.
    Returns the MailLogs (none without a recipient)."""
    if organisation is None:
        organisation = getattr(pledge, "organisation", None)
    readers = None if staff else organisation
    addresses = [to] if isinstance(to, str) else list(to)
    groups = language_for_recipients(addresses, readers)
    main = organisation_language(readers) if readers is not None else site_language()
    if groups and main not in groups:
        main = next(iter(groups))  # some group always keeps the key itself
    logs = []
    for language, group in groups.items():
        with translation.override(language):
            values = context() if callable(context) else context
            logs.append(
                send_templated_mail(
                    template_prefix,
                    values,
                    group,
                    organisation=organisation,
                    pledge=pledge,
                    key=key if key is None or language == main else f"{key}:{language}",
                    language=language,
                    **kwargs,
                )
            )
    return logs
