"""Staff sign in like everyone else — through allauth, with its rate limits — and with a second
factor.

- `admin_login`: Wagtail's own sign-in page (`/admin/login/`) accepts no password; it sends the
  visitor to allauth's sign-in, keeping `next`, so allauth's rate limits and MFA apply to staff
  (WAGTAILADMIN_LOGIN_URL points there too; Wagtail's password reset is off in settings).
- `StaffSecurityMiddleware`: with STAFF_REQUIRE_MFA on, a staff user without an authenticator
  app (TOTP) is sent to set one up before any admin page; a staff session ends after
  STAFF_SESSION_HOURS without a request. Sponsors keep the normal session.
"""

import datetime

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _

LAST_SEEN = "staff_last_seen"
# A request refreshes the staff inactivity clock at most this often (a session write each time
# would cost every admin request a database write).
LAST_SEEN_RESOLUTION = datetime.timedelta(minutes=1)


def is_staff_user(user) -> bool:
    """Whether `user` may use the Wagtail admin (staff, superuser or `access_admin`)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_staff or user.is_superuser or user.has_perm("wagtailadmin.access_admin")


def has_totp(user) -> bool:
    """Whether the user has set up an authenticator app (allauth.mfa's TOTP)."""
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def admin_login(request):
    """`/admin/login/`: never a password form — off to allauth's sign-in with the same `next`.
    Whatever is posted here is ignored, so it cannot be used to guess passwords."""
    target = request.GET.get("next") or request.POST.get("next") or reverse("wagtailadmin_home")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("wagtailadmin_home")
    return HttpResponseRedirect(f"{reverse('account_login')}?{urlencode({'next': target})}")


class StaffSecurityMiddleware:
    """After authentication: staff sessions' inactivity limit and the MFA requirement."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and is_staff_user(user):
            response = self._expire_idle_session(request) or self._require_mfa(request)
            if response is not None:
                return response
        return self.get_response(request)

    def _expire_idle_session(self, request):
        now = timezone.now()
        limit = datetime.timedelta(hours=settings.STAFF_SESSION_HOURS)
        last_seen = request.session.get(LAST_SEEN)
        if last_seen is not None:
            idle = now - datetime.datetime.fromtimestamp(last_seen, tz=datetime.UTC)
            if idle > limit:
                logout(request)
                messages.info(
                    request,
                    _("Your staff session ended after %(hours)s hours without activity.")
                    % {"hours": settings.STAFF_SESSION_HOURS},
                )
                return redirect_to_login(request.get_full_path(), reverse("account_login"))
            if idle < LAST_SEEN_RESOLUTION:
                return None
        request.session[LAST_SEEN] = now.timestamp()
        return None

    def _require_mfa(self, request):
        if not settings.STAFF_REQUIRE_MFA or not _is_admin_path(request.path_info):
            return None
        if has_totp(request.user):
            return None
        messages.warning(
            request,
            _("Staff accounts need a second factor: set up an authenticator app to continue."),
        )
        enrol = reverse("mfa_activate_totp")
        return HttpResponseRedirect(f"{enrol}?{urlencode({'next': request.get_full_path()})}")


def _is_admin_path(path: str) -> bool:
    admin = reverse("wagtailadmin_home")
    # Signing in or out of the admin, and its static bits, stay reachable.
    exempt = (reverse("wagtailadmin_login"), reverse("wagtailadmin_logout"))
    return path.startswith(admin) and not path.startswith(exempt)
