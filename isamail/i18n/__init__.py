"""What the command line says, in its reader's language: gettext catalogs.

One gettext domain, ``isamail``, with a catalog per language under ``locale/`` (the
``.po`` sources in ``po/``, compiled to ``.mo`` by ``python -m isamail.i18n.build``).
isamail's own texts are written in German, the product's language, so their German
is the source string itself; the English catalog translates them. The libraries whose
words reach the user (Click and Typer, email-validator, tomllib, PyYAML) write English;
the German catalog translates those.

German is the default whatever the machine's locale: servers run with C or English
locales, and staff read German. The language is chosen by ``ISAMAIL_LANG`` or the
project's ``[terminal] language`` (both read by isamail.config), never by ``LANG``.
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

DOMAIN = "isamail"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("de", "en")
DEFAULT_LANGUAGE = "de"
DEFAULT_TIMEZONE = "Europe/Berlin"

_current = {"language": DEFAULT_LANGUAGE, "timezone": DEFAULT_TIMEZONE}


def activate(language: str, timezone: str = DEFAULT_TIMEZONE) -> None:
    """Makes ``language`` the language of every message from here on, isamail's and the
    libraries', and ``timezone`` the zone of the times shown to people."""
    if language not in LANGUAGES:
        language = DEFAULT_LANGUAGE
    _current["language"], _current["timezone"] = language, timezone
    # Click and Typer translate with gettext.gettext, which reads the domain set here and
    # the language from LANGUAGE (GNU's variable for the language of messages, read
    # before LC_ALL and LANG): so the machine's locale never picks it.
    os.environ["LANGUAGE"] = language
    gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    gettext.textdomain(DOMAIN)


def language() -> str:
    return _current["language"]


def timezone() -> str:
    return _current["timezone"]


def _(message: str) -> str:
    """``message`` in the active language."""
    return gettext.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form for ``n``: "1 Eintrag", "2 Einträge"."""
    return gettext.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks ``message`` for the catalogs where it is translated later (table labels)."""
    return message
