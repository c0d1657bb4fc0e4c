"""The catalogues are complete, and the check that CI runs would catch an incomplete one."""

import gettext
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import translation

from marketplace.core.translations import CATALOGUES, catalogue_paths, problems_in

LOCALE = Path(settings.LOCALE_PATHS[0])

BROKEN_RU = """\
msgid ""
msgstr ""
"Language: ru\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
"(n%100<10 || n%100>=20) ? 1 : 2);\\n"

msgid "Pledge"
msgstr "Обязательство"

msgid "A new string"
msgstr ""

#, fuzzy
msgid "Receipt"
msgstr "Квитанция"

msgid "%(n)s day"
msgid_plural "%(n)s days"
msgstr[0] "%(n)s день"
msgstr[1] "%(n)s дня"

#, python-format
msgid "Copy %(event)s"
msgstr "Скопировать %(event)s и %(counter)s пакетов"
"""


def test_the_checker_reports_untranslated_fuzzy_and_missing_plural_forms(tmp_path):
    path = tmp_path / "django.po"
    path.write_text(BROKEN_RU, encoding="utf-8")
    found = {(problem.kind, problem.msgid) for problem in problems_in(path)}
    assert found == {
        ("untranslated", "A new string"),
        ("fuzzy", "Receipt"),
        # Russian needs three forms: the missing third one is an untranslated form.
        ("untranslated", "%(n)s day"),
        # A placeholder the msgid lacks: Babel (make messages) would refuse to compile.
        ("placeholders: unknown named placeholder 'counter'", "Copy %(event)s"),
    }


def test_the_shipped_catalogues_have_no_untranslated_or_fuzzy_entry():
    assert len(catalogue_paths(LOCALE)) == 5
    for path in catalogue_paths(LOCALE):
        assert problems_in(path) == [], path


def test_the_command_fails_on_an_incomplete_catalogue(tmp_path, settings):
    for name in CATALOGUES:
        target = tmp_path / name / "LC_MESSAGES"
        target.mkdir(parents=True)
        source = LOCALE / name / "LC_MESSAGES" / "django.po"
        text = source.read_text(encoding="utf-8")
        if name == "ru":
            text += '\nmsgid "A string nobody translated"\nmsgstr ""\n'
        (target / "django.po").write_text(text, encoding="utf-8")
    settings.LOCALE_PATHS = [tmp_path]
    with pytest.raises(CommandError, match="1 catalogue entries need a translator"):
        call_command("check_translations", no_refresh=True, verbosity=0)


@pytest.mark.parametrize(
    ("language", "counts"),
    [
        # Russian has three forms: 1 / 2–4 / 5–20, then again by the last digit (21, 22, 25).
        ("ru", {1: 0, 2: 1, 4: 1, 5: 2, 11: 2, 21: 0, 22: 1, 25: 2, 111: 2}),
        # Arabic has six: 0, 1, 2, 3–10, 11–99, 100–102.
        ("ar", {0: 0, 1: 1, 2: 2, 3: 3, 10: 3, 11: 4, 99: 4, 100: 5, 102: 5}),
    ],
)
def test_plural_rules_choose_the_right_form(language, counts):
    compiled = LOCALE / language / "LC_MESSAGES" / "django.mo"
    if not compiled.exists():
        subprocess.run(
            [sys.executable, "-m", "babel.messages.frontend", "compile", "-D", "django",
             "-d", str(LOCALE)],
            check=True,
            capture_output=True,
        )  # fmt: skip
    catalogue = gettext.translation("django", str(LOCALE), [language])
    assert {n: catalogue.plural(n) for n in counts} == counts


def test_pages_strings_come_out_translated():
    with translation.override("fr"):
        assert translation.gettext("Pledges") != "Pledges"
    with translation.override("ru"):
        text = translation.ngettext("%(counter)s result", "%(counter)s results", 22)
        assert text != "%(counter)s results" and "%(counter)s" in text


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "1 February 2027"),
        ("fr", "1 février 2027"),
        ("es", "1 de febrero de 2027"),
        ("ru", "1 февраля 2027"),  # the genitive, not "1 Февраль 2027"
        ("ar", "1 فبراير 2027"),
        ("zh-hans", "2027年2月1日"),  # not "1 二月 2027"
    ],
)
def test_dates_read_as_each_language_writes_them(language, expected):
    import datetime

    from django.template import Context, Template

    template = Template('{{ day|date:"DATE_FORMAT" }}')
    with translation.override(language):
        assert template.render(Context({"day": datetime.date(2027, 2, 1)})) == expected


def test_no_template_spells_a_long_or_short_date_pattern():
    """Templates name a format (DATE_FORMAT, SHORT_DATE_FORMAT, …), so each language gets its
    own; only audit timestamps with seconds keep an explicit pattern."""
    root = Path(settings.BASE_DIR)
    offenders = [
        str(path.relative_to(root))
        for path in root.glob("**/templates/**/*")
        if path.is_file()
        and ".venv" not in path.parts
        and any(
            pattern in path.read_text(encoding="utf-8", errors="ignore")
            for pattern in ('date:"j F Y', 'date:"j M Y"', 'date:"j M Y, H:i e"', 'date:"j M Y H:i')
        )
    ]
    assert offenders == []


def test_the_audit_log_keeps_the_codes_reasons_in_one_language_and_pages_translate_them():
    from django.template import Context, Template
    from django.utils.translation import gettext_lazy

    from marketplace.core.states import stored_reason

    with translation.override("fr"):  # a French sponsor's request makes the change
        assert stored_reason(gettext_lazy("Pledged.")) == "Pledged."
        assert stored_reason("Budget moved to 2027") == "Budget moved to 2027"  # typed: as is
        assert stored_reason(None) == ""
        shown = Template("{% load i18n %}{% if r %}{% translate r %}{% endif %}")
        assert shown.render(Context({"r": "Pledged."})) == translation.gettext("Pledged.")
        assert translation.gettext("Pledged.") != "Pledged."
        assert shown.render(Context({"r": "Budget moved to 2027"})) == "Budget moved to 2027"
        assert shown.render(Context({"r": ""})) == ""  # never the catalogue's header
