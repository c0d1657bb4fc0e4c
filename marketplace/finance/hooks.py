"""What finance asks of the apps above it: declared hooks (`marketplace/core/hooks.py`).

DOCUMENT_ISSUER — who issues finance documents (and agreements): the organisation's name,
    postal address and contact email, printed in their header. The site owns them (cms, in its
    site settings) and fills them in. Steps get `(issuer: dict, *, site)` — the default Wagtail
    site, or None — and update `issuer` in place.
    10 "the site's organisation" (cms)
"""

from marketplace.core.hooks import Steps

DOCUMENT_ISSUER = Steps("document issuer")
