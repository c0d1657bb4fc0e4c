"""Finding invoice numbers (`INV-<year>-<5 digits>`) and pledge references
(`SP-<year>-<6 digits>`) in what a payer wrote: in any case, with spaces, dashes or line
breaks anywhere inside. The text is normalised (whitespace and dashes removed, upper case)
and then searched, so "inv 2026 - 000 12" is INV-2026-00012 and "sp-2026-\\n518136" is
SP-2026-518136."""

import re

SEPARATORS_RE = re.compile(r"[\s\-\u2010-\u2015_.]+")
REFERENCE_RE = re.compile(r"INV(\d{4})(\d{5})|SP(\d{4})(\d{6})")


def normalise(text: str) -> str:
    return SEPARATORS_RE.sub("", text or "").upper()


def find_references(text: str) -> list[str]:
    """The invoice numbers and pledge references in `text`, formatted, once each, in order."""
    found = []
    for match in REFERENCE_RE.finditer(normalise(text)):
        if match.group(1):
            reference = f"INV-{match.group(1)}-{match.group(2)}"
        else:
            reference = f"SP-{match.group(3)}-{match.group(4)}"
        if reference not in found:
            found.append(reference)
    return found
