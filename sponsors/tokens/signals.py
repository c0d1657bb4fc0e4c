"""A token dies with the trust it was issued on: when its owner's password changes (by any
path: allauth's forms, a reset, the admin, `set_password` in a shell) and when a membership of
theirs ends."""

from allauth.account import signals as account_signals
from django.conf import settings
from django.db.models.signals import post_delete, pre_save
from django.dispatch import receiver

from sponsors.models import Membership
from sponsors.tokens.services import revoke_all_tokens


@receiver(pre_save, sender=settings.AUTH_USER_MODEL)
def _revoke_on_new_password(sender, instance, raw=False, update_fields=None, **kwargs):
    # Comparing the stored hash catches every way a password is set, not only allauth's.
    # (Django re-hashing a password on sign-in after a hasher upgrade counts as a change too:
    # rare, and it only costs a new token.)
    if raw or instance.pk is None:
        return
    if update_fields is not None and "password" not in update_fields:
        return
    stored = sender._default_manager.filter(pk=instance.pk).values_list("password", flat=True)
    old = stored.first()
    if old is not None and old != instance.password:
        revoke_all_tokens(instance.pk, reason="password changed")


@receiver(account_signals.password_changed)
@receiver(account_signals.password_set)
@receiver(account_signals.password_reset)
def _revoke_on_allauth_password(sender, request=None, user=None, **kwargs):
    if user is not None:
        revoke_all_tokens(user.pk, reason="password changed through allauth")


@receiver(post_delete, sender=Membership)
def _revoke_on_membership_end(sender, instance, **kwargs):
    # By id: when the account itself is being deleted, its row may already be gone.
    revoke_all_tokens(instance.user_id, reason=f"left organisation {instance.organisation_id}")
