"""A person's request to be erased, and the record of how staff handled it.

The row is the audit trail of the erasure: who asked, who executed it, when, and how many
records of each kind were anonymised (counts only: the erased data itself is never copied here).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ErasureStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    EXECUTED = "executed", _("Executed")


class ErasureRequest(models.Model):
    """One request to anonymise a person. `person` keeps pointing at the (anonymised) account
    after execution, so the request and its counts stay attached to it."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="erasure_requests",
    )
    reason = models.TextField(_("reason given"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ErasureStatus.choices, default=ErasureStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    # What the person still owed when they asked (pledge references awaiting payment), shown to
    # staff before they execute.
    open_obligations = models.JSONField(_("open obligations"), default=list, blank=True)
    executed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("executed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    executed_at = models.DateTimeField(_("executed at"), null=True, blank=True)
    anonymised = models.JSONField(
        _("records anonymised"),
        default=dict,
        blank=True,
        help_text=_("How many records of each kind were anonymised."),
    )

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("erasure request")
        ordering = ["-requested_at", "-pk"]
        permissions = [("execute_erasurerequest", _("Can anonymise a person on request"))]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(status="pending"),
                name="one_pending_erasure_per_person",
            )
        ]

    def __str__(self):
        return _("Erasure request #%(id)s") % {"id": self.pk}

    @property
    def is_pending(self) -> bool:
        return self.status == ErasureStatus.PENDING
