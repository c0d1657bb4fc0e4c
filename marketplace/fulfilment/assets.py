"""Checking what sponsors and organisers upload for a benefit task, before anything is stored.

A logo goes through the sponsor logo checks (`sponsors/logos.py`: type read from the content,
size and pixel limits, SVG rebuilt by the allow-list sanitiser) and then the benefit's minimum
dimensions (a vector SVG fits any size). A text is trimmed and must fit the benefit's maximum
length. A file or proof must be a PDF, PNG or JPEG (read from its first bytes) within
MAX_FILE_BYTES. Each check raises ValidationError with a sentence for the person.
"""

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from sponsors.logos import clean_logo

MAX_FILE_BYTES = 10 * 1024 * 1024
PDF, PNG, JPEG = "pdf", "png", "jpeg"
EXTENSIONS = {PDF: ".pdf", PNG: ".png", JPEG: ".jpg"}
IMAGE_KINDS = (PNG, JPEG)


def clean_logo_asset(upload, min_size: tuple[int, int] | None) -> ContentFile:
    """The logo to store: valid for the portal (see `sponsors/logos.py`) and, if raster, at
    least `min_size` (width, height) pixels."""
    cleaned = clean_logo(upload)
    if min_size and not cleaned.name.endswith(".svg"):
        with Image.open(io.BytesIO(cleaned.read())) as image:
            width, height = image.size
        cleaned.seek(0)
        min_width, min_height = min_size
        if width < min_width or height < min_height:
            raise ValidationError(
                _(
                    "The logo is %(width)s×%(height)s pixels; this benefit needs at least "
                    "%(min_width)s×%(min_height)s pixels (or an SVG)."
                )
                % {
                    "width": width,
                    "height": height,
                    "min_width": min_width,
                    "min_height": min_height,
                }
            )
    return cleaned


def clean_text_asset(text: str, max_length: int | None) -> str:
    """The text trimmed of surrounding blanks; not empty and at most `max_length` characters."""
    text = (text or "").strip().replace("\r\n", "\n")
    if not text:
        raise ValidationError(_("Write the text."))
    if max_length and len(text) > max_length:
        raise ValidationError(
            _("The text is %(length)s characters long; at most %(limit)s are allowed.")
            % {"length": f"{len(text):,}", "limit": f"{max_length:,}"}
        )
    return text


def detect_file_kind(head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    return None


def clean_document(upload, *, what: str) -> tuple[ContentFile, str]:
    """(file to store, kind) for an uploaded PDF, PNG or JPEG of at most MAX_FILE_BYTES; `what`
    names it in messages ("The file", "The proof")."""
    if upload.size > MAX_FILE_BYTES:
        raise ValidationError(
            _("%(what)s is %(size)s MB; the limit is %(limit)s MB.")
            % {
                "what": what,
                "size": f"{upload.size / 1024 / 1024:.1f}",
                "limit": MAX_FILE_BYTES // 1024 // 1024,
            }
        )
    upload.seek(0)
    data = upload.read(MAX_FILE_BYTES + 1)
    kind = detect_file_kind(data[:16])
    if kind is None:
        raise ValidationError(_("%(what)s must be a PDF, PNG or JPEG file.") % {"what": what})
    if kind in IMAGE_KINDS:
        try:
            with Image.open(io.BytesIO(data)) as image:
                image.verify()
        except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
            raise ValidationError(_("%(what)s is damaged or not an image.") % {"what": what})
    return ContentFile(data, name="file" + EXTENSIONS[kind]), kind


def clean_file_asset(upload) -> ContentFile:
    return clean_document(upload, what=_("The file"))[0]


def clean_proof_file(upload) -> tuple[ContentFile, bool]:
    """(file to store, whether it is a photo) for a proof of delivery."""
    content, kind = clean_document(upload, what=_("The proof"))
    return content, kind in IMAGE_KINDS


def display_name(upload) -> str:
    """The uploaded file's own name, shortened, for people to recognise it (never used as a
    path)."""
    name = getattr(upload, "name", "") or ""
    return name.replace("\\", "/").rsplit("/", 1)[-1][:200]
