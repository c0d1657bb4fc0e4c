"""What finance asks of the apps above it: declared hooks (`marketplace/core/hooks.py`).

DOCUMENT_ISSUER — who issues finance documents (and agreements): the organisation's name,
    postal address and contact email, printed in their header. The site owns them (cms, in its
    site settings) and fills them in. Steps get `(issuer: dict, *, site)` — the default Wagtail
    site, or None — and update `issuer` in place.
    10 "the site's organisation" (cms)

RATES_RECORDED — rates of exchange were recorded (imported or saved in the admin), and finance
    has valued its own rows that were waiting for them (`reporting.apply_rates`). Steps get
    `(book: rates.RateBook)` and value theirs, returning how many they valued.
    10 "value the partnership agreements" (register)
"""

from marketplace.core.hooks import Steps

DOCUMENT_ISSUER = Steps("document issuer")
RATES_RECORDED = Steps("rates of exchange recorded")
