"""An allow-list SVG sanitiser for sponsor logos.

The upload is parsed with defusedxml (no entity expansion, no external entities), then a new
document is built that copies only known drawing elements and presentation attributes. Whatever
is not on the lists is dropped with its subtree: scripts, event handlers (`on*`), foreignObject,
images, links, animation, `<style>` sheets, elements of other namespaces, and any reference
that leaves the document (`href` and `url(...)` may only point at `#id` inside it).

A file whose CSS (a presentation or `style` attribute, or a `<style>` element) reaches outside
— an `@import`, or any CSS function or quoted string carrying a URL scheme or a `//host`, such as
`image-set('https://…')`, `image()`, `src()`, `url()` — is refused outright rather than cleaned,
CSS escapes (`\75 rl(`) and comments decoded first, so the sponsor learns why.
"""

import re
import xml.etree.ElementTree as ET  # noqa: S405 - only used to build and serialise, not to parse

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
MAX_ELEMENTS = 20_000
MAX_DEPTH = 64

ELEMENTS = frozenset(
    {
        "svg", "g", "defs", "title", "desc", "symbol", "use",
        "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
        "text", "tspan",
        "linearGradient", "radialGradient", "stop", "clipPath", "mask",
    }
)  # fmt: skip
TEXT_ELEMENTS = frozenset({"text", "tspan", "title", "desc"})

PRESENTATION = frozenset(
    {
        "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-linecap",
        "stroke-linejoin", "stroke-miterlimit", "stroke-dasharray", "stroke-dashoffset",
        "stroke-opacity", "opacity", "color", "clip-path", "clip-rule", "mask", "display",
        "visibility", "stop-color", "stop-opacity", "font-family", "font-size", "font-weight",
        "font-style", "text-anchor", "dominant-baseline", "letter-spacing", "word-spacing",
        "text-decoration", "transform", "vector-effect", "paint-order", "isolation",
        "mix-blend-mode",
    }
)  # fmt: skip
GEOMETRY = frozenset(
    {
        "id", "class", "viewBox", "width", "height", "x", "y", "x1", "y1", "x2", "y2",
        "cx", "cy", "r", "rx", "ry", "fx", "fy", "fr", "d", "points", "dx", "dy", "rotate",
        "textLength", "lengthAdjust", "preserveAspectRatio", "version", "offset",
        "gradientUnits", "gradientTransform", "spreadMethod", "clipPathUnits", "maskUnits",
        "maskContentUnits", "pathLength",
    }
)  # fmt: skip
ATTRIBUTES = PRESENTATION | GEOMETRY

LOCAL_REF = re.compile(r"^#[A-Za-z_][\w.:-]*$")
URL_FUNCTION = re.compile(r"url\s*\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)
FORBIDDEN_IN_VALUES = ("\\", "<", "javascript:", "expression(", "@import", "data:")


CSS_COMMENT = re.compile(r"/\*.*?(\*/|$)", re.DOTALL)
CSS_HEX_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})[ \t\r\n\f]?")
CSS_CHAR_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
CSS_STRING = re.compile(r"(['\"])(.*?)(\1|$)", re.DOTALL)
# Zero-width, so a function nested in another's arguments is found too.
CSS_FUNCTION = re.compile(r"(?<![-\w])(?=([-a-z_][-\w]*)\s*\(([^()]*))", re.IGNORECASE)
# "https:", "data:", "javascript:"… or a protocol-relative "//host".
URL_SCHEME = re.compile(r"(?<![-\w])[a-z][a-z0-9+.-]*:|//", re.IGNORECASE)


class SvgError(ValueError):
    """The file is not an SVG document we can read; the message says why, for the person."""


def sanitise_svg(data: bytes) -> bytes:
    """A new SVG document holding only the allowed elements and attributes of `data`.
    Raises SvgError when `data` is not well-formed XML, declares entities, or is not SVG."""
    try:
        source = fromstring(data)
    except DefusedXmlException:
        raise SvgError("it declares XML entities or external references, which are not allowed.")
    except ET.ParseError as exc:
        raise SvgError(f"it is not well-formed XML ({exc}).")
    namespace, name = _split(source.tag)
    if name != "svg" or namespace not in (None, SVG_NS):
        raise SvgError("its root element is not <svg>.")
    _refuse_outside_references(source)
    counter = [0]
    root = _copy(source, None, counter, depth=0)
    root.set("xmlns", SVG_NS)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _refuse_outside_references(source) -> None:
    """Raise SvgError when any CSS in the document names an outside address."""
    for element in source.iter():
        _, name = _split(element.tag)
        if name == "style":
            _check_css(element.text or "", "a <style> element")
        for key, value in element.attrib.items():
            if _split(key)[1] != "href":  # href is kept only as a local #reference, see below
                _check_css(value, f"its {_split(key)[1]} attribute")


def _decoded_css(text: str) -> str:
    text = CSS_COMMENT.sub("", text).replace("\\\n", "")
    text = CSS_HEX_ESCAPE.sub(lambda m: _code_point(m.group(1)), text)
    return CSS_CHAR_ESCAPE.sub(r"\1", text)


def _code_point(hex_digits: str) -> str:
    value = int(hex_digits, 16)
    return chr(value) if 0 < value <= 0x10FFFF else "\ufffd"


def _check_css(text: str, where: str) -> None:
    css = _decoded_css(text)
    if "@import" in css.lower():
        raise SvgError(f"{where} imports a style sheet (@import), which is not allowed.")
    for function, arguments in CSS_FUNCTION.findall(css):
        if URL_SCHEME.search(arguments):
            raise SvgError(
                f"{where} uses {function.lower()}() with an outside address, which is not "
                "allowed; logos may refer only to their own parts (url(#id))."
            )
    for _, string, _ in CSS_STRING.findall(css):
        if URL_SCHEME.search(string):
            raise SvgError(f"{where} holds an outside address in quotes, which is not allowed.")


def _split(tag) -> tuple[str | None, str]:
    if not isinstance(tag, str):  # comments and processing instructions
        return "", ""
    if tag.startswith("{"):
        namespace, _, name = tag[1:].partition("}")
        return namespace, name
    return None, tag


def _copy(source, parent, counter, depth):
    if depth > MAX_DEPTH:
        raise SvgError(f"it nests elements more than {MAX_DEPTH} deep.")
    counter[0] += 1
    if counter[0] > MAX_ELEMENTS:
        raise SvgError(f"it has more than {MAX_ELEMENTS} elements.")
    _, name = _split(source.tag)
    element = ET.Element(name) if parent is None else ET.SubElement(parent, name)
    for key, value in source.attrib.items():
        kept = _attribute(name, key, value)
        if kept:
            element.set(*kept)
    if name in TEXT_ELEMENTS and source.text:
        element.text = source.text
    for child in source:
        namespace, child_name = _split(child.tag)
        if namespace in (None, SVG_NS) and child_name in ELEMENTS:
            copied = _copy(child, element, counter, depth + 1)
            if name in TEXT_ELEMENTS and child.tail:
                copied.tail = child.tail
    return element


def _attribute(element: str, key: str, value: str) -> tuple[str, str] | None:
    namespace, name = _split(key)
    if namespace in (None, XLINK_NS) and name == "href":
        # Only `<use>` and gradients may point, and only at an element of this document.
        if element in {"use", "linearGradient", "radialGradient"} and LOCAL_REF.match(value):
            return "href", value
        return None
    if namespace is not None:
        return None
    if name == "style":
        style = _clean_style(value)
        return ("style", style) if style else None
    if name in ATTRIBUTES and _safe_value(value):
        return name, value
    return None


def _safe_value(value: str) -> bool:
    lowered = value.lower()
    if any(marker in lowered for marker in FORBIDDEN_IN_VALUES):
        return False
    if "url" in lowered:
        # Every url(...) must be a local reference; an unmatched "url" could hide a trick.
        references = URL_FUNCTION.findall(value)
        if not references or not all(LOCAL_REF.match(ref.strip()) for _, ref in references):
            return False
        if lowered.count("url") != len(references):
            return False
    return True


def _clean_style(style: str) -> str:
    kept = []
    for declaration in style.split(";"):
        prop, sep, value = declaration.partition(":")
        prop, value = prop.strip().lower(), value.strip()
        if sep and prop in PRESENTATION and value and _safe_value(value):
            kept.append(f"{prop}: {value}")
    return "; ".join(kept)
