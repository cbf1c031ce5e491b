"""A real IMAP server for tests: a throwaway Dovecot on 127.0.0.1, IMAP over TLS only.

Each server runs from a temporary folder of its own (configuration, passwd-file, Maildirs,
logs, sockets, a certificate signed by a trustme CA) and never reads /etc/dovecot. Dovecot
does not run as root: under root it is started as ``nobody``, and that user owns the folder,
so no root-owned state is left behind; otherwise it runs as the current user.

    with ImapTestServer() as server:
        account = server.add_account()
        account.append("Bounces", raw)
        url = account.url("Bounces")  # imaps://user:password@127.0.0.1:PORT/Bounces
        # the client must trust server.ca_file (e.g. SSL_CERT_FILE=server.ca_file)

Used as a pytest plugin (``pytest_plugins = ["tests.imapd"]``) it provides
``imap_server`` (one per test session and xdist worker) and ``imap_account`` (a fresh user,
with empty mailboxes, per test). Without Dovecot the tests are skipped, except under CI
(``CI`` set), where ``scripts/system-deps.sh`` installs it and a skip would hide a failure.
"""

from __future__ import annotations

import base64
import contextlib
import grp
import imaplib
import os
import pwd
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from urllib.parse import quote

import pytest

# Debian puts it into /usr/sbin, which is not on every user's PATH.
DOVECOT = shutil.which("dovecot") or shutil.which("dovecot", path="/usr/sbin:/usr/local/sbin")

_CONFIG = """\
# written by tests/imapd.py for one test run
base_dir = {dir}/run
state_dir = {dir}/state
instance_name = isamail-test-{port}
log_path = {dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = required
ssl_cert = <{dir}/cert.pem
ssl_key = <{dir}/key.pem
{capability}
# not root: every process runs as the one user that owns {dir}
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {user}
first_valid_uid = {uid}
last_valid_uid = {uid}
mail_uid = {uid}
mail_gid = {gid}
mail_location = maildir:{dir}/mail/%u
# tests try wrong passwords: no delay for them (2 seconds by default), and no growing
# penalty for the next logins from 127.0.0.1 (the anvil-auth-penalty listener below)
auth_failure_delay = 0
# one passwd-file per user: Dovecot rereads a changed file at most once a second, but a
# new file it reads at once, so a test can log in right after creating its account
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {dir}/users/%u
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {dir}/users/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    port = 0
  }}
  inet_listener imaps {{
    port = {port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def encode_folder(name: str) -> str:
    """A mailbox name in IMAP's modified UTF-7 (RFC 3501 5.1.3), quoted for a command.

    Written here independently of isamail's own encoder, so that tests compare the two.
    """
    out, pending = [], ""

    def flush() -> None:
        nonlocal pending
        if pending:
            data = base64.b64encode(pending.encode("utf-16-be")).decode().rstrip("=")
            out.append("&" + data.replace("/", ",") + "-")
            pending = ""

    for ch in name:
        if 0x20 <= ord(ch) <= 0x7E:
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            pending += ch
    flush()
    encoded = "".join(out)
    return '"' + encoded.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass
class ImapAccount:
    """One user of the server, with a client logged in on demand."""

    server: ImapTestServer
    user: str
    password: str

    def url(self, folder: str = "INBOX", *, query: str = "", password: str | None = None) -> str:
        secret = quote(self.password if password is None else password, safe="")
        path = quote(folder, safe="")
        suffix = f"?{query}" if query else ""
        host = f"127.0.0.1:{self.server.port}"
        return f"imaps://{quote(self.user, safe='')}:{secret}@{host}/{path}{suffix}"

    @contextlib.contextmanager
    def client(self) -> Iterator[imaplib.IMAP4_SSL]:
        context = ssl.create_default_context(cafile=self.server.ca_file)
        conn = imaplib.IMAP4_SSL("127.0.0.1", self.server.port, ssl_context=context, timeout=10)
        try:
            plain = f"\0{self.user}\0{self.password}".encode()
            conn.authenticate("PLAIN", lambda _: plain)
            yield conn
        finally:
            with contextlib.suppress(OSError, imaplib.IMAP4.error):
                conn.logout()

    def create(self, folder: str) -> None:
        with self.client() as conn:
            typ, data = conn.create(encode_folder(folder))
            assert typ == "OK", data

    def append(self, folder: str, *messages: bytes, flags: str | None = None) -> None:
        """Appends messages to folder, creating it first if need be."""
        with self.client() as conn:
            if not self._exists(conn, folder):
                typ, data = conn.create(encode_folder(folder))
                assert typ == "OK", data
            for raw in messages:
                typ, data = conn.append(encode_folder(folder), flags, None, raw)
                assert typ == "OK", data

    def folders(self) -> set[str]:
        """Mailbox names as the server lists them (modified UTF-7, unquoted)."""
        with self.client() as conn:
            typ, data = conn.list()
            assert typ == "OK", data
        names = set()
        for line in data:
            if isinstance(line, bytes):
                name = line.decode().rsplit(' "." ', 1)[-1].rsplit(' "/" ', 1)[-1]
                names.add(name.strip('"'))
        return names

    def messages(self, folder: str) -> dict[int, tuple[set[str], bytes]]:
        """UID → (flags, raw message) of every message in folder; empty if it does not exist."""
        with self.client() as conn:
            if not self._exists(conn, folder):
                return {}
            typ, data = conn.select(encode_folder(folder), readonly=True)
            assert typ == "OK", data
            typ, data = conn.uid("FETCH", "1:*", "(UID FLAGS BODY.PEEK[])")
            assert typ == "OK", data
        found: dict[int, tuple[set[str], bytes]] = {}
        for item in data:
            if not isinstance(item, tuple):
                continue
            head = item[0].decode()
            flags = set(imaplib.ParseFlags(item[0]) or ())
            uid = int(head.split("UID ", 1)[1].split()[0].rstrip(")"))
            # \\Recent only says which session saw the message first
            found[uid] = ({f.decode() for f in flags} - {"\\Recent"}, item[1])
        return found

    @staticmethod
    def _exists(conn: imaplib.IMAP4_SSL, folder: str) -> bool:
        typ, data = conn.list('""', encode_folder(folder))
        return typ == "OK" and any(isinstance(line, bytes) for line in data)


class ImapTestServer:
    """Dovecot with its own configuration in a temporary folder; a context manager."""

    def __init__(self, *, without_move: bool = False) -> None:
        # without_move: the server does not announce MOVE (RFC 6851), so a client must
        # fall back to COPY, STORE \\Deleted and EXPUNGE
        self.without_move = without_move
        self.port = 0
        self.directory: Path | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._accounts = 0
        self._owner = pwd.getpwuid(os.geteuid())  # who Dovecot runs as (set by start)

    def start(self) -> ImapTestServer:
        if DOVECOT is None:
            raise RuntimeError("dovecot is not installed (Debian: dovecot-imapd)")
        import trustme  # only these tests need it

        self.directory = Path(tempfile.mkdtemp(prefix="isamail-imapd-"))
        ca = trustme.CA(organization_name="isamail test CA")
        cert = ca.issue_cert("127.0.0.1", "localhost")
        ca.cert_pem.write_to_path(str(self.directory / "ca.pem"))
        cert.private_key_pem.write_to_path(str(self.directory / "key.pem"))
        with (self.directory / "cert.pem").open("wb") as chain:
            for pem in cert.cert_chain_pems:
                chain.write(pem.bytes())
        (self.directory / "users").mkdir()
        (self.directory / "mail").mkdir()

        account = pwd.getpwnam("nobody") if os.geteuid() == 0 else pwd.getpwuid(os.geteuid())
        self._owner = account
        for path in [self.directory, *self.directory.rglob("*")]:
            os.chown(path, account.pw_uid, account.pw_gid)
        # the CA file is read by the client under test, whoever that is
        (self.directory / "ca.pem").chmod(0o644)
        self.directory.chmod(0o755)

        last_error = ""
        for _ in range(3):  # a free port can be taken by someone else before Dovecot binds it
            self.port = _free_port()
            self._write_config(account)
            self._process = subprocess.Popen(
                [DOVECOT, "-F", "-c", str(self.directory / "dovecot.conf")],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                user=account.pw_uid if os.geteuid() == 0 else None,
                group=account.pw_gid if os.geteuid() == 0 else None,
                extra_groups=[] if os.geteuid() == 0 else None,
                env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
            )
            if self._wait_until_listening():
                return self
            last_error = self._stop_process()
        self.stop()
        raise RuntimeError(f"dovecot did not start: {last_error}")

    def _write_config(self, account: pwd.struct_passwd) -> None:
        assert self.directory is not None
        capability = ""
        if self.without_move:
            capability = (
                "imap_capability = IMAP4rev1 LITERAL+ SASL-IR LOGIN-REFERRALS ID ENABLE "
                "IDLE UIDPLUS NAMESPACE CHILDREN"
            )
        config = _CONFIG.format(
            dir=self.directory,
            port=self.port,
            user=account.pw_name,
            group=grp.getgrgid(account.pw_gid).gr_name,
            uid=account.pw_uid,
            gid=account.pw_gid,
            capability=capability,
        )
        path = self.directory / "dovecot.conf"
        path.write_text(config)
        os.chown(path, account.pw_uid, account.pw_gid)

    def _wait_until_listening(self, timeout: float = 15) -> bool:
        assert self._process is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                return False
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=1),
            ):
                return True
            time.sleep(0.05)
        return False

    def _stop_process(self) -> str:
        """Stops Dovecot; returns what it wrote to stderr and its log, for error messages."""
        process, self._process = self._process, None
        if process is None:
            return ""
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
        if process.stderr:
            process.stderr.close()
        return (stderr + "\n" + self.log()).strip()

    def stop(self) -> None:
        self._stop_process()
        if self.directory is not None:
            shutil.rmtree(self.directory, ignore_errors=True)
            self.directory = None

    def __enter__(self) -> ImapTestServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def ca_file(self) -> str:
        """PEM file of the CA that signed the server's certificate, for the client."""
        assert self.directory is not None
        return str(self.directory / "ca.pem")

    def log(self) -> str:
        if self.directory is None:
            return ""
        path = self.directory / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def add_account(self, user: str | None = None, password: str | None = None) -> ImapAccount:
        """A new user with an empty Maildir."""
        assert self.directory is not None
        self._accounts += 1
        user = user or f"bounce{self._accounts}"
        password = password or secrets.token_urlsafe(12)
        passwd = self.directory / "users" / user
        home = self.directory / "mail" / user
        passwd.write_text(f"{user}:{{PLAIN}}{password}::::{home}::\n", encoding="utf-8")
        os.chown(passwd, self._owner.pw_uid, self._owner.pw_gid)
        return ImapAccount(self, user, password)


def require_dovecot() -> None:
    if DOVECOT is None:
        if os.environ.get("CI"):
            pytest.fail("dovecot is not installed: CI must run the IMAP tests")
        pytest.skip("dovecot not installed (Debian: dovecot-imapd; `make system-deps`)")


@pytest.fixture(scope="session")
def imap_server() -> Iterator[ImapTestServer]:
    """One Dovecot per test session (and xdist worker); tests use accounts of their own."""
    require_dovecot()
    with ImapTestServer() as server:
        yield server


@pytest.fixture
def imap_account(imap_server: ImapTestServer) -> ImapAccount:
    """A fresh user on the session's Dovecot: its mailboxes are empty."""
    return imap_server.add_account()
