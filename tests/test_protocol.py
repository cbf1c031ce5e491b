"""The SMTP client protocol on bytes: what it writes, how it reads each reply."""

from __future__ import annotations

import pytest

from isamail.transport.protocol import ClientProtocol, Outcome, Transaction, dot_stuffed

CONTENT = b"Subject: x\r\n\r\nHallo\r\n.\r\n"


def tx(key: int, rcpt: str = "a@example.org", content: bytes = CONTENT) -> Transaction:
    return Transaction(key, "bounces+t@isa-portal.de", rcpt, content)


def envelope(rcpt: str = "a@example.org") -> bytes:
    return f"MAIL FROM:<bounces+t@isa-portal.de>\r\nRCPT TO:<{rcpt}>\r\nDATA\r\n".encode()


def test_pipelined_transactions_cost_one_round_trip_each() -> None:
    p = ClientProtocol(pipelining=True)
    assert p.ready and not p.waiting
    assert p.begin(tx(1)) is None
    assert p.data_to_send() == envelope()
    assert not p.ready and p.waiting
    assert p.receive(b"250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n") == []
    assert p.receive(b"354 End data with <CR><LF>.<CR><LF>\r\n") == []
    # DATA answered: the next envelope goes out in the same write as this content
    assert p.ready
    p.begin(tx(2, "b@example.org"))
    assert p.data_to_send() == CONTENT + envelope("b@example.org")
    got = p.receive(b"250 2.0.0 Ok: queued as A1\r\n250 Ok\r\n250 Ok\r\n354 go\r\n")
    assert got == [Outcome(1, "sent", 250, "2.0.0 Ok: queued as A1", "content")]
    assert p.data_to_send() == CONTENT
    assert p.receive(b"250 2.0.0 Ok: queued as A2\r\n") == [
        Outcome(2, "sent", 250, "2.0.0 Ok: queued as A2", "content")
    ]
    assert p.ready and not p.waiting and p.open_keys == []


def test_replies_split_anywhere_and_multiline_replies() -> None:
    p = ClientProtocol(pipelining=True)
    p.begin(tx(1))
    p.data_to_send()
    stream = b"250 Ok\r\n250 Ok\r\n354 go\r\n"
    for i in range(len(stream)):  # one byte at a time
        assert p.receive(stream[i : i + 1]) == []
    assert p.data_to_send() == CONTENT
    assert p.receive(b"250-2.0.0 Ok\r\n250-queued\r") == []
    assert p.receive(b"\n250 as X\r\n") == [
        Outcome(1, "sent", 250, "2.0.0 Ok queued as X", "content")
    ]


def test_a_refused_recipient_ends_its_transaction_and_the_session_is_reset() -> None:
    p = ClientProtocol(pipelining=True)
    p.begin(tx(1))
    p.data_to_send()
    got = p.receive(b"250 Ok\r\n550 5.1.1 <a@example.org>: unknown\r\n554 5.5.1 no recipients\r\n")
    assert got == [Outcome(1, "permanent", 550, "5.1.1 <a@example.org>: unknown", "rcpt")]
    assert p.data_to_send() == b"RSET\r\n"
    assert p.ready  # the next envelope may follow the RSET in the same write
    p.begin(tx(2))
    assert p.data_to_send() == envelope()
    assert p.receive(b"250 Ok\r\n250 Ok\r\n250 Ok\r\n354 go\r\n") == []
    assert p.data_to_send() == CONTENT


def test_data_taken_despite_a_refused_envelope_sends_an_empty_message() -> None:
    p = ClientProtocol(pipelining=True)
    p.begin(tx(1))
    p.data_to_send()
    assert p.receive(b"250 Ok\r\n450 4.2.0 try later\r\n354 go ahead\r\n") == []
    assert p.data_to_send() == b".\r\n"
    assert p.receive(b"554 5.5.1 no valid recipients\r\n") == [
        Outcome(1, "temporary", 450, "4.2.0 try later", "rcpt")
    ]


def test_a_refused_sender_is_named_by_its_stage() -> None:
    p = ClientProtocol(pipelining=True)
    p.begin(tx(1))
    p.data_to_send()
    got = p.receive(b"530 5.7.0 Authentication required\r\n503 bad\r\n503 bad\r\n")
    assert got == [Outcome(1, "permanent", 530, "5.7.0 Authentication required", "mail")]


def test_421_ends_everything_open() -> None:
    p = ClientProtocol(pipelining=True)
    p.begin(tx(1))
    p.data_to_send()
    p.receive(b"250 Ok\r\n250 Ok\r\n354 go\r\n")
    p.begin(tx(2))
    p.data_to_send()
    got = p.receive(b"421 4.3.2 shutting down\r\n")
    assert got == [
        Outcome(1, "temporary", 421, "4.3.2 shutting down", "content"),
        Outcome(2, "connection_lost", None, "421 4.3.2 shutting down"),  # envelope only
    ]
    assert p.broken and not p.ready and not p.waiting


def test_a_lost_connection_ends_what_was_open_undecided() -> None:
    p = ClientProtocol(pipelining=True)
    p.begin(tx(1))
    p.data_to_send()
    p.receive(b"250 Ok\r\n250 Ok\r\n354 go\r\n")
    # its content was handed over: the server may have the message (stage "content")
    assert p.connection_lost("Verbindung unterbrochen: reset") == [
        Outcome(1, "connection_lost", None, "Verbindung unterbrochen: reset", "content")
    ]
    q = ClientProtocol(pipelining=True)
    q.begin(tx(2))
    q.data_to_send()
    assert q.connection_lost("weg") == [Outcome(2, "connection_lost", None, "weg")]


@pytest.mark.parametrize(
    "reply",
    [b"250 Ok where 354 belongs\r\n", b"xyz nonsense\r\n"],
    ids=["2xx-for-data", "no-code"],
)
def test_a_reply_out_of_order_breaks_the_session(reply: bytes) -> None:
    p = ClientProtocol(pipelining=True)
    p.begin(tx(1))
    p.data_to_send()
    got = p.receive(b"250 Ok\r\n250 Ok\r\n" + reply)
    assert [o.status for o in got] == ["connection_lost"] and p.broken


def test_a_reply_nobody_asked_for_breaks_the_session() -> None:
    p = ClientProtocol(pipelining=True)
    assert p.receive(b"250 Ok\r\n") == []
    assert p.broken


def test_an_endless_reply_line_breaks_the_session() -> None:
    p = ClientProtocol(pipelining=True)
    p.begin(tx(1))
    p.data_to_send()
    got = p.receive(b"250" + b"x" * 9000)
    assert [o.status for o in got] == ["connection_lost"]


def test_without_pipelining_each_command_waits_for_its_reply() -> None:
    p = ClientProtocol(pipelining=False)
    p.begin(tx(1))
    assert p.data_to_send() == b"MAIL FROM:<bounces+t@isa-portal.de>\r\n"
    assert not p.ready
    p.receive(b"250 Ok\r\n")
    assert p.data_to_send() == b"RCPT TO:<a@example.org>\r\n"
    p.receive(b"250 Ok\r\n")
    assert p.data_to_send() == b"DATA\r\n"
    p.receive(b"354 go\r\n")
    assert p.data_to_send() == CONTENT
    assert not p.ready  # without PIPELINING the next waits for the end of this one
    assert p.receive(b"451 4.3.0 later\r\n") == [
        Outcome(1, "temporary", 451, "4.3.0 later", "content")
    ]
    assert p.ready
    p.begin(tx(2))
    p.data_to_send()
    assert p.receive(b"550 5.7.1 sender refused\r\n") == [
        Outcome(2, "permanent", 550, "5.7.1 sender refused", "mail")
    ]
    assert p.data_to_send() == b"RSET\r\n"


def test_utf8_addresses_need_smtputf8() -> None:
    p = ClientProtocol(pipelining=True, smtputf8=False, eightbitmime=True)
    assert p.begin(tx(1, "王伟@xn--fsqu00a.example")) == Outcome(
        1, "permanent", None, "Server unterstützt kein SMTPUTF8"
    )
    p = ClientProtocol(pipelining=True, smtputf8=True, eightbitmime=True)
    p.begin(tx(1, "王伟@xn--fsqu00a.example"))
    assert (
        p.data_to_send()
        == (
            "MAIL FROM:<bounces+t@isa-portal.de> SMTPUTF8 BODY=8BITMIME\r\n"
            "RCPT TO:<王伟@xn--fsqu00a.example>\r\nDATA\r\n"
        ).encode()
    )


def test_an_address_that_would_inject_commands_is_refused() -> None:
    p = ClientProtocol(pipelining=True)
    bad = "a@example.org>\r\nRCPT TO:<b@example.org"
    assert p.begin(tx(1, bad)).status == "permanent"  # type: ignore[union-attr]
    assert p.data_to_send() == b""


def test_quit_between_transactions() -> None:
    p = ClientProtocol(pipelining=True)
    p.quit()
    assert p.data_to_send() == b"QUIT\r\n"
    assert p.receive(b"221 Bye\r\n") == []


def test_dot_stuffing() -> None:
    assert dot_stuffed(b".a\r\nb\r\n.\r\n..c") == b"..a\r\nb\r\n..\r\n...c\r\n.\r\n"
    assert dot_stuffed(b"x\r\n") == b"x\r\n.\r\n"
