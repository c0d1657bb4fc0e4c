"""Organisers write to the sponsors of an event, or of one of its packages.

`send_sponsor_message` records the message (`SponsorMessage`: who, when, what, to how many)
and logs one email per address through the mail log, in the same transaction: each sponsor
organisation's team and primary contact, an address once however many organisations it
belongs to. Each email's frame (greeting, footer, link) is in the recipient's language when
known — the language a member chose (sponsors/languages.py) — else their organisation's; the text is
sent as the organiser wrote it. The mail key names the message and the address: one email per
address and message, and the message's page lists them from the mail log.

With `form_token` (the form's one-time token) a message is sent at most once per token: a
repeat — a double click, a reload, a second tab, two requests at the same moment — raises
`MessageAlreadySent` carrying the first message, and sends nothing.
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from events import scope
from marketplace.pledges.models import Pledge, SponsorAudience, SponsorMessage
from marketplace.pledges.states import EXPIRING_STATES, PAID_STATES
from sponsors.languages import chosen_languages, organisation_language
from sponsors.models import ContactRole, Organisation
from sponsors.recipients import team_and_contact
from worker.mail import send_templated_mail

AUDIENCE_STATES = {
    SponsorAudience.PAID: PAID_STATES,
    SponsorAudience.ALL: (*PAID_STATES, *EXPIRING_STATES),
}


class SponsorMessageError(Exception):
    def __init__(self, message, field=None):
        super().__init__(message)
        self.message, self.field = str(message), field


class MessageAlreadySent(Exception):
    """The form's token was used already: `first` is the message it sent."""

    def __init__(self, first: SponsorMessage):
        super().__init__(f"sponsor message {first.pk} already sent with this form")
        self.first = first


def sponsor_organisations(event, package=None, audience=SponsorAudience.PAID):
    """The organisations with a pledge in the audience's states for `event` (or `package`)."""
    pledges = Pledge.objects.filter(event=event, status__in=AUDIENCE_STATES[audience])
    if package is not None:
        pledges = pledges.filter(package=package)
    return Organisation.objects.filter(pk__in=pledges.values("organisation_id")).order_by(
        "display_name", "pk"
    )


def send_sponsor_message(
    *,
    event,
    package=None,
    audience=SponsorAudience.PAID,
    subject: str,
    body: str,
    actor,
    form_token: str | None = None,
) -> SponsorMessage:
    """Record the message and log one email per recipient (see the module's doc). Raises
    SponsorMessageError, writing and sending nothing, for an event outside the actor's scope,
    a package of another event, an empty subject or text, or nobody to write to; and
    MessageAlreadySent, sending nothing, when `form_token` sent a message already."""
    subject, body = (subject or "").strip(), (body or "").strip()
    form_token = (form_token or "").strip() or None
    if form_token is not None:
        first = SponsorMessage.objects.filter(form_token=form_token).first()
        if first is not None:
            raise MessageAlreadySent(first)
    if not scope.can_act_on_event(actor, event):
        raise SponsorMessageError(_("You do not organise this event."), field="event")
    if package is not None and package.get_parent().pk != event.pk:
        raise SponsorMessageError(
            _("%(package)s is not a package of %(event)s.")
            % {"package": package.title, "event": event.title},
            field="package",
        )
    if not subject:
        raise SponsorMessageError(_("Write a subject."), field="subject")
    if not body:
        raise SponsorMessageError(_("Write the message."), field="body")
    organisations = list(sponsor_organisations(event, package, audience))
    addresses = {}
    for organisation in organisations:
        for address in team_and_contact(organisation, ContactRole.PRIMARY):
            addresses.setdefault(address.lower(), (address, organisation))
    if not addresses:
        raise SponsorMessageError(
            _("No sponsor to write to: nobody has a pledge of this kind for %(what)s yet.")
            % {"what": package.title if package else event.title}
        )
    languages = chosen_languages([address for address, _org in addresses.values()])
    try:
        message = _record_and_send(
            event, package, audience, subject, body, actor, form_token, addresses, languages
        )
    except IntegrityError:
        # A simultaneous repeat with the same token committed first: its row holds the token.
        first = form_token and SponsorMessage.objects.filter(form_token=form_token).first()
        if not first:
            raise
        raise MessageAlreadySent(first) from None
    return message


def _record_and_send(
    event, package, audience, subject, body, actor, form_token, addresses, languages
) -> SponsorMessage:
    with transaction.atomic():
        message = SponsorMessage.objects.create(
            event=event,
            package=package,
            audience=audience,
            subject=subject,
            body=body,
            sent_by=actor,
            organisations=len({org.pk for _address, org in addresses.values()}),
            recipients=len(addresses),
            form_token=form_token,
        )
        portal = settings.SITE_URL + reverse("sponsors:dashboard")
        for key, (address, organisation) in sorted(addresses.items()):
            send_templated_mail(
                "pledges/email/sponsor_message",
                {
                    "message": message,
                    "event": event,
                    "package": package,
                    "organisation": organisation,
                    "link": portal,
                },
                address,
                organisation=organisation,
                key=f"{message.mail_key_prefix}{key}",
                # The frame (greeting, footer) in the reader's language: their own choice,
                # else their organisation's (a contact without an account).
                language=languages.get(key) or organisation_language(organisation),
            )
    return message
