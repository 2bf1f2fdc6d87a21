"""Every user-facing string has a Vietnamese translation, and Vietnamese is what users see first."""

import re
from pathlib import Path

from django.conf import settings
from django.utils import translation

from households.models import Household, Ward

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES" / "django.po"


def po_entries(path):
    """(msgctxt, msgid, msgstr, flags) for every entry of a .po file, header excluded."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]

        def value(keyword, lines=lines):
            parts, active = [], False
            for line in lines:
                if line.startswith(f"{keyword} "):
                    parts.append(line[len(keyword) + 1 :].strip('"'))
                    active = True
                elif active and line.startswith('"'):
                    parts.append(line.strip('"'))
                else:
                    active = False
            return "".join(parts) if parts else None

        msgid = value("msgid")
        if not msgid:
            continue
        flags = " ".join(line for line in lines if line.startswith("#,"))
        entries.append((value("msgctxt"), msgid, value("msgstr") or value("msgstr[0]"), flags))
    return entries


def test_the_vietnamese_catalogue_has_no_untranslated_or_fuzzy_entries():
    entries = po_entries(CATALOGUE)
    assert len(entries) > 300
    untranslated = [msgid for _, msgid, msgstr, _ in entries if not msgstr]
    fuzzy = [msgid for _, msgid, _, flags in entries if "fuzzy" in flags]
    assert untranslated == []
    assert fuzzy == []


def test_the_catalogue_covers_every_model_label():
    msgids = {msgid for _, msgid, _, _ in po_entries(CATALOGUE)}
    assert {"household", "head of household", "residential group", "tip"} <= msgids


def test_placeholders_survive_translation():
    for _, msgid, msgstr, _ in po_entries(CATALOGUE):
        # Each placeholder survives; a translation may name one twice (Vietnamese repeats the
        # ward's name where English says "its").
        wanted = set(re.findall(r"%\(\w+\)[sd]|\{\w*\}", msgid))
        assert set(re.findall(r"%\(\w+\)[sd]|\{\w*\}", msgstr)) == wanted, msgid


def test_vietnamese_is_the_default_and_english_the_second():
    assert settings.LANGUAGE_CODE == "vi"
    assert Household._meta.verbose_name == "hộ gia đình"
    assert str(Ward.Kind.PHUONG.label) == "Phường"
    with translation.override("en"):
        assert Household._meta.verbose_name == "household"


def test_the_listed_drf_messages_are_drf_s_own():
    """``drf_messages`` only helps if its strings are exactly the ones DRF translates."""
    import gettext

    import rest_framework

    from wardsecurity.api.drf_messages import DRF_MESSAGES

    mo = Path(rest_framework.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.mo"
    with mo.open("rb") as handle:
        drf = set(gettext.GNUTranslations(handle)._catalog)
    django_own = {"Null characters are not allowed."}
    assert set(DRF_MESSAGES) - django_own <= drf


def test_django_s_own_empty_choice_reads_in_vietnamese():
    # Django 6.1 labels the empty choice of a select "- Select an option -" and its own
    # Vietnamese catalogue does not have it yet: every form's first option showed in English.
    from django.db.models.fields import BLANK_CHOICE_LABEL

    with translation.override("vi"):
        assert str(BLANK_CHOICE_LABEL) == "- Chọn một mục -"
    with translation.override("en"):
        assert str(BLANK_CHOICE_LABEL) == "- Select an option -"
