"""Returned mail: reading mailboxes (``inbox``) and classifying what they hold (``classify``).

The database side (attributing reports to deliveries and subscribers) lives elsewhere;
everything here works on bytes and needs neither a database nor, apart from IMAP, a network.
"""

from isamail.bounces.classify import BounceKind, BounceReport, FailedRecipient, classify

__all__ = ["BounceKind", "BounceReport", "FailedRecipient", "classify"]
