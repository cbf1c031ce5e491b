"""The names people read for the values scripts read: statuses, kinds and states.

JSON and CSV carry the English values ("confirmed"); tables show the reader's words
("bestätigt"), and every filter takes either (``--status bestätigt`` is
``--status confirmed``)."""

from __future__ import annotations

import unicodedata

from isamail.errors import IsamailError
from isamail.i18n import N_, _

SUBSCRIPTION_STATUS = {
    "pending": N_("unbestätigt"),
    "confirmed": N_("bestätigt"),
    "unsubscribed": N_("abgemeldet"),
    "bounced": N_("unzustellbar"),
}
# other words people use for them
_SUBSCRIPTION_ALIASES = {"offen": "pending", "ausstehend": "pending", "aktiv": "confirmed"}
DELIVERY_STATUS = {
    "queued": N_("wartend"),
    "sending": N_("in Arbeit"),
    "sent": N_("versandt"),
    "failed": N_("fehlgeschlagen"),
    "bounced": N_("unzustellbar"),
    "skipped": N_("übersprungen"),
}
SUBSCRIBER_STATE = {
    "active": N_("aktiv"),
    "blocklisted": N_("gesperrt"),
    "forgotten": N_("gelöscht"),
}
SUPPRESSION_REASON = {
    "unsubscribed": N_("abgemeldet"),
    "bounced": N_("unzustellbar"),
    "complaint": N_("Spam-Beschwerde"),
    "forgotten": N_("gelöscht"),
    "blocklisted": N_("gesperrt"),
}
CONSENT_KIND = {
    "signup": N_("Anmeldung"),
    "confirmed": N_("bestätigt (Double-Opt-in)"),
    "imported": N_("importiert (unbestätigt)"),
    "imported_confirmed": N_("importiert mit Einwilligung"),
    "added_confirmed": N_("von Hand mit Einwilligung eingetragen"),
    "unsubscribed": N_("abgemeldet"),
    "bounced": N_("unzustellbar"),
    "complaint": N_("Spam-Beschwerde"),
    "pending_expired": N_("unbestätigt abgelaufen"),
    "forgotten": N_("gelöscht"),
}


def label(names: dict[str, str], value: str | None) -> str:
    """The reader's word for ``value`` (the value itself where there is none)."""
    if value is None:
        return ""
    return _(names[value]) if value in names else value


def _folded(text: str) -> str:
    """Lower case without accents and with ae/oe/ue for umlauts: "Bestätigt" and
    "bestaetigt" are one word."""
    lowered = text.strip().lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def subscription_status(text: str | None) -> str | None:
    """The status value a filter names, in English or German; IsamailError if none."""
    if text is None:
        return None
    wanted = _folded(text)
    for value, german in SUBSCRIPTION_STATUS.items():
        if wanted in (_folded(value), _folded(german), _folded(_(german))):
            return value
    if wanted in _SUBSCRIPTION_ALIASES:
        return _SUBSCRIPTION_ALIASES[wanted]
    choices = ", ".join(f"{_(g)} ({v})" for v, g in SUBSCRIPTION_STATUS.items())
    raise IsamailError(
        _("Unbekannter Status „{status}“: möglich sind {choices}.").format(
            status=text, choices=choices
        )
    )
