"""Creating a new project folder (`isamail init`)."""

from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path

from isamail.config import CONFIG_FILE
from isamail.context import Project
from isamail.errors import IsamailError

DEFAULT_TEMPLATES = Path(__file__).parent / "default_templates"

CONFIG_TEMPLATE = """\
# isamail project settings. Every key can be overridden by an environment variable,
# e.g. ISAMAIL_SMTP_URL or ISAMAIL_SMTP_CONNECTIONS; the variable wins.

database_url = "sqlite:///subscribers.db"
# smtp://user:password@host:587 (STARTTLS when offered), smtp+starttls://… (required), smtps://…
smtp_url = "smtp://127.0.0.1:25"
from = "ISA-Newsletter <newsletter@isa-portal.de>"
base_url = "http://127.0.0.1:8000"
# signs confirm and unsubscribe links; keep it secret, keep it stable
secret_key = "{secret_key}"
language = "de"

[smtp]
connections = 4

[imprint]
organisation = "Chinesisch-Deutsche Industriestädteallianz (ISA)"
publisher = "PKS Kommunikations- und Strategieberatung GmbH"
address = "Reinhardtstraße 34, 10117 Berlin"
contact = "newsletter@isa-portal.de"
website = "https://isa-portal.de"
privacy_url = "https://isa-portal.de/datenschutz"
"""


def init_project(directory: Path) -> Project:
    """Makes ``directory`` a project: settings with a fresh secret key, the default
    templates to adapt, an empty issues folder and a migrated database."""
    config = directory / CONFIG_FILE
    if config.exists():
        raise IsamailError(f"{directory} ist schon ein isamail-Projekt ({CONFIG_FILE} existiert).")
    directory.mkdir(parents=True, exist_ok=True)
    # readable by its owner only: it holds the secret key (and often the SMTP password)
    fd = os.open(config, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(CONFIG_TEMPLATE.format(secret_key=secrets.token_urlsafe(32)))
    (directory / "issues").mkdir(exist_ok=True)
    templates = directory / "templates"
    if not templates.exists():
        shutil.copytree(DEFAULT_TEMPLATES, templates)
    gitignore = directory / ".gitignore"
    if not gitignore.exists():
        gitignore.write_text("subscribers.db*\npreview/\nrejected/\ndkim/\n", encoding="utf-8")
    project = Project.open(directory)
    from isamail.db.engine import make_engine

    # the tables of a new database; one that exists already keeps its schema (an older
    # one gets the line naming `isamail db upgrade` from the check)
    make_engine(project.settings.database_url, create=True).dispose()
    return project
