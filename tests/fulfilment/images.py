"""Files made in memory for upload tests."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def png(size=(800, 400), name="logo.png", colour=(11, 79, 138)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def jpeg(size=(640, 480), name="photo.jpg", colour=(200, 120, 40)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def pdf(name="artwork.pdf") -> SimpleUploadedFile:
    content = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def svg(body='<rect width="100" height="40" fill="#0b4f8a"/>', name="logo.svg"):
    content = f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 40">{body}</svg>'
    return SimpleUploadedFile(name, content.encode(), content_type="image/svg+xml")
