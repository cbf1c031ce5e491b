"""Addressing: every value that names a recipient or this project in a mail, for every
kind of mail isamail sends (the newsletter, confirmation and welcome mails, test copies,
the preview's .eml).

- the envelope sender (VERP): ``bounces+TOKEN@bounce-domain``, the token a MAC of what
  was sent (a delivery, or ``t.``+ a transactional mail), so that a bounce names it even
  when it quotes no readable address;
- the Message-ID: ``<KIND.ID-MAC@from-domain>`` (``tokens.message_id_local``): one
  recipient's says nothing about another's, and a returned one proves which mail it was;
- ``List-Unsubscribe`` (https for RFC 8058 one-click, and mailto: ``unsubscribe_address``
  or else the bounce address, the token in the subject), ``List-Unsubscribe-Post`` and
  ``List-Id`` (compose.message writes them);
- addresses on the wire: a domain with umlauts in its xn-- form (IDNA 2008); for display
  the configured form stays.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import parseaddr

from isamail.compose.message import Recipient, ascii_domain, list_id_label
from isamail.config import Settings
from isamail.tokens import (
    bounce_token,
    message_id_local,
    transactional_bounce_token,
    unsubscribe_token,
)
from isamail.weblinks import reader_link

# the kinds of Message-ID besides a newsletter's (whose kind is its edition's nonce)
TRANSACTIONAL = "t"  # confirmation and welcome mails
TEST_COPY = "test"  # test copies and previews: their ids name no delivery


@dataclass(frozen=True)
class Addressing:
    secret_key: str
    base_url: str
    bounce_local: str  # the bounce address's local part, without any +tag
    bounce_domain: str  # as configured (may have umlauts)
    unsubscribe_mailbox: str  # where mailto: unsubscribes go
    domain: str  # the From address's domain, xn-- form: Message-IDs, default List-Id
    list_id_domain: str  # xn-- form

    @classmethod
    def from_settings(cls, settings: Settings) -> Addressing:
        from_domain = parseaddr(settings.from_address)[1].rpartition("@")[2] or "localhost"
        bounce = parseaddr(settings["bounce_address"] or settings.from_address)[1]
        local, _, domain = bounce.rpartition("@")
        mailbox = parseaddr(settings["unsubscribe_address"] or "")[1] or bounce
        configured_list_domain = str(settings["list_id_domain"] or "")
        return cls(
            secret_key=settings.secret_key,
            base_url=settings.base_url,
            bounce_local=local.split("+")[0] or "bounces",
            bounce_domain=domain or from_domain,
            unsubscribe_mailbox=mailbox,
            domain=ascii_domain(from_domain),
            list_id_domain=ascii_domain(configured_list_domain or from_domain),
        )

    # --- envelope senders (as they go into MAIL FROM) -------------------------------

    def envelope_from(self, delivery_id: int) -> str:
        """The envelope sender of a newsletter delivery."""
        return self._verp(bounce_token(self.secret_key, delivery_id))

    def transactional_envelope_from(self, mail_id: int) -> str:
        """The envelope sender of a confirmation or welcome mail (``outgoing_mail`` row)."""
        return self._verp(transactional_bounce_token(self.secret_key, mail_id))

    def test_envelope_from(self) -> str:
        return f"{self.bounce_local}@{ascii_domain(self.bounce_domain)}"

    def _verp(self, token: str) -> str:
        return f"{self.bounce_local}+{token}@{ascii_domain(self.bounce_domain)}"

    # --- Message-IDs ----------------------------------------------------------------

    def message_id(self, kind: str, ident: int) -> str:
        return f"<{message_id_local(self.secret_key, kind, ident)}@{self.domain}>"

    # --- unsubscribing --------------------------------------------------------------

    def unsubscribe_url(self, subscription_id: int) -> str:
        return self._unsubscribe_url(unsubscribe_token(self.secret_key, subscription_id))

    def unsubscribe_mailto(self, subscription_id: int) -> str:
        return self._unsubscribe_mailto(unsubscribe_token(self.secret_key, subscription_id))

    def _unsubscribe_url(self, token: str) -> str:
        return f"{self.base_url}/u/{token}"

    def _unsubscribe_mailto(self, token: str) -> str:
        return f"mailto:{self._ascii(self.unsubscribe_mailbox)}?subject=unsubscribe%20{token}"

    def list_id(self, list_name: str) -> str:
        return f"<{list_id_label(list_name)}.{self.list_id_domain}>"

    # --- recipients -----------------------------------------------------------------

    def delivery_recipient(
        self,
        issue: str,
        nonce: str,
        delivery_id: int,
        subscription_id: int,
        email: str,
        name: str,
    ) -> Recipient:
        """A newsletter recipient: the per-recipient values of their message, the web
        version signed for them among them (it opens whether or not the edition is in
        the public archive)."""
        token = unsubscribe_token(self.secret_key, subscription_id)  # one MAC for both
        return Recipient(
            email=email,
            name=name,
            unsubscribe_url=self._unsubscribe_url(token),
            unsubscribe_mailto=self._unsubscribe_mailto(token),
            message_id=self.message_id(nonce, delivery_id),
            web_url=reader_link(self.secret_key, self.base_url, issue, subscription_id),
        )

    def sample_recipient(
        self, email: str, name: str, number: int, *, link: str = "test"
    ) -> Recipient:
        """A recipient outside the delivery records (a test copy, the preview): links
        of the same shape that unsubscribe nobody (the web page explains them)."""
        return Recipient(
            email=email,
            name=name,
            unsubscribe_url=f"{self.base_url}/u/{link}",
            unsubscribe_mailto=(
                f"mailto:{self._ascii(self.unsubscribe_mailbox)}?subject=unsubscribe%20{link}"
            ),
            message_id=self.message_id(TEST_COPY, number),
        )

    @staticmethod
    def _ascii(address: str) -> str:
        local, _, domain = address.rpartition("@")
        return f"{local}@{ascii_domain(domain)}"


def wire_address(address: str) -> str:
    """An address as it goes into RCPT TO: the domain in its xn-- form."""
    local, _, domain = address.rpartition("@")
    return f"{local}@{ascii_domain(domain)}" if domain and not domain.isascii() else address
