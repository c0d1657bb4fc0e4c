"""Finance's "Stripe payouts": each payout with its gross, Stripe's fees and the net, the
payments it pays out, its journal entry, whether the bank statement line arrived, and its
history. Read-only: payouts are written by `payouts.py` (webhook, daily run, command)."""

from django.db.models import Count, Q, Sum
from wagtail.admin.views import generic

from marketplace.finance.models import JournalEntry, PostingKind


class PayoutIndexView(generic.IndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .annotate(
                gross=Sum("transactions__amount"),
                fees=Sum("transactions__fee"),
                problems=Count("transactions", filter=~Q(transactions__problem="")),
            )
        )


class PayoutInspectView(generic.InspectView):
    template_name = "finance/admin/payout.html"

    def get_edit_url(self):
        return None

    def get_delete_url(self):
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        payout = self.object
        context.update(
            payout=payout,
            totals=payout.totals(),
            transactions=payout.transactions.select_related(
                "payment__pledge__organisation", "refund"
            ),
            entry=JournalEntry.objects.filter(
                kind=PostingKind.PAYOUT, source=f"payout:{payout.stripe_id}"
            ).first(),
            history=payout.history.select_related("actor"),
        )
        return context
