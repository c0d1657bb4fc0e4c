"""Small image files made in memory for upload tests."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def raster(fmt="PNG", size=(200, 100), name=None) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (11, 79, 138)).save(buffer, format=fmt)
    extension = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "BMP": "bmp"}[fmt]
    return SimpleUploadedFile(name or f"logo.{extension}", buffer.getvalue())


def svg(body: str, name="logo.svg", root_attrs='viewBox="0 0 100 40"') -> SimpleUploadedFile:
    content = f'<svg xmlns="http://www.w3.org/2000/svg" {root_attrs}>{body}</svg>'
    return SimpleUploadedFile(name, content.encode())
