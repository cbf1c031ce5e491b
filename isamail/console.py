"""The `isamail` console script: the language is chosen before Click and Typer load.

Typer translates the titles of its help panels ("Options", "Commands") when its
modules are imported, so the catalog must be active before ``isamail.cli`` imports
them: ISAMAIL_LANG, else the project's [terminal] language, else German.
"""

from __future__ import annotations

import sys


def main() -> None:
    from isamail import i18n
    from isamail.config import terminal_preferences_for

    i18n.activate(*terminal_preferences_for(sys.argv[1:]))
    from isamail.cli import main as run

    run()
