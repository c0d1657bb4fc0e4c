"""Where agreement PDFs are kept and what counts as one.

Signed agreements are confidential, so they are stored under DATA_DIR/private (never under
MEDIA_ROOT, which is served publicly) and their URL is a view that checks the reader's rights.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

PDF_MAGIC = b"%PDF-"
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


class PrivateDocumentStorage(FileSystemStorage):
    def __init__(self):
        super().__init__(location=settings.DATA_DIR / "private", base_url=None)

    def url(self, name):
        return reverse("register:document", kwargs={"name": name})


def private_document_storage():
    return PrivateDocumentStorage()


def validate_pdf(file) -> None:
    """Accept only a PDF: a .pdf name, the PDF signature in its first bytes, a bounded size."""
    name = getattr(file, "name", "") or ""
    if not name.lower().endswith(".pdf"):
        raise ValidationError(_("Upload a PDF file (its name must end in .pdf)."), code="pdf")
    size = getattr(file, "size", None)
    if size is not None and size > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            _("The file is too large (at most %(mb)s MB)."),
            params={"mb": MAX_DOCUMENT_BYTES // (1024 * 1024)},
            code="pdf_size",
        )
    try:
        position = file.tell()
        file.seek(0)
        head = file.read(1024)
        file.seek(position)
    except (OSError, ValueError):
        head = b""
    if isinstance(head, str):
        head = head.encode("latin-1", "replace")
    if not head.lstrip(b"\xef\xbb\xbf\r\n\t ").startswith(PDF_MAGIC):
        raise ValidationError(_("This file is not a PDF document."), code="pdf")
