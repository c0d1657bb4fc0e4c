"""Request limits: an oversized body is refused before it is read, and each upload field's
limit is enforced while the body streams in (a 30 MB "logo" is never received in full)."""

import io

import pytest
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIHandler
from django.test import Client, RequestFactory
from django.test.client import encode_multipart
from django.urls import reverse

from marketplace.core.request_limits import MB, BodyLimitUploadHandler, FieldLimitUploadHandler
from sponsors.logos import MAX_LOGO_BYTES
from sponsors.models import Organisation
from tests.factories import make_user
from tests.sponsors.images import raster

pytestmark = pytest.mark.django_db

CHUNK = 64 * 1024  # Django's upload handlers' chunk size
BOUNDARY = "BoUnDaRy"


class CountingStream:
    """A request body that records how many bytes the server read from it."""

    def __init__(self, data: bytes):
        self.stream = io.BytesIO(data)
        self.consumed = 0

    def read(self, size=-1, /):
        data = self.stream.read(size)
        self.consumed += len(data)
        return data

    def readline(self, size=-1, /):
        data = self.stream.readline(size)
        self.consumed += len(data)
        return data


class CountingClient(Client):
    """Sends the body through a CountingStream kept in `self.body`."""

    def request(self, **request):
        payload = request["wsgi.input"]
        self.body = CountingStream(payload.read())
        request["wsgi.input"] = self.body
        return super().request(**request)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def newcomer_client():
    client = CountingClient()
    client.force_login(make_user("hana@globex.example"))
    return client


def onboarding_data(**files):
    return {
        "org-legal_name": "Globex Telecom AG",
        "org-display_name": "Globex",
        "org-country": "DE",
        "org-category": "private_sector",
        "org-website": "globex.example",
        "org-billing_address": "Hauptstrasse 1",
        "org-tax_id": "DE123456789",
        "org-declares_no_excluded_activities": "on",
        "org-accepts_global_compact": "on",
        "contact-name": "Hana Globex",
        "contact-email": "hana@globex.example",
        **files,
    }


def test_a_30_mb_logo_is_refused_after_its_limit_and_one_chunk(newcomer_client):
    huge = SimpleUploadedFile("logo.png", b"\x89PNG\r\n\x1a\n" + b"0" * (30 * MB))
    response = newcomer_client.post(
        reverse("sponsors:onboarding"), onboarding_data(**{"org-logo": huge})
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "The logo is 30.0 MB; the limit is 2 MB." in html
    consumed = newcomer_client.body.consumed
    assert consumed <= MAX_LOGO_BYTES + 2 * CHUNK, consumed  # a chunk of file, one of framing
    assert not Organisation.objects.exists()


def test_a_logo_within_its_limit_is_still_accepted(newcomer_client):
    response = newcomer_client.post(
        reverse("sponsors:onboarding"), onboarding_data(**{"org-logo": raster("PNG")})
    )
    assert response.status_code == 302
    assert Organisation.objects.get().logo.name.endswith(".png")


def test_an_organisation_administrator_editing_gets_the_same_refusal():
    from tests.factories import make_sponsor

    user, organisation = make_sponsor("maya@acme.example", name="Acme")[:2]
    counting = CountingClient()
    counting.force_login(user)
    huge = SimpleUploadedFile("logo.svg", b"<svg>" + b" " * (5 * MB) + b"</svg>")
    response = counting.post(
        reverse("sponsors:organisation_edit"),
        {"org-legal_name": "Acme", "org-display_name": "Acme", "org-logo": huge},
    )
    assert response.status_code == 400
    assert "the limit is 2 MB" in response.content.decode()
    assert counting.body.consumed <= MAX_LOGO_BYTES + 2 * CHUNK
    assert not Organisation.objects.get(pk=organisation.pk).logo


def test_a_body_declared_over_the_limit_gets_413_unread(settings, newcomer_client):
    settings.MAX_REQUEST_BODY_MB = 60
    body = encode_multipart(BOUNDARY, onboarding_data(**{"org-logo": raster("PNG")}))
    response = newcomer_client.generic(
        "POST",
        reverse("sponsors:onboarding"),
        body,
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        CONTENT_LENGTH=str(70 * MB),
    )
    assert response.status_code == 413
    assert "at most 60 MB" in response.content.decode()
    assert newcomer_client.body.consumed == 0


def test_a_real_70_mb_body_gets_413_without_being_read(newcomer_client):
    big = SimpleUploadedFile("logo.png", b"0" * (70 * MB))
    response = newcomer_client.post(reverse("sponsors:onboarding"), {"org-logo": big})
    assert response.status_code == 413
    assert newcomer_client.body.consumed == 0


def _wsgi_call(environ):
    status = {}

    def start_response(line, headers):
        status["line"] = line

    body = b"".join(WSGIHandler()(environ, start_response))
    return status["line"], body


def test_a_chunked_body_without_length_is_refused_once_it_grows_past_the_limit(settings):
    settings.MAX_REQUEST_BODY_MB = 1
    stream = CountingStream(b"x" * (3 * MB))
    environ = Client()._base_environ(
        REQUEST_METHOD="POST",
        PATH_INFO="/payments/stripe/webhook/",  # reads request.body
        CONTENT_TYPE="application/json",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": stream},
    )
    environ.pop("CONTENT_LENGTH", None)
    line, _ = _wsgi_call(environ)
    assert line.startswith("413")
    assert stream.consumed <= MB + CHUNK


def test_multipart_files_growing_past_the_body_limit_are_stopped(settings):
    # Whatever the headers declared, the upload handler stops the files at the body limit.
    settings.MAX_REQUEST_BODY_MB = 1
    request = RequestFactory().post("/")
    handler = BodyLimitUploadHandler(request)
    handler.handle_raw_input(None, {}, 0, BOUNDARY)
    assert handler.receive_data_chunk(b"x" * MB, 0) == b"x" * MB
    with pytest.raises(RequestDataTooBig):
        handler.receive_data_chunk(b"x", MB)
    assert request._request_body_too_large


def test_a_field_without_a_limit_streams_as_before():
    # A view without @upload_limits parses its files as before; only the body limit applies.
    request = RequestFactory().post("/", {"f": SimpleUploadedFile("a.txt", b"a" * MB)})
    handler = FieldLimitUploadHandler(request)
    handler.new_file("f", "a.txt", "text/plain", None)
    assert handler.receive_data_chunk(b"a" * MB, 0) == b"a" * MB
