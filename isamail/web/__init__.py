"""The web endpoint behind the links: signup, double opt-in, unsubscribe, archive."""

from isamail.web.app import create_app

__all__ = ["create_app"]
