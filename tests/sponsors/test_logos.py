"""Logo uploads: PNG, JPEG or SVG within limits, the type read from the content, and SVGs
rebuilt so nothing active or external survives."""

import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from sponsors.logos import MAX_LOGO_BYTES, clean_logo
from sponsors.svg import sanitise_svg
from tests.sponsors.images import raster, svg


def test_png_and_jpeg_are_kept_with_an_extension_from_their_content():
    assert clean_logo(raster("PNG", name="whatever.jpeg")).name == "logo.png"
    assert clean_logo(raster("JPEG", name="logo.PNG")).name == "logo.jpg"


@pytest.mark.parametrize(
    "upload, message",
    [
        (raster("GIF"), "PNG, JPEG or SVG"),
        (raster("BMP"), "PNG, JPEG or SVG"),
        (SimpleUploadedFile("logo.png", b"<html><script>alert(1)</script></html>"), "PNG, JPEG"),
        (SimpleUploadedFile("logo.png", b"\x89PNG\r\n\x1a\nnot really a png"), "damaged"),
        (raster("PNG", size=(5000, 200)), "at most 4000 pixels"),
        (raster("PNG", size=(20, 20)), "at least 32 pixels"),
    ],
)
def test_other_or_broken_images_are_refused_with_a_reason(upload, message):
    with pytest.raises(ValidationError) as error:
        clean_logo(upload)
    assert message in error.value.messages[0]


def test_a_file_over_the_size_limit_is_refused_before_it_is_read():
    big = SimpleUploadedFile("logo.png", b"\x89PNG\r\n\x1a\n" + b"0" * MAX_LOGO_BYTES)
    with pytest.raises(ValidationError) as error:
        clean_logo(big)
    assert "limit is 2 MB" in error.value.messages[0]


def clean(body: str, **kwargs) -> str:
    return clean_logo(svg(body, **kwargs)).read().decode()


def parsed(text: str) -> ET.Element:
    return ET.fromstring(text.encode())


MALICIOUS = {
    "script element": "<script>alert(1)</script><rect width='10' height='10'/>",
    "prefixed script": "<svg:script xmlns:svg='http://www.w3.org/2000/svg'>alert(1)</svg:script>",
    "event handler": "<rect width='10' height='10' onclick='alert(1)' onmouseover='x()'/>",
    "foreign object": "<foreignObject><body xmlns='http://www.w3.org/1999/xhtml'>"
    "<img src='x' onerror='alert(1)'/></body></foreignObject>",
    "javascript link": "<a href='javascript:alert(1)'><circle r='5'/></a>",
    "xlink javascript": "<a xmlns:xlink='http://www.w3.org/1999/xlink' "
    "xlink:href='javascript:alert(1)'><circle r='5'/></a>",
    "external use": "<use href='https://evil.example/sprite.svg#icon'/>",
    "data use": "<use href='data:image/svg+xml;base64,PHN2Zz4='/>",
    "external image": "<image href='https://evil.example/track.png' width='1' height='1'/>",
    "style sheet": "<style>rect{fill:red}</style><rect width='1' height='1'/>",
    "animation": "<set attributeName='href' to='javascript:alert(1)'/>"
    "<animate attributeName='onload' values='alert(1)'/>",
    "iframe": "<iframe xmlns='http://www.w3.org/1999/xhtml' src='https://evil.example'/>",
    "processing instruction": "<?xml-stylesheet href='https://evil.example/x.xsl'?><g/>",
}


@pytest.mark.parametrize("body", MALICIOUS.values(), ids=MALICIOUS.keys())
def test_nothing_active_or_external_survives_svg_sanitising(body):
    text = clean(body)
    lowered = text.lower()
    for marker in (
        "script",
        "alert",
        "javascript",
        "onclick",
        "onerror",
        "onload",
        "onmouseover",
        "foreignobject",
        "evil.example",
        "data:",
        "iframe",
        "<image",
        "<style",
        "<set",
        "<animate",
        "<a ",
        "stylesheet",
    ):
        assert marker not in lowered, (marker, text)
    assert parsed(text).tag == "{http://www.w3.org/2000/svg}svg"


def test_the_drawing_and_local_references_survive():
    text = clean(
        "<defs><linearGradient id='g'><stop offset='0' stop-color='#0b4f8a'/></linearGradient>"
        "<symbol id='mark'><circle r='4'/></symbol></defs>"
        "<rect width='100' height='40' fill='url(#g)' style='stroke: #000; stroke-width: 2'/>"
        "<use href='#mark' x='10'/>"
        "<text x='5' y='30' font-family='sans-serif'>Acme <tspan>Ltd</tspan> &amp; Co</text>"
    )
    root = parsed(text)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("viewBox") == "0 0 100 40"
    rect = root.find(f"{ns}rect")
    assert rect.get("fill") == "url(#g)"
    assert rect.get("style") == "stroke: #000; stroke-width: 2"
    assert root.find(f"{ns}use").get("href") == "#mark"
    assert "".join(root.find(f"{ns}text").itertext()) == "Acme Ltd & Co"


def test_entity_expansion_is_refused():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>'
    )
    with pytest.raises(ValidationError) as error:
        clean_logo(SimpleUploadedFile("logo.svg", bomb))
    assert "entities" in error.value.messages[0]


def test_external_entities_are_refused():
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>'
    )
    with pytest.raises(ValidationError):
        clean_logo(SimpleUploadedFile("logo.svg", xxe))


def test_a_standard_svg_doctype_is_accepted():
    text = sanitise_svg(
        b'<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
        b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">'
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><path d="M0 0h10"/></svg>'
    ).decode()
    assert "<path" in text and "DOCTYPE" not in text


@pytest.mark.parametrize(
    "content, message",
    [
        (b"<svg xmlns='http://www.w3.org/2000/svg'><rect></svg>", "well-formed"),
        (b"<html><svg xmlns='http://www.w3.org/2000/svg'/></html>", "root element"),
        (b"<?xml version='1.0'?><div><svg/></div>", "root element"),
    ],
)
def test_a_file_that_is_not_an_svg_document_is_refused(content, message):
    with pytest.raises(ValidationError) as error:
        clean_logo(SimpleUploadedFile("logo.svg", content))
    assert message in error.value.messages[0]


OUTSIDE_CSS = {
    "image-set in style": (
        "<rect width='9' height='9' style=\"fill: image-set('https://evil.example/a.png' 1x)\"/>",
        "its style attribute uses image-set() with an outside address",
    ),
    "webkit image-set unquoted": (
        "<rect width='9' height='9' style='fill: -webkit-image-set(url(//evil.example/a) 1x)'/>",
        "uses url() with an outside address",
    ),
    "image()": (
        "<rect width='9' height='9' style='fill: image(\"https://evil.example/a.png\")'/>",
        "uses image() with an outside address",
    ),
    "src()": (
        "<rect width='9' height='9' style='fill: src(\"https://evil.example/a\")'/>",
        "uses src() with an outside address",
    ),
    "url() to outside in style": (
        "<rect width='1' height='1' style='fill: url(https://evil.example/a)'/>",
        "uses url() with an outside address",
    ),
    "url() in a presentation attribute": (
        "<rect width='1' height='1' fill='url(https://evil.example/a#b)'/>",
        "its fill attribute uses url() with an outside address",
    ),
    "data url": (
        "<rect width='1' height='1' fill='url(data:image/png;base64,AAAA)'/>",
        "uses url() with an outside address",
    ),
    "hex-escaped url(": (
        "<rect width='1' height='1' style='fill: \\75 rl(https://evil.example/a)'/>",
        "uses url() with an outside address",
    ),
    "escaped scheme colon": (
        "<rect width='1' height='1' style='fill: url(https\\3a //evil.example/a)'/>",
        "uses url() with an outside address",
    ),
    "comment inside the function name": (
        "<rect width='1' height='1' style='fill: ur/**/l(https://evil.example/a)'/>",
        "uses url() with an outside address",
    ),
    "quoted address": (
        "<rect width='1' height='1' style=\"fill: 'https://evil.example/a'\"/>",
        "holds an outside address in quotes",
    ),
    "@import in a style element": (
        "<style>@import 'https://evil.example/x.css'; rect{fill:red}</style>",
        "a <style> element imports a style sheet (@import)",
    ),
    "escaped @import": (
        "<style>@\\69mport url(x.css);</style>",
        "imports a style sheet (@import)",
    ),
    "url() to outside in a style element": (
        "<style>rect { fill: url(https://evil.example/a) }</style><rect width='1' height='1'/>",
        "a <style> element uses url() with an outside address",
    ),
    "image-set in a style element": (
        '<style>rect { fill: image-set("https://evil.example/a.png" 1x) }</style>',
        "a <style> element uses image-set() with an outside address",
    ),
}


@pytest.mark.parametrize("body, reason", OUTSIDE_CSS.values(), ids=OUTSIDE_CSS.keys())
def test_css_reaching_outside_is_refused_with_the_reason(body, reason):
    with pytest.raises(ValidationError) as error:
        clean_logo(svg(body))
    message = error.value.messages[0]
    assert message.startswith("The SVG logo could not be read: ")
    assert reason in message, message


def test_ordinary_css_functions_and_strings_are_kept():
    text = clean(
        "<defs><linearGradient id='g'><stop offset='0' stop-color='rgb(11, 79, 138)'/>"
        "</linearGradient></defs>"
        "<g transform='translate(10, 5) rotate(45)'>"
        "<rect width='9' height='9' style=\"fill: url('#g'); font-family: 'Helvetica Neue'\"/>"
        "</g>"
    )
    assert "rotate(45)" in text and "url('#g')" in text and "Helvetica Neue" in text
