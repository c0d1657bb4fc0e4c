"""Validating an uploaded logo: PNG, JPEG or SVG, within size and dimension limits.

The type is read from the content, never from the uploaded name or the browser's content type.
An SVG is rebuilt from an allow-list of elements and attributes (see `sponsors/svg.py`), so no
script, event handler, foreign object or external reference survives.
"""

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from sponsors.svg import SvgError, sanitise_svg

MAX_LOGO_BYTES = 2 * 1024 * 1024
MIN_LOGO_PIXELS = 32
MAX_LOGO_PIXELS = 4000
RASTER_FORMATS = {"PNG": ".png", "JPEG": ".jpg"}


def detect_kind(head: bytes) -> str | None:
    """ "png", "jpeg" or "svg" from the first bytes of a file, else None."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if text.startswith(b"<") and b"<svg" in head:
        return "svg"
    return None


def clean_logo(upload) -> ContentFile:
    """The logo to store for an uploaded file: the same image (or the sanitised SVG) under a
    name whose extension matches its real type. Raises ValidationError with a message for the
    person when the file is too big, of another type, unreadable or outside the pixel limits."""
    if upload.size > MAX_LOGO_BYTES:
        raise ValidationError(
            _("The logo is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": f"{upload.size / 1024 / 1024:.1f}", "limit": MAX_LOGO_BYTES // 1024 // 1024}
        )
    upload.seek(0)
    data = upload.read(MAX_LOGO_BYTES + 1)
    kind = detect_kind(data[:1024])
    if kind is None:
        raise ValidationError(_("The logo must be a PNG, JPEG or SVG image."))
    if kind == "svg":
        try:
            cleaned = sanitise_svg(data)
        except SvgError as exc:
            raise ValidationError(_("The SVG logo could not be read: %(reason)s") % {"reason": exc})
        return ContentFile(cleaned, name="logo.svg")
    return ContentFile(data, name="logo" + _check_raster(data))


def _check_raster(data: bytes) -> str:
    try:
        with Image.open(io.BytesIO(data)) as image:
            image_format = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise ValidationError(_("The logo file is damaged or not an image."))
    if image_format not in RASTER_FORMATS:
        raise ValidationError(_("The logo must be a PNG, JPEG or SVG image."))
    if width > MAX_LOGO_PIXELS or height > MAX_LOGO_PIXELS:
        raise ValidationError(
            _("The logo is %(width)s×%(height)s pixels; at most %(limit)s pixels on each side.")
            % {"width": width, "height": height, "limit": MAX_LOGO_PIXELS}
        )
    if width < MIN_LOGO_PIXELS or height < MIN_LOGO_PIXELS:
        raise ValidationError(
            _("The logo is %(width)s×%(height)s pixels; at least %(limit)s pixels on each side.")
            % {"width": width, "height": height, "limit": MIN_LOGO_PIXELS}
        )
    return RASTER_FORMATS[image_format]
