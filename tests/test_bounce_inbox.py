"""Reading returned mail from mbox, Maildir and (URL and error handling only) IMAP."""

from __future__ import annotations

import mailbox
import socket
from pathlib import Path

import pytest

from isamail.bounces.classify import BounceKind, classify
from isamail.bounces.inbox import (
    ImapMailbox,
    ImapSettings,
    encode_folder,
    mask_password,
    read_maildir,
    read_mbox,
)
from isamail.errors import IsamailError

CORPUS = Path(__file__).parent / "data" / "bounces" / "bounces"
SAMPLES = ["lhost-postfix-04.eml", "lhost-qmail-01.eml", "arf-01.eml", "rfc3834-01.eml"]


def _raw(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def test_mbox_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "bounces.mbox"
    box = mailbox.mbox(path)
    for name in SAMPLES:
        box.add(_raw(name))
    box.close()
    mails = list(read_mbox(path))
    assert [m.key for m in mails] == ["mbox:0", "mbox:1", "mbox:2", "mbox:3"]
    kinds = [classify(m.raw).kind for m in mails]
    assert kinds == [BounceKind.HARD, kinds[1], BounceKind.COMPLAINT, BounceKind.AUTOREPLY]
    assert kinds[1] in {BounceKind.HARD, BounceKind.SOFT, BounceKind.POLICY}
    # Same message, same bytes: the caller's hash of raw + key is stable between runs.
    assert [m.raw for m in read_mbox(path)] == [m.raw for m in mails]


def test_maildir_reads_new_and_cur(tmp_path: Path) -> None:
    box = mailbox.Maildir(tmp_path / "Maildir")
    new_key = box.add(mailbox.MaildirMessage(_raw(SAMPLES[0])))
    seen = mailbox.MaildirMessage(_raw(SAMPLES[2]))
    seen.set_subdir("cur")
    seen.add_flag("S")
    cur_key = box.add(seen)
    box.close()
    mails = {m.key: m for m in read_maildir(tmp_path / "Maildir")}
    assert set(mails) == {f"maildir:new/{new_key}", f"maildir:cur/{cur_key}:2,S"}
    assert classify(mails[f"maildir:cur/{cur_key}:2,S"].raw).kind is BounceKind.COMPLAINT
    assert classify(mails[f"maildir:new/{new_key}"].raw).kind is BounceKind.HARD


def test_missing_mailboxes_are_user_errors(tmp_path: Path) -> None:
    with pytest.raises(IsamailError, match="nicht gefunden"):
        list(read_mbox(tmp_path / "nope.mbox"))
    with pytest.raises(IsamailError, match="kein Maildir"):
        list(read_maildir(tmp_path))


def test_imap_url_parsing() -> None:
    s = ImapSettings.from_url("imaps://bounce%40isa:p%40ss@mail.example.org/Retour?processed=Done")
    assert (s.host, s.port, s.user, s.password) == ("mail.example.org", 993, "bounce@isa", "p@ss")
    assert (s.folder, s.processed_folder) == ("Retour", "Done")
    s = ImapSettings.from_url("imaps://u:p@mail.example.org:1993")
    assert (s.port, s.folder, s.processed_folder) == (1993, "INBOX", None)


@pytest.mark.parametrize(
    "url", ["imap://u:secret@mail.example.org/INBOX", "imaps://mail.example.org/INBOX"]
)
def test_imap_url_errors_mask_the_password(url: str) -> None:
    with pytest.raises(IsamailError) as caught:
        ImapSettings.from_url(url)
    assert "secret" not in str(caught.value)


def test_mask_password() -> None:
    masked = mask_password("imaps://u:secret@mail.example.org:993/INBOX")
    assert masked == "imaps://u:***@mail.example.org:993/INBOX"


def test_unreachable_imap_server(tmp_path: Path) -> None:
    # A port nobody listens on: the connection is refused at once, no network needed.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(IsamailError) as caught:
        ImapMailbox(f"imaps://u:secret@127.0.0.1:{port}/INBOX", timeout=2)
    assert f"127.0.0.1:{port}" in str(caught.value)
    assert "secret" not in str(caught.value)


def test_imap_processed_folder_must_differ_from_the_folder_read() -> None:
    # refused before connecting: moving a message into the folder it came from would
    # only give it a new UID and process it again on every run
    with pytest.raises(IsamailError, match="zugleich"):
        ImapMailbox("imaps://u:secret@127.0.0.1:1/Retour?processed=Retour", timeout=1)


@pytest.mark.parametrize(
    ("name", "wire"),
    [
        ("INBOX", '"INBOX"'),
        ("Rückläufer", '"R&APw-ckl&AOQ-ufer"'),
        ("A&B", '"A&-B"'),
        ("保定 Bounces", '"&T91bmg- Bounces"'),  # UTF-7: +T91bmg-
        ('say "hi"', '"say \\"hi\\""'),
    ],
)
def test_imap_folder_names_in_modified_utf7(name: str, wire: str) -> None:
    assert encode_folder(name) == wire
