"""`POST /api/v1/auth/token/`: an account's email and password for a new API token."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.core.schema import error_body, error_responses
from marketplace.core.throttling import ClientAddressThrottle
from sponsors.tokens import services


class TokenThrottle(ClientAddressThrottle):
    """Ten attempts a minute per client address, signed in or not."""

    scope = "auth_token"
    rate = "10/min"


class EmailLocked(exceptions.Throttled):
    default_detail = _("Too many failed attempts for this email. Try again later.")


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    expires = serializers.DateTimeField()


class ObtainToken(APIView):
    """Exchange an account's email and password for a new API token (`Authorization: Token …`),
    valid API_TOKEN_DAYS. Not for superusers or unverified email addresses (403); five wrong
    passwords for one email within 15 minutes lock it, from any address (429)."""

    parser_classes = [JSONParser]
    authentication_classes = []
    permission_classes = []
    throttle_classes = [TokenThrottle]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            **error_responses(
                400,
                403,
                415,
                429,
                e400="Field errors, or the pair does not match (`non_field_errors`)",
                e403=(
                    "This account may not hold a token: `detail`, and `code` saying why",
                    error_body(code={"type": "string"}),
                ),
                e429="Too many attempts (per address or per email): wait `Retry-After` seconds",
            ),
        },
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        email = serializer.validated_data["email"]
        if services.email_locked(email):
            raise EmailLocked(wait=services.EMAIL_FAILURE_WINDOW.total_seconds())
        user = services.user_for_password(email, serializer.validated_data["password"])
        if user is None:
            services.record_failure(email)
            return Response(
                {"non_field_errors": [_("Unable to sign in with this email and password.")]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        try:
            issued = services.issue_token(user, email)
        except services.TokenRefused as refusal:
            return Response(
                {"detail": refusal.message, "code": refusal.code},
                status=status.HTTP_403_FORBIDDEN,
            )
        return Response({"token": issued.key, "expires": issued.token.expires_at.isoformat()})
