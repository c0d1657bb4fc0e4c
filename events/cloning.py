"""Cloning an event's catalogue into a new event (next year's GSR from this year's): the event
page and its packages with their benefits become drafts under the same index, every date
shifted by the same number of days, and the apps above copy what they keep per event or
package through `EVENT_CLONED` (the terms: pledges; the agreement policy and package clauses:
agreements). Nothing is published: organisers review the drafts, then submit them.

`EVENT_CLONED` steps are called as `step(source, copy, packages=..., actor=...)` inside the
cloning transaction, `packages` mapping each source package's id to its copy.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from events.models import EventPage, SponsorshipPackagePage
from marketplace.core.hooks import Steps

EVENT_CLONED = Steps("event cloned")


def clone_event(
    source: EventPage,
    *,
    acronym: str,
    start_date: datetime.date,
    title: str | None = None,
    actor=None,
) -> EventPage:
    """Copy `source` and its packages (with benefits) as drafts starting on `start_date`, the
    end date and sponsorship deadline moved by the same number of days, under `acronym` (its
    slug too). Raises ValidationError, creating nothing, for an empty or taken acronym or a
    slug already used under the index."""
    acronym = (acronym or "").strip()
    if not acronym:
        raise ValidationError({"acronym": _("Give the new event's acronym, e.g. GSR-27.")})
    if EventPage.objects.filter(acronym__iexact=acronym).exists():
        raise ValidationError({"acronym": _("An event %(acronym)s exists already.") % {
            "acronym": acronym}})  # fmt: skip
    slug = slugify(acronym)
    parent = source.get_parent()
    if parent.get_children().filter(slug=slug).exists():
        raise ValidationError({"acronym": _("The address /%(slug)s/ is taken.") % {"slug": slug}})
    source = source.get_latest_revision_as_object()  # the organisers' latest edit, drafts too
    shift = start_date - source.start_date
    new_title = title or source.title.replace(source.acronym, acronym)
    with transaction.atomic():
        copy = source.copy(
            recursive=True,
            to=parent,
            keep_live=False,
            copy_revisions=False,
            user=actor,
            update_attrs={
                "title": new_title,
                "draft_title": new_title,
                "slug": slug,
                "acronym": acronym,
                "start_date": source.start_date + shift,
                "end_date": source.end_date + shift,
                "sponsorship_deadline": source.sponsorship_deadline + shift,
            },
            log_action="wagtail.copy",
        ).specific
        copies = {p.slug: p for p in SponsorshipPackagePage.objects.child_of(copy)}
        packages = {
            package.pk: copies[package.slug]
            for package in SponsorshipPackagePage.objects.child_of(source)
            if package.slug in copies
        }
        EVENT_CLONED.run(source, copy, packages=packages, actor=actor)
    return copy
