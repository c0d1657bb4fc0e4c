"""PDF documents from HTML templates (receipts, invoices, credit notes, later agreements).

WeasyPrint lays out the HTML with the system's fonts (fontconfig). Nothing is fetched from the
network while rendering: the URL fetcher refuses every scheme but `data:`, so a template (or a
value shown in it) cannot make the server call out, and the same template always gives the same
document.
"""

import threading

from celery import signals
from django.template.loader import render_to_string
from django.utils.translation import get_language, get_language_bidi
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

ALLOWED_PROTOCOLS = ("data",)
_local = threading.local()


def offline_url_fetcher() -> URLFetcher:
    """A fetcher that serves `data:` URLs only; http(s), file and the rest are refused."""
    return URLFetcher(allowed_protocols=ALLOWED_PROTOCOLS, allow_redirects=False, timeout=1)


def font_config() -> FontConfiguration:
    """This thread's FontConfiguration, made once and reused: building one (fontconfig and the
    Pango font map) costs about a fifth of rendering a two-page document. One per thread, as
    Pango's font map is not shared across threads; templates declare no @font-face, so
    nothing accumulates in it."""
    config = getattr(_local, "font_config", None)
    if config is None:
        config = _local.font_config = FontConfiguration()
    return config


def warm_up() -> None:
    """Load the fonts into this thread's font configuration now (a one-line document): the
    first PDF a process renders otherwise pays about a second for fontconfig and the fonts.
    Worker pool processes call it when they start (`warm_up_pool_process`)."""
    HTML(string="<p>warm</p>", url_fetcher=offline_url_fetcher()).write_pdf(
        font_config=font_config()
    )


@signals.worker_process_init.connect
def warm_up_pool_process(**kwargs) -> None:
    """Each Celery pool process loads the PDF fonts as it starts, not during its first task
    (connected when the app is ready: `CoreConfig.ready`)."""
    warm_up()


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render `template_name` with `context` to HTML, then to PDF bytes. Guarantees no network
    access and no file read outside the template itself."""
    # The document declares the language it is rendered in (no request, so no context processor).
    # (and its direction: Arabic documents are laid out right to left, shaped by HarfBuzz).
    html = render_to_string(
        template_name,
        {"LANGUAGE_CODE": get_language(), "LANGUAGE_BIDI": get_language_bidi(), **context},
    )
    # Tagged PDF (a structure tree of headings, paragraphs and tables, in the document's
    # language), so screen readers read documents in order (WCAG 2.1, PDF techniques).
    return HTML(string=html, base_url=None, url_fetcher=offline_url_fetcher()).write_pdf(
        font_config=font_config(), pdf_tags=True
    )
