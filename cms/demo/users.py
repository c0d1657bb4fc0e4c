"""Demo users, one per role, all sharing DEMO_PASSWORD (generated once when unset)."""

import secrets

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from events.editorial import admin_access
from marketplace.core.roles import APPROVERS, FINANCE, ORGANISERS, PARTNERSHIP_OFFICERS, SUPPORT

DEMO_USERS = [
    # email, first name, last name, groups, superuser
    ("organiser@example.org", "Olivia", "Organiser", [ORGANISERS], False),
    # A second event scope: Omar organises the regional forum only (cms/demo/teams.py).
    ("forum.organiser@example.org", "Omar", "Forum-Organiser", [ORGANISERS], False),
    ("approver@example.org", "Amadou", "Approver", [APPROVERS], False),
    ("finance@example.org", "Fatima", "Finance", [FINANCE], False),
    ("partnerships@example.org", "Paula", "Partnerships", [PARTNERSHIP_OFFICERS], False),
    # Support reads the mail log's bodies (sign-in links removed); see worker/permissions.py.
    ("support@example.org", "Sipho", "Support", [SUPPORT], False),
    ("sponsor@example.org", "Sam", "Sponsor", [], False),
    # Sponsor roles: Sam's teammates at Acme (their roles are set in cms/demo/sponsors.py).
    ("signatory@example.org", "Grace", "Hopper-Okafor", [], False),
    ("member@example.org", "Tom", "Teammate", [], False),
    ("admin@example.org", "Ada", "Administrator", [], True),
]


def _password_file():
    return settings.DATA_DIR / "demo_password"


def stored_password() -> str:
    path = _password_file()
    return path.read_text().strip() if path.exists() else ""


def demo_password() -> tuple[str, bool]:
    """The demo password and whether it was generated just now (so it should be printed)."""
    if settings.DEMO_PASSWORD:
        return settings.DEMO_PASSWORD, False
    existing = stored_password()
    if existing:
        return existing, False
    password = secrets.token_urlsafe(12)
    _password_file().write_text(password)
    _password_file().chmod(0o600)
    return password, True


def ensure_demo_users(password: str) -> dict[str, object]:
    """Create the demo users (verified emails, groups). Existing users are left as they are."""
    user_model = get_user_model()
    finance, _ = Group.objects.get_or_create(name=FINANCE)
    finance.permissions.add(admin_access())
    Group.objects.get_or_create(name=SUPPORT)  # its permissions: ensure_roles
    users = {}
    for email, first, last, group_names, superuser in DEMO_USERS:
        user = user_model.objects.filter(email__iexact=email).first()
        if user is None:
            user = user_model(
                username=email,
                email=email,
                first_name=first,
                last_name=last,
                is_staff=superuser,
                is_superuser=superuser,
            )
            user.set_password(password)
            user.save()
            user.groups.set(Group.objects.filter(name__in=group_names))
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        users[email] = user
    return users
