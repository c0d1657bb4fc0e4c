"""`{% mail_log_section object %}`: the emails about a pledge or an organisation, for admin
pages (the pledge's and the organisation's inspect views include it)."""

from django import template
from django.db.models import Q
from django.urls import reverse

from worker.models import MailLog

register = template.Library()
SHOWN = 50


@register.inclusion_tag("worker/admin/mail_log_section.html", takes_context=True)
def mail_log_section(context, instance, pledges=None):
    """`pledges`, when given, limits an organisation's mail to these pledges' mail and the
    organisation's own (what an organiser of some of its events may see)."""
    field = "pledge" if instance._meta.label_lower == "pledges.pledge" else "organisation"
    entries = MailLog.objects.filter(**{field: instance}).order_by("-created_at", "-pk")
    if pledges is not None:
        entries = entries.filter(Q(pledge__isnull=True) | Q(pledge__in=pledges))
    request = context.get("request")
    user = getattr(request, "user", None)
    can_list = bool(user and user.has_perm("worker.view_maillog"))
    return {
        "entries": list(entries[:SHOWN]),
        "total": entries.count(),
        "shown": SHOWN,
        "listing_url": f"{reverse('mail_log:index')}?{field}={instance.pk}" if can_list else "",
        "can_inspect": can_list,
    }
