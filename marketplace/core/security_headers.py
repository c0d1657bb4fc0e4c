"""Content-Security-Policy (django-csp 4) with one policy for the site and one for the admin,
and a Permissions-Policy on every response.

The site's policy (`CONTENT_SECURITY_POLICY`) allows scripts from our own origin and inline ones
only with the request's nonce; the project's templates have no inline script or `on*` handler,
so public pages — which the anonymous page cache may serve to many visitors — need no nonce at
all. Wagtail 7.4's admin still writes inline scripts (inline panels, date choosers, workflow
init) and style attributes, so paths under `CSP_ADMIN_PATH_PREFIXES` get
`CONTENT_SECURITY_POLICY_ADMIN`, which is the same policy with 'unsafe-inline' for those two
only: objects, base URIs, framing and form targets stay as strict as on the site.
"""

from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import default_config
from django.conf import settings


class SecurityHeadersMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        # A view's own @csp decorators (parts.config) win; otherwise the admin gets its policy.
        if not report_only and parts.config is None and is_admin_path(request.path_info):
            parts.config = default_config(settings.CONTENT_SECURITY_POLICY_ADMIN["DIRECTIVES"])
        return parts

    def process_response(self, request, response):
        response = super().process_response(request, response)
        if settings.PERMISSIONS_POLICY and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = settings.PERMISSIONS_POLICY
        return response


def is_admin_path(path: str) -> bool:
    return path.startswith(tuple(settings.CSP_ADMIN_PATH_PREFIXES))
