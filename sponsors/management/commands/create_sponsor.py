"""`python manage.py create_sponsor EMAIL --organisation NAME [--password PW] [--category C]`"""

from django.core.management.base import BaseCommand, CommandError

from sponsors.choices import PartnerCategory
from sponsors.provisioning import ProvisioningError, create_sponsor_account


class Command(BaseCommand):
    help = (
        "Create a verified, onboarded and cleared sponsor account: a user with a verified "
        "email, an organisation it administers, and due-diligence clearance."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--organisation", required=True, help="The organisation's name.")
        parser.add_argument("--password", help="Generated and printed when omitted.")
        parser.add_argument(
            "--category",
            default=PartnerCategory.PRIVATE_SECTOR.value,
            choices=PartnerCategory.values,
            help="Partner category (default: private_sector).",
        )
        parser.add_argument("--country", default="CH", help="ISO 3166 code (default: CH).")

    def handle(self, *args, email, organisation, password, category, country, **options):
        try:
            account = create_sponsor_account(
                email, organisation, password=password, category=category, country=country
            )
        except ProvisioningError as exc:
            raise CommandError(str(exc))
        self.stdout.write(
            f"Created sponsor {account.user.email} for {account.organisation.display_name} "
            f"({account.organisation.get_category_display()}): verified, onboarded and cleared."
        )
        if account.password_generated:
            self.stdout.write(f"Password (generated): {account.password}")
