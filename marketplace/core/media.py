"""Serving public uploads (catalogue images and sponsor logos).

Only the folders that hold public files are served; anything else stored under MEDIA_ROOT stays
unreachable by URL. Uploaded SVG logos are sanitised on upload, and are served with a policy
that forbids scripts and outside requests as a second line of defence.
"""

from django.conf import settings
from django.http import Http404
from django.views.static import serve

PUBLIC_FOLDERS = ("images/", "original_images/", "logos/", "fulfilment/logos/")
POLICY = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox"


def public_media(request, path):
    if not path.startswith(PUBLIC_FOLDERS) or ".." in path.split("/"):
        raise Http404
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Content-Security-Policy"] = POLICY
    response["X-Content-Type-Options"] = "nosniff"
    return response
