"""The registration desk's export: every delegate named for an event's passes, as CSV. For
people who see the event's benefit tasks (an organiser only for their own events: another
event is a 404, `events/scope.py`)."""

from django.http import HttpResponse
from django.views import View

from events import scope
from events.models import EventPage
from marketplace.fulfilment.admin_views import PermissionMixin
from marketplace.fulfilment.delegates import delegates_csv


class DelegatesCsvView(PermissionMixin, View):
    def get(self, request, event_id):
        event = scope.get_in_scope_or_404(EventPage.objects.all(), request.user, "pk", pk=event_id)
        response = HttpResponse(delegates_csv(event), content_type="text/csv; charset=utf-8")
        filename = f"delegates-{event.acronym or event.pk}.csv".replace(" ", "-")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "private, no-store"
        return response
