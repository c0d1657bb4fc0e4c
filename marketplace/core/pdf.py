"""PDF documents from HTML templates (receipts, invoices, credit notes, later agreements).

WeasyPrint lays out the HTML with the system's fonts (fontconfig). Nothing is fetched from the
network while rendering: the URL fetcher refuses every scheme but `data:`, so a template (or a
value shown in it) cannot make the server call out, and the same template always gives the same
document.
"""

from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher

ALLOWED_PROTOCOLS = ("data",)


def offline_url_fetcher() -> URLFetcher:
    """A fetcher that serves `data:` URLs only; http(s), file and the rest are refused."""
    return URLFetcher(allowed_protocols=ALLOWED_PROTOCOLS, allow_redirects=False, timeout=1)


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render `template_name` with `context` to HTML, then to PDF bytes. Guarantees no network
    access and no file read outside the template itself."""
    html = render_to_string(template_name, context)
    return HTML(string=html, base_url=None, url_fetcher=offline_url_fetcher()).write_pdf()
