"""`{% portal_nav "section" %}`: the portal's navigation and organisation switcher, usable by
any page under /account/ (the pledges pages extend `sponsors/portal_base.html`, which uses it)."""

from django import template

from sponsors.membership import active_organisation, organisations_of

register = template.Library()


@register.inclusion_tag("sponsors/includes/portal_nav.html", takes_context=True)
def portal_nav(context, section=""):
    request = context["request"]
    user = request.user
    organisation = active_organisation(user, request.session)
    return {
        "request": request,
        "section": section,
        "organisation": organisation,
        "other_organisations": (
            organisations_of(user).exclude(pk=organisation.pk) if organisation else []
        ),
        "csrf_token": context.get("csrf_token"),
    }
