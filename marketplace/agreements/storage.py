"""Where agreement PDFs are kept: under PRIVATE_DOCUMENTS_ROOT (never MEDIA_ROOT, which is served
publicly), read only through views that check who asks."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class AgreementStorage(FileSystemStorage):
    """A file system storage whose root follows PRIVATE_DOCUMENTS_ROOT at each use (so tests and
    deployments that move it are honoured) and that has no public URL."""

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return str(settings.PRIVATE_DOCUMENTS_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Agreement PDFs have no public URL; serve them through a view.")


def agreement_storage() -> AgreementStorage:
    return AgreementStorage()
