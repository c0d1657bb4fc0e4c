"""The owner's list of their API tokens, under the sign-in settings: revoke one, or all."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sponsors.tokens import services
from sponsors.tokens.models import ApiToken


@login_required
def token_list(request):
    tokens = ApiToken.objects.filter(user=request.user)
    return render(
        request,
        "api_tokens/token_list.html",
        {
            "section": "tokens",
            "tokens": tokens,
            "days": services.token_lifetime().days,
            "now": timezone.now(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def revoke(request, pk):
    # Looked up among the person's own tokens: anyone else's is a 404.
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    if request.method == "POST":
        if not services.revoke_token(request.user, token.pk):
            raise Http404
        messages.success(
            request, _("The token starting %(prefix)s is revoked.") % {"prefix": token.prefix}
        )
        return redirect("api_tokens:list")
    return render(request, "api_tokens/revoke.html", {"section": "tokens", "token": token})


@login_required
@require_http_methods(["GET", "POST"])
def revoke_all(request):
    count = ApiToken.objects.filter(user=request.user).count()
    if request.method == "POST":
        revoked = services.revoke_all_tokens(request.user.pk, reason="revoked by their owner")
        if revoked:
            messages.success(request, _("All your API tokens are revoked."))
        else:
            messages.info(request, _("You had no API tokens."))
        return redirect("api_tokens:list")
    return render(request, "api_tokens/revoke_all.html", {"section": "tokens", "count": count})
