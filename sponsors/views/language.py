"""/account/language/: the language a signed-in person reads the site, their mail and reminders
in (set at sign-up from the language they signed up in; `sponsors/languages.py`)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from sponsors.forms import LanguageForm
from sponsors.languages import language_of, set_language_of


@login_required
def language(request):
    form = LanguageForm(request.POST or None, initial={"language": language_of(request.user)})
    if request.method == "POST" and form.is_valid():
        chosen = set_language_of(request.user, form.cleaned_data["language"])
        translation.activate(chosen)
        messages.success(request, _("Saved: your pages and mail are now in this language."))
        response = redirect("sponsors:language")
        # The site follows at once (the language switcher's cookie), not only the mail.
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            chosen,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE or "Lax",
            secure=settings.LANGUAGE_COOKIE_SECURE,
        )
        return response
    return render(
        request,
        "sponsors/language.html",
        {"section": "language", "form": form},
        status=400 if form.errors else 200,
    )
