"""Role dashboards: the panels on the Wagtail admin's home page, one per concern.

Each app adds its own panels from its `wagtail_hooks.py` (`construct_homepage_panels`), so a
panel lives beside the records it counts and no app reaches above its layer. Every panel is a
`CountPanel`: a heading, how many things wait, the first few (each with a link), a link to the
filtered listing, and — when nothing waits — a sentence saying what will appear there. A panel
runs a fixed number of queries (a count and one page of rows), whatever the number of records.
"""

from dataclasses import dataclass, field

from wagtail.admin.ui.components import Component

PANEL_ROWS = 5


@dataclass
class PanelRow:
    label: str
    url: str = ""
    detail: str = ""
    urgent: bool = False


@dataclass
class CountPanel(Component):
    """One concern of a role's dashboard (see the module's doc)."""

    name: str
    heading: str
    count: int
    rows: list[PanelRow] = field(default_factory=list)
    listing_url: str = ""
    listing_label: str = ""
    empty_text: str = ""
    order: int = 500
    template_name = "core/dashboard_panel.html"

    def get_context_data(self, parent_context=None):
        return {"panel": self, "more": max(self.count - len(self.rows), 0)}
