"""What "every string is translated" means, checked on the gettext catalogues in `locale/`.

A catalogue passes when no entry is untranslated (an empty `msgstr`, or an empty plural form),
none is fuzzy (a guess `msgmerge` made for a changed string, which a translator must confirm),
every plural entry has as many forms as the language's Plural-Forms header says, and Babel
(which compiles the catalogues for `make run` and `make test`) finds nothing wrong with its
placeholders — a translation naming a `%(placeholder)s` its msgid lacks stops the compile.
`manage.py check_translations` runs `makemessages` first, so a string marked in the code but
missing from a catalogue shows up as untranslated.
"""

from dataclasses import dataclass
from pathlib import Path

from babel.messages.pofile import read_po

# The five catalogues besides English (the source language), as `locale/<dir>` names them.
CATALOGUES = ("ar", "zh_Hans", "fr", "ru", "es")


@dataclass(frozen=True)
class Problem:
    catalogue: str
    line: int
    kind: str  # "untranslated" | "fuzzy" | "plural forms" | "placeholders: …"
    msgid: str

    def __str__(self) -> str:
        return f"{self.catalogue}:{self.line}: {self.kind}: {self.msgid[:70]!r}"


def problems_in(path: Path) -> list[Problem]:
    with path.open("rb") as handle:
        catalog = read_po(handle, abort_invalid=True)
    expected_forms = catalog.num_plurals
    found = []
    for message in catalog:
        if not message.id:
            continue  # the header
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        line = message.lineno or 0
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        if message.fuzzy:
            found.append(Problem(str(path), line, "fuzzy", msgid))
        if any(not text for text in strings):
            found.append(Problem(str(path), line, "untranslated", msgid))
        if message.pluralizable and len(strings) != expected_forms:
            found.append(Problem(str(path), line, "plural forms", msgid))
    for message, errors in catalog.check():  # what `pybabel compile` refuses
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        for error in errors:
            found.append(Problem(str(path), message.lineno or 0, f"placeholders: {error}", msgid))
    return found


def catalogue_paths(locale_dir: Path) -> list[Path]:
    return [locale_dir / name / "LC_MESSAGES" / "django.po" for name in CATALOGUES]
