from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from sponsors.tokens.services import authenticate_key


class ApiTokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <key>`, checked against the stored digests and expiry."""

    model = None

    def authenticate_credentials(self, key):
        found = authenticate_key(key)
        if found is None:
            raise exceptions.AuthenticationFailed(_("Invalid or expired token."))
        return found
