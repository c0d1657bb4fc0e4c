"""Mixed-direction text, in one place: `{% bdi value %}` (or `value|bdi`) isolates a value whose
direction is its own — a reference (SP-…, INV-…), an email address, a number, an English name —
so inside an Arabic sentence it keeps its order and does not drag the punctuation around it to
the wrong side (Unicode bidi isolation, `<bdi>`). Escapes the value like `{{ value }}`; an
empty value gives nothing.

    {% load bidi %}
    <p>{% translate "Reference:" %} {% bdi pledge.reference %}</p>
    {% blocktranslate with reference=pledge.reference|bdi %}Pledge {{ reference }}…
"""

from django import template
from django.utils.html import format_html

register = template.Library()


def isolate(value) -> str:
    if value is None or value == "":
        return ""
    return format_html("<bdi>{}</bdi>", value)


@register.simple_tag(name="bdi")
def bdi_tag(value):
    return isolate(value)


@register.filter(name="bdi")
def bdi_filter(value):
    return isolate(value)
