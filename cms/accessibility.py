"""The accessibility statement (WCAG 2.1 AA): what the site aims for, how it is tested, what
is known not to meet it yet, and whom to tell. Linked from every page's footer."""

import datetime

from django.shortcuts import render

from cms.models import SiteSettings

# The day the statement was last checked against the tests and the known limitations below:
# change it whenever either changes.
REVIEWED_ON = datetime.date(2026, 12, 4)


def accessibility_statement(request):
    settings = SiteSettings.for_request(request)
    return render(
        request,
        "cms/accessibility.html",
        {
            "organisation": settings.organisation_name,
            "contact_email": settings.contact_email,
            "reviewed_on": REVIEWED_ON,
        },
    )
