"""Reusable steps for browser journeys: launching headless Chromium, reading mail from the
outbox, signing up a sponsor and registering their organisation.

Typical use in a test::

    @pytest.mark.browser
    @pytest.mark.django_db(transaction=True)
    def test_something(live_server, settings, tmp_path):
        outbox = use_file_outbox(settings, tmp_path)
        with chromium_page() as page:
            sign_up_sponsor(page, live_server.url, "me@example.com", outbox)
            register_organisation(page, "Acme")
"""

import contextlib
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

SCREENSHOTS = Path(__file__).parent / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PASSWORD = "a-long-sponsor-passphrase"


@contextlib.contextmanager
def chromium_page(width=1280, height=900, locale=None):
    """A Playwright page in headless Debian Chromium (never a downloaded browser); `locale`
    ("fr-FR") is the browser's language, sent as Accept-Language."""
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
    # still synchronous and safe.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            options = {"locale": locale} if locale else {}
            context = browser.new_context(viewport={"width": width, "height": height}, **options)
            try:
                yield context.new_page()
            finally:
                context.close()
                browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def use_file_outbox(settings, tmp_path) -> Path:
    """Send mail to files in a fresh outbox folder (as `make run` does with DATA_DIR/outbox)."""
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(outbox)
    return outbox


def link_from_outbox(outbox: Path, to: str, pattern: str) -> str:
    """The first URL matching `pattern` in the newest message to `to` in the outbox."""
    messages = sorted(outbox.glob("*.log"), key=lambda p: p.stat().st_mtime, reverse=True)
    for path in messages:
        text = path.read_text()
        for message in text.split("-" * 79):
            if re.search(rf"^To: {re.escape(to)}$", message, re.MULTILINE | re.IGNORECASE):
                match = re.search(rf"https?://\S*{pattern}\S*", message)
                if match:
                    return match.group(0)
    raise AssertionError(f"No message to {to} with a link matching {pattern!r} in {outbox}")


def sign_in_to_admin(page, base_url: str, email: str, password: str) -> None:
    """Sign a staff user in as the admin asks: `/admin/login/` leads to the site's sign-in
    (allauth), which returns to the admin. Staff made with `create_user` get the verified
    address allauth needs. Ends on the admin's dashboard."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(email__iexact=email)
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    page.goto(base_url + "/admin/login/")
    page.wait_for_url(re.compile(r"/accounts/login/\?next="))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name=re.compile("Sign in", re.IGNORECASE)).click()
    page.wait_for_url(f"{base_url}/admin/")


def sign_up_sponsor(page, base_url: str, email: str, outbox: Path, password=PASSWORD):
    """Sign up through the site, open the verification link from the mail and confirm it.
    Ends signed in, on the organisation onboarding page."""
    page.goto(base_url + "/accounts/signup/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Password (again)").fill(password)
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url("**/accounts/confirm-email/")
    # The mail links to the site's public address (SITE_URL); the live server has its own port.
    link = urlsplit(link_from_outbox(outbox, email, "/accounts/confirm-email/"))
    page.goto(base_url + link.path)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/account/onboarding/")


def register_organisation(
    page,
    legal_name: str,
    *,
    display_name=None,
    country="Switzerland",
    category="Private sector",
    contact_name="Sam Sponsor",
    logo: Path | None = None,
):
    """Fill in and submit the onboarding form; ends on the portal's overview."""
    page.get_by_label("Legal name").fill(legal_name)
    page.get_by_label("Display name").fill(display_name or legal_name)
    page.get_by_label("Country").select_option(label=country)
    page.get_by_label("Partner category").select_option(label=category)
    if logo is not None:
        page.get_by_label("Logo").set_input_files(str(logo))
    if category in ("Private sector", "Foundation"):
        page.get_by_label(re.compile("not involved in tobacco")).check()
        page.get_by_label(re.compile("UN Global Compact")).check()
    page.get_by_label("Name", exact=True).fill(contact_name)
    page.get_by_role("button", name="Register the organisation").click()
    page.wait_for_url("**/account/")
