"""The bounce mailbox named in the configuration, processed without anyone remembering it.

``[bounces] imap_url`` (or ``ISAMAIL_BOUNCES_IMAP_URL``) or ``[bounces] maildir`` names
the mailbox; ``process_configured_mailbox`` reads it once. ``isamail serve``'s background
thread calls it every ``bounces.interval`` seconds, and so can any long-running worker:
it is safe to run while another process reads the same mailbox (each message is claimed
by a unique digest first).
"""

from __future__ import annotations

import logging
from pathlib import Path

from isamail.bounces.inbox import ImapMailbox, MaildirBox, mask_password
from isamail.bounces.process import Action, ProcessReport, process_mailbox
from isamail.config import Settings
from isamail.context import Project

log = logging.getLogger("isamail.bounces")


def configured_mailbox(settings: Settings) -> str | None:
    """The configured bounce mailbox, for messages (password masked); None if none."""
    if settings["bounces.imap_url"]:
        return mask_password(str(settings["bounces.imap_url"]))
    if settings["bounces.maildir"]:
        return str(maildir_path(settings))
    return None


def maildir_path(settings: Settings) -> Path:
    path = Path(str(settings["bounces.maildir"])).expanduser()
    return path if path.is_absolute() else settings.project_dir / path


def process_configured_mailbox(project: Project) -> ProcessReport | None:
    """Processes the configured bounce mailbox once; None when none is configured.
    Logs what it did, and a spike (a list losing many members at once) as a warning
    naming the addresses."""
    settings = project.settings
    if settings["bounces.imap_url"]:
        with ImapMailbox(str(settings["bounces.imap_url"])) as box:
            report = process_mailbox(
                project.engine, settings, box, mark_processed=box.mark_processed
            )
    elif settings["bounces.maildir"]:
        maildir = MaildirBox(maildir_path(settings))
        report = process_mailbox(
            project.engine, settings, maildir, mark_processed=maildir.mark_processed
        )
    else:
        return None
    log_report(report, configured_mailbox(settings) or "")
    return report


def log_report(report: ProcessReport, mailbox: str) -> None:
    new = [o for o in report.outcomes if o.action is not Action.DUPLICATE]
    if new:
        counts = ", ".join(f"{n} {action}" for action, n in sorted(report.by_action.items()))
        log.info("bounce mailbox %s: %s", mailbox, counts)
    for kind in ("hard", "complaint"):
        for email in report.acted_on(kind):
            log.info("bounce mailbox: %s %s", kind, email)
    for o in report.unattributed:
        log.info(
            "bounce mailbox: unattributed %s #%s naming %s (nothing changed)",
            o.kind,
            o.bounce_id,
            ", ".join(o.named) or "nobody",
        )
    for spike in report.spikes:
        log.warning(
            "bounce mailbox: list %s lost %d of %d members in one run: %s",
            spike.list_name,
            spike.removed,
            spike.members,
            ", ".join(spike.addresses),
        )
