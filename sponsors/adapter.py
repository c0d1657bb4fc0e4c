"""allauth's hooks: where a sponsor lands after signing in, up or verifying their email, and
how its mail names the site."""

from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language, get_language_bidi, gettext

from sponsors.languages import set_language_of, supported
from sponsors.membership import organisations_of
from sponsors.portal import is_sponsor_account, remember_return
from worker.redaction import tag_message


@dataclass(frozen=True)
class SiteIdentity:
    """What allauth's mail calls `current_site`: the product's name, in the reader's language,
    and its public address — not the host the request came in on ("Hello from
    127.0.0.1:8302!")."""

    name: str
    domain: str


def site_identity() -> SiteIdentity:
    return SiteIdentity(
        name=gettext(settings.WAGTAIL_SITE_NAME), domain=urlsplit(settings.SITE_URL).netloc
    )


def on_site(url: str) -> str:
    """`url` at the site's public address (SITE_URL), as every other mail links."""
    parts, site = urlsplit(url), urlsplit(settings.SITE_URL)
    return urlunsplit((site.scheme, site.netloc, parts.path, parts.query, parts.fragment))


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

    def get_email_confirmation_url(self, request, emailconfirmation):
        return on_site(super().get_email_confirmation_url(request, emailconfirmation))

    def get_reset_password_from_key_url(self, key):
        return on_site(super().get_reset_password_from_key_url(key))

    def send_mail(self, template_prefix, email, context):
        super().send_mail(
            template_prefix,
            email,
            {"current_site": site_identity(), "site_url": settings.SITE_URL, **context},
        )

    def save_user(self, request, user, form, commit=True):
        """A sign-up that started from a package ("Sign up to pledge", `?next=`) remembers it,
        so onboarding returns there after the email is confirmed (`portal.remember_return`)."""
        remember_return(request, request.POST.get("next") or request.GET.get("next") or "")
        user = super().save_user(request, user, form, commit=commit)
        if commit and user.pk:
            # Their mail follows the language they signed up in (the browser's, or the one
            # they chose on the site), until they change it on the language page.
            set_language_of(user, supported(get_language()) or settings.LANGUAGE_CODE)
        return user

    def render_mail(self, template_prefix, email, context, headers=None):
        """allauth's mail with the site's HTML frame around its text (allauth ships text only),
        tagged with its template and secrets so the mail log stores it without them (the
        message itself is sent unchanged)."""
        message = super().render_mail(template_prefix, email, context, headers=headers)
        if hasattr(message, "attach_alternative") and not message.alternatives:
            html = render_to_string(
                "account/email/branded.html",
                {
                    "body": message.body,
                    "current_site": context.get("current_site") or site_identity(),
                    "site_url": settings.SITE_URL,
                    "LANGUAGE_CODE": get_language(),
                    "LANGUAGE_BIDI": get_language_bidi(),
                },
            )
            message.attach_alternative(html, "text/html")
        return tag_message(message, template_prefix, context)
