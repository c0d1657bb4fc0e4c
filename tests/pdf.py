"""Reading the PDFs the app renders (agreements, receipts, invoices, credit notes)."""

import io

from pypdf import PdfReader


def pdf_text(content: bytes) -> str:
    """The text of every page of the PDF `content`, one page after another."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
