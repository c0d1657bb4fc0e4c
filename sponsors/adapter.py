"""allauth's hooks: where a sponsor lands after signing in, up or verifying their email."""

from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse

from sponsors.membership import organisations_of
from sponsors.portal import is_sponsor_account, remember_return
from worker.redaction import tag_message


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        """A sponsor goes to the portal, or to onboarding while they have no organisation;
        staff and organisers keep LOGIN_REDIRECT_URL. An explicit `next` still wins (allauth
        only asks here without one)."""
        user = request.user
        if is_sponsor_account(user):
            if organisations_of(user).exists():
                return reverse("sponsors:dashboard")
            return reverse("sponsors:onboarding")
        return super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request):
        return self.get_login_redirect_url(request)

    def save_user(self, request, user, form, commit=True):
        """A sign-up that started from a package ("Sign up to pledge", `?next=`) remembers it,
        so onboarding returns there after the email is confirmed (`portal.remember_return`)."""
        remember_return(request, request.POST.get("next") or request.GET.get("next") or "")
        return super().save_user(request, user, form, commit=commit)

    def render_mail(self, template_prefix, email, context, headers=None):
        """allauth's mail, tagged with its template and secrets so the mail log stores it
        without them (the message itself is sent unchanged)."""
        message = super().render_mail(template_prefix, email, context, headers=headers)
        return tag_message(message, template_prefix, context)
