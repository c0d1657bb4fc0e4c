"""Wagtail page types: where they may live, and that each routes, renders, edits and previews."""

from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from cms.models import HomePage, StandardPage
from events.models import EventIndexPage, EventPage, SponsorshipPackagePage
from tests.factories import make_event, make_package, site_tree


class PageTreeTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home, cls.index = site_tree()
        cls.event = make_event(cls.index)
        cls.package = make_package(cls.event)
        cls.about = cls.home.add_child(instance=StandardPage(title="About", slug="about"))

    def test_allowed_parents(self):
        self.assertAllowedParentPageTypes(EventPage, {EventIndexPage})
        self.assertAllowedParentPageTypes(SponsorshipPackagePage, {EventPage})
        self.assertAllowedParentPageTypes(EventIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(EventPage, {SponsorshipPackagePage})
        self.assertAllowedSubpageTypes(SponsorshipPackagePage, set())
        self.assertCanNotCreateAt(HomePage, SponsorshipPackagePage)
        self.assertCanNotCreateAt(Page, EventPage)

    def test_pages_are_routable(self):
        for page in (self.home, self.index, self.event, self.package, self.about):
            self.assertPageIsRoutable(page)

    def test_pages_are_renderable(self):
        for page in (self.home, self.index, self.event, self.package, self.about):
            self.assertPageIsRenderable(page)

    def _form_data(self):
        # StreamFields are posted by JavaScript in the admin, so give their form data here.
        event = self.event
        forms = {
            self.home: {
                "title": self.home.title,
                "slug": "home",
                "intro": "",
                "call_to_sponsors": "",
                "body": streamfield([]),
            },
            self.about: {"title": "About", "slug": "about", "intro": "", "body": streamfield([])},
            self.index: {"title": "Events", "slug": "events", "intro": "Upcoming events"},
            event: {
                "title": event.title,
                "slug": event.slug,
                "acronym": event.acronym,
                "start_date": event.start_date.isoformat(),
                "end_date": event.end_date.isoformat(),
                "city": event.city,
                "country": "CH",
                "venue": "",
                "region": "GLO",
                "currency": "CHF",
                "sponsorship_deadline": event.sponsorship_deadline.isoformat(),
                "card_hold_minutes": "30",
                "bank_transfer_hold_days": "14",
                "organiser_name": "Team",
                "organiser_email": "team@example.org",
                "summary": "",
                "body": streamfield([("heading", "Programme")]),
                "organisers": inline_formset([]),
            },
            self.package: {
                "title": "Gold",
                "slug": self.package.slug,
                "category": "headline",
                "price": "50000",
                "capacity": "3",
                "max_per_sponsor": "1",
                "summary": "",
                "description": streamfield([]),
                "benefits": inline_formset(
                    [
                        {
                            "kind": "logo_website",
                            "quantity": "1",
                            "days_before_event": "14",
                            "description": "",
                        }
                    ]
                ),
            },
        }
        return {page: nested_form_data(data) for page, data in forms.items()}

    def test_pages_are_editable(self):
        for page, data in self._form_data().items():
            self.assertPageIsEditable(page, post_data=data)

    def test_pages_are_previewable(self):
        for page, data in self._form_data().items():
            self.assertPageIsPreviewable(page, post_data=data)

    def test_events_live_at_events(self):
        self.assertEqual(self.index.url, "/events/")
        self.assertEqual(self.event.url, f"/events/{self.event.slug}/")
