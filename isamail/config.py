"""The only reader of ``isamail.toml`` and the ``ISAMAIL_*`` environment variables.

Settings are declared as data (key, type, default, help) so that validation,
error messages and documentation come from one table. Every value remembers
where it came from, so that an error can say "ISAMAIL_SMTP_URL: ..." or
"isamail.toml, [smtp] connections: ...". Secrets are never part of a message.
"""

from __future__ import annotations

import ipaddress
import os
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from isamail.errors import ConfigError, ProjectNotFound

CONFIG_FILE = "isamail.toml"
ENV_PREFIX = "ISAMAIL_"


@dataclass(frozen=True)
class Setting:
    key: str  # dotted: "smtp.connections"; top-level keys have no dot
    kind: type
    default: Any
    help: str
    secret: bool = False
    check: Callable[[Any], str | None] | None = None  # returns a problem, or None
    env_name: str = ""  # the variable, where it is not ISAMAIL_ and the key

    @property
    def env(self) -> str:
        return self.env_name or ENV_PREFIX + self.key.replace(".", "_").upper()


def _positive(v: Any) -> str | None:
    return None if v > 0 else "muss größer als 0 sein"


def _not_negative(v: Any) -> str | None:
    return None if v >= 0 else "darf nicht negativ sein"


def _smtp_url(v: str) -> str | None:
    if not v:
        return None
    parts = urlsplit(v)
    if parts.scheme not in ("smtp", "smtp+starttls", "smtps"):
        return "muss mit smtp://, smtp+starttls:// oder smtps:// beginnen"
    if not parts.hostname:
        return "nennt keinen Server (smtp://host:port)"
    try:
        parts.port  # noqa: B018 - raises on a non-numeric port
    except ValueError:
        return "hat keinen gültigen Port"
    return None


def _http_url(v: str) -> str | None:
    parts = urlsplit(v)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "muss eine http(s)-Adresse sein, z. B. https://newsletter.isa-portal.de"
    # The links go into every mail's List-Unsubscribe header, which takes plain ASCII.
    if not v.isascii() or any(c in v for c in ' <>"\t'):
        try:
            host = parts.hostname.encode("idna").decode("ascii")
        except UnicodeError:
            host = "xn--…"
        return (
            "darf nur ASCII-Zeichen ohne Leerzeichen enthalten: eine Domain mit Umlauten "
            f"in ihrer xn--Form ({host}), Pfade prozentkodiert"
        )
    return None


def parse_nameservers(value: str) -> list[tuple[str, int]]:
    """``dns.nameservers``: "192.0.2.53, 127.0.0.1:5353, [2001:db8::53]:53" as (ip, port)
    pairs; ValueError for anything else (a resolver needs addresses, not names)."""
    servers = []
    for item in filter(None, (part.strip() for part in value.split(","))):
        host, port = item, 53
        if item.startswith("["):
            host, _, rest = item[1:].partition("]")
            if rest:
                port = int(rest.removeprefix(":"))
        elif item.count(":") == 1:
            host, _, port_text = item.partition(":")
            port = int(port_text)
        ipaddress.ip_address(host)
        if not 0 < port < 65536:
            raise ValueError(item)
        servers.append((host, port))
    return servers


def _nameservers(v: str) -> str | None:
    try:
        parse_nameservers(v)
    except ValueError:
        return "muss eine Liste von IP-Adressen sein, z. B. 192.0.2.53, 127.0.0.1:5353"
    return None


def _dkim_selector(v: str) -> str | None:
    labels = v.split(".") if v else []
    if all(label and label.isascii() and label.replace("-", "").isalnum() for label in labels):
        return None
    return "darf nur Buchstaben, Ziffern, - und . enthalten, z. B. isa2025"


def _http_token_url(v: str) -> str | None:
    return _http_url(v) if v else None


def _imap_url(v: str) -> str | None:
    if not v:
        return None
    parts = urlsplit(v)
    if parts.scheme != "imaps":
        return "muss mit imaps:// beginnen (nur TLS)"
    if not parts.hostname or parts.username is None or parts.password is None:
        return "braucht Benutzer, Passwort und Server: imaps://BENUTZER:PASSWORT@SERVER/ORDNER"
    return None


def _domain_rates(v: dict[str, Any]) -> str | None:
    for domain, rate in v.items():
        if not isinstance(rate, int | float) or isinstance(rate, bool) or rate <= 0:
            return f"braucht für {domain} eine Zahl größer als 0 (Nachrichten pro Sekunde)"
        if "@" in domain or not domain.strip("."):
            return f"nennt mit {domain!r} keine Domain"
    return None


def _log_format(v: str) -> str | None:
    return None if v in ("text", "json") else "muss text oder json sein"


def _log_level(v: str) -> str | None:
    return (
        None
        if v in ("debug", "info", "warning", "error")
        else ("muss debug, info, warning oder error sein")
    )


def _addresses(v: str) -> str | None:
    for part in (p.strip() for p in v.split(",")):
        if part and (problem := _address(part)):
            return problem
    return None


def _address(v: str) -> str | None:
    """An address for a header or the envelope: ``Name <local@domain>`` or bare; a domain
    with umlauts is fine (it goes out in its xn-- form)."""
    if not v:
        return None
    from email.utils import parseaddr

    _, address = parseaddr(v)
    local, at, domain = address.rpartition("@")
    # parseaddr mends some mistakes ("news@exa mple.org"): only what is written counts
    if not at or not local or not domain or address not in v or any(c in v for c in "\r\n\t"):
        return "muss eine E-Mail-Adresse sein, z. B. ISA-Newsletter <newsletter@isa-portal.de>"
    if not domain.isascii():
        import idna

        try:
            idna.encode(domain, uts46=True)
        except idna.IDNAError:
            return f"hat keine gültige Domain ({domain})"
    elif not all(label and len(label) < 64 for label in domain.split(".")):
        return f"hat keine gültige Domain ({domain})"
    return None


def _language(v: str) -> str | None:
    return None if v in ("de", "en", "zh") else "muss de, en oder zh sein"


def _terminal_language(v: str) -> str | None:
    return None if v in ("de", "en") else "muss de oder en sein"


def _timezone(v: str) -> str | None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(v)
    except (ZoneInfoNotFoundError, ValueError):
        return "ist keine bekannte Zeitzone (z. B. Europe/Berlin)"
    return None


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "database_url",
        str,
        "sqlite:///subscribers.db",
        "SQLAlchemy URL of the database; relative SQLite paths are inside the project",
    ),
    Setting(
        "smtp_url",
        str,
        "",
        "smtp://[user:pass@]host:port, smtp+starttls://… or smtps://…",
        secret=True,
        check=_smtp_url,
    ),
    Setting(
        "from",
        str,
        "ISA-Newsletter <newsletter@isa-portal.de>",
        "the From header",
        check=_address,
    ),
    Setting("reply_to", str, "", "Reply-To header; empty: none", check=_address),
    Setting(
        "base_url",
        str,
        "http://127.0.0.1:8000",
        "public URL of `isamail serve`, used in confirm and unsubscribe links",
        check=_http_url,
    ),
    Setting(
        "secret_key",
        str,
        "",
        "signs tokens; `send` and `serve` refuse to run without it",
        secret=True,
    ),
    Setting(
        "bounce_address",
        str,
        "",
        "envelope sender; a token is added as bounces+TOKEN@domain (default: From)",
        check=_address,
    ),
    Setting(
        "unsubscribe_address",
        str,
        "",
        "mailto: target in List-Unsubscribe (default: bounce address)",
        check=_address,
    ),
    Setting("language", str, "de", "default language of subscribers and pages", check=_language),
    Setting(
        "consent_text_version",
        str,
        "2024-01",
        "version of the consent text shown on the signup form, stored with every consent",
    ),
    Setting(
        "terminal.language",
        str,
        "de",
        "language of the command line's messages: de or en (not the machine's locale)",
        check=_terminal_language,
        env_name="ISAMAIL_LANG",
    ),
    Setting(
        "terminal.timezone",
        str,
        "Europe/Berlin",
        "time zone of the times people read; JSON and CSV stay in UTC",
        check=_timezone,
    ),
    Setting("list_id_domain", str, "", "domain of the List-Id header (default: From's domain)"),
    Setting("smtp.connections", int, 4, "SMTP connections used at once", check=_positive),
    Setting(
        "smtp.messages_per_connection",
        int,
        500,
        "a connection is closed and reopened after this many messages",
        check=_positive,
    ),
    Setting("smtp.rate_per_second", float, 0.0, "global limit, 0 = none", check=_not_negative),
    Setting("smtp.rate_per_hour", int, 0, "global limit, 0 = none", check=_not_negative),
    Setting(
        "smtp.domain_rates",
        dict,
        {},
        'messages per second to one recipient domain, e.g. [smtp.domain_rates] "qq.com" = 2 '
        "(environment: qq.com=2,163.com=2)",
        check=_domain_rates,
    ),
    Setting("smtp.timeout", float, 30.0, "seconds to wait for the server", check=_positive),
    Setting(
        "smtp.retry_window",
        float,
        900.0,
        "seconds a run keeps retrying temporary failures",
        check=_not_negative,
    ),
    Setting("smtp.first_retry", float, 5.0, "seconds before the first retry", check=_positive),
    Setting(
        "smtp.quota_per_minute",
        int,
        0,
        "messages the relay takes per minute, counted across runs (0 = no limit)",
        check=_not_negative,
    ),
    Setting(
        "smtp.quota_per_hour",
        int,
        0,
        "messages the relay takes per hour, counted across runs (0 = no limit)",
        check=_not_negative,
    ),
    Setting(
        "smtp.quota_per_day",
        int,
        0,
        "messages (recipients) the relay takes per 24 hours, e.g. 10000 for Microsoft 365",
        check=_not_negative,
    ),
    Setting("smtp.verify_tls", bool, True, "verify the server's certificate"),
    Setting(
        "smtp.allow_plaintext_login",
        bool,
        False,
        "log in without TLS, only to a relay on this machine (localhost); "
        "credentials never go over the network in clear text",
    ),
    Setting("smtp.ca_file", str, "", "extra CA bundle for the server's certificate"),
    Setting(
        "oauth2.token_url",
        str,
        "",
        "OAuth2 token endpoint for XOAUTH2 (empty: log in with the password of smtp_url)",
        check=_http_token_url,
    ),
    Setting("oauth2.client_id", str, "", "OAuth2 client (application) id"),
    Setting("oauth2.client_secret", str, "", "OAuth2 client secret", secret=True),
    Setting(
        "oauth2.scope",
        str,
        "",
        "OAuth2 scope, e.g. https://outlook.office365.com/.default",
    ),
    Setting(
        "oauth2.refresh_token",
        str,
        "",
        "refresh token (Google, delegated Microsoft); empty: client credentials grant",
        secret=True,
    ),
    Setting(
        "oauth2.token_command",
        str,
        "",
        "a command that prints an access token (instead of the token endpoint)",
    ),
    Setting(
        "dkim.selector",
        str,
        "",
        "DKIM selector: of isamail's key, or of the relay's",
        check=_dkim_selector,
    ),
    Setting("dkim.domain", str, "", "d= of the DKIM signature (default: From's domain)"),
    Setting(
        "dkim.key_file",
        str,
        "",
        "private key isamail signs with, e.g. dkim/isa2025.pem (empty: isamail does not sign)",
    ),
    Setting(
        "dns.nameservers",
        str,
        "",
        "nameservers for isamail's own DNS lookups, e.g. 192.0.2.53 (empty: the system's)",
        check=_nameservers,
    ),
    Setting("dns.timeout", float, 5.0, "seconds to wait for a DNS answer", check=_positive),
    Setting(
        "providers.pause_after",
        int,
        5,
        "policy refusals (4.7.x/5.7.x) from one mailbox provider that pause it",
        check=_positive,
    ),
    Setting(
        "providers.pause_window",
        float,
        600.0,
        "…within this many seconds",
        check=_positive,
    ),
    Setting(
        "providers.pause",
        float,
        1800.0,
        "seconds a provider is paused (doubled if it refuses again right after)",
        check=_positive,
    ),
    Setting(
        "imprint.organisation",
        str,
        "Chinesisch-Deutsche Industriestädteallianz (ISA)",
        "who sends the newsletter",
    ),
    Setting(
        "imprint.publisher",
        str,
        "PKS Kommunikations- und Strategieberatung GmbH",
        "legal publisher (§ 5 DDG)",
    ),
    Setting("imprint.address", str, "Reinhardtstraße 34, 10117 Berlin", "publisher's address"),
    Setting("imprint.contact", str, "newsletter@isa-portal.de", "contact address in the imprint"),
    Setting("imprint.website", str, "https://isa-portal.de", "the organisation's website"),
    Setting("imprint.privacy_url", str, "https://isa-portal.de/datenschutz", "privacy notice"),
    Setting(
        "bounces.soft_limit",
        int,
        3,
        "soft bounces on different editions before an address is suppressed",
        check=_positive,
    ),
    Setting("bounces.soft_days", int, 7, "…and over more than this many days", check=_not_negative),
    Setting(
        "bounces.spike_share",
        float,
        0.05,
        "a run that removes more than this share of a list's members is reported loudly",
        check=_not_negative,
    ),
    Setting(
        "bounces.spike_count",
        int,
        50,
        "…or more than this many addresses of one list",
        check=_not_negative,
    ),
    Setting(
        "bounces.imap_url",
        str,
        "",
        "bounce mailbox imaps://user:pass@host/FOLDER[?processed=DONE]; serve reads it",
        secret=True,
        check=_imap_url,
    ),
    Setting(
        "bounces.maildir",
        str,
        "",
        "bounce mailbox as a Maildir folder (relative: inside the project); serve reads it",
    ),
    Setting(
        "bounces.interval",
        float,
        300.0,
        "seconds between two reads of the configured bounce mailbox",
        check=_positive,
    ),
    Setting("bounces.max_bounce_rate", float, 0.02, "report warns above this bounce rate"),
    Setting("bounces.max_complaint_rate", float, 0.003, "report warns above this complaint rate"),
    Setting(
        "alerts.to",
        str,
        "",
        "addresses (comma-separated) mailed when unattended work fails; empty: log and report only",
        check=_addresses,
    ),
    Setting(
        "alerts.every",
        float,
        3600.0,
        "seconds: at most one alert mail per kind in this time",
        check=_positive,
    ),
    Setting(
        "alerts.smtp_url",
        str,
        "",
        "relay for alert mails, e.g. the server's own MTA (empty: smtp_url), so that a relay "
        "refusing logins can still be reported",
        secret=True,
        check=_smtp_url,
    ),
    Setting(
        "worker.in_serve",
        bool,
        False,
        "`serve` runs the worker's loop too (one-process set-ups)",
    ),
    Setting(
        "worker.poll",
        float,
        30.0,
        "seconds the worker waits at most between two looks for due tasks",
        check=_positive,
    ),
    Setting(
        "worker.lease",
        float,
        300.0,
        "seconds a task stays claimed without a heartbeat (a crashed worker's task is "
        "taken over after this)",
        check=_positive,
    ),
    Setting(
        "log.format",
        str,
        "text",
        "log lines of serve and worker: text or json (one JSON object a line)",
        check=_log_format,
    ),
    Setting("log.level", str, "info", "debug, info, warning or error", check=_log_level),
    Setting(
        "retention.left_days",
        int,
        30,
        "days after a person left every list (unsubscribed, bounced, complained) until their "
        "personal data is erased; the suppression hash stays",
        check=_not_negative,
    ),
    Setting(
        "retention.consent_proof_years",
        int,
        3,
        "years, to the end of the year, that the consent record of an erased person keeps "
        "IP address and browser (the regular limitation period, § 195 BGB)",
        check=_not_negative,
    ),
    Setting(
        "web.signup_frame_ancestors",
        str,
        "",
        "origins allowed to frame the signup form, e.g. https://isa-portal.de",
    ),
    Setting(
        "web.trusted_proxies", str, "", "comma-separated proxy IPs whose X-Forwarded-For counts"
    ),
    Setting(
        "web.confirmations_per_address_per_day",
        int,
        3,
        "confirmation mails one address can receive a day",
        check=_positive,
    ),
    Setting(
        "web.signups_per_ip_per_hour",
        int,
        20,
        "signups accepted from one IP an hour",
        check=_positive,
    ),
)
_BY_KEY = {s.key: s for s in SETTINGS}


@dataclass(frozen=True)
class Settings:
    """Validated settings of one project. Look values up with ``settings["smtp.connections"]``
    or through the typed properties of the ones used everywhere."""

    project_dir: Path
    values: Mapping[str, Any]
    sources: Mapping[str, str] = field(repr=False)

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def source(self, key: str) -> str:
        return self.sources[key]

    @property
    def database_url(self) -> str:
        url: str = self.values["database_url"]
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
            return prefix + str(self.project_dir / url[len(prefix) :])
        return url

    @property
    def from_address(self) -> str:
        return str(self.values["from"])

    @property
    def base_url(self) -> str:
        return str(self.values["base_url"]).rstrip("/")

    @property
    def secret_key(self) -> str:
        return str(self.values["secret_key"])

    @property
    def dns_nameservers(self) -> list[tuple[str, int]]:
        return parse_nameservers(str(self.values["dns.nameservers"]))

    def require(self, key: str, purpose: str) -> Any:
        """The value of ``key``, or a ConfigError saying how to set it; ``purpose`` says
        what cannot happen without it, as a clause: "ohne ihn kann isamail nichts senden"."""
        value = self.values[key]
        if value in ("", None):
            setting = _BY_KEY[key]
            raise ConfigError(
                f"{key} fehlt: {purpose}. "
                f"Setzen Sie ihn in {self.project_dir / CONFIG_FILE} oder als {setting.env}."
            )
        return value

    def describe(self) -> list[tuple[str, str, str]]:
        """(key, shown value, source) for every setting; secrets are masked."""
        rows = []
        for s in SETTINGS:
            value = self.values[s.key]
            shown = redact(s, value)
            rows.append((s.key, shown, self.sources[s.key]))
        return rows


def redact(setting: Setting, value: Any) -> str:
    if not setting.secret or not value:
        return str(value)
    if setting.key in ("smtp_url", "bounces.imap_url", "alerts.smtp_url"):
        return redact_url(str(value))
    return "********"


def redact_url(url: str) -> str:
    """The URL with its password replaced, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(":" + parts.password + "@", ":********@", 1)
    return parts._replace(netloc=netloc).geturl()


def find_project(start: Path) -> Path:
    """The project folder: ``start`` itself if it holds isamail.toml."""
    if (start / CONFIG_FILE).is_file():
        return start.resolve()
    raise ProjectNotFound(
        f"{start.resolve()} ist kein isamail-Projekt (keine {CONFIG_FILE}).",
        hint="Legen Sie eines mit `isamail init ORDNER` an oder wählen Sie es mit --project.",
    )


def terminal_preferences_for(args: Sequence[str]) -> tuple[str, str]:
    """(language, time zone) for a command line ``args``: of the project it names with
    --project, else ISAMAIL_PROJECT, else the current folder."""
    folder = os.environ.get("ISAMAIL_PROJECT") or "."
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg in ("-p", "--project") and i + 1 < len(args):
            folder = args[i + 1]
        elif arg.startswith("--project="):
            folder = arg.partition("=")[2]
    return terminal_preferences(Path(folder), os.environ)


def terminal_preferences(project_dir: Path, environ: Mapping[str, str]) -> tuple[str, str]:
    """(language, time zone) of what the command line shows, read before anything else
    (Click's messages are translated as it starts): from ISAMAIL_LANG and
    ISAMAIL_TERMINAL_TIMEZONE, else the project's [terminal] section, else German and
    Europe/Berlin. A broken isamail.toml is reported later, when the settings are loaded."""
    values: dict[str, str] = {}
    try:
        data = tomllib.loads((project_dir / CONFIG_FILE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        data = {}
    section = data.get("terminal")
    for name in ("language", "timezone"):
        setting = _BY_KEY[f"terminal.{name}"]
        value = environ.get(setting.env)
        if value is None and isinstance(section, dict):
            value = section.get(name)
        if not isinstance(value, str) or (setting.check is not None and setting.check(value)):
            value = setting.default
        values[name] = value
    return values["language"], values["timezone"]


def load_settings(project_dir: Path, environ: Mapping[str, str] | None = None) -> Settings:
    environ = os.environ if environ is None else environ
    path = project_dir / CONFIG_FILE
    file_values = _read_toml(path)
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for s in SETTINGS:
        if s.env in environ:
            raw, source = environ[s.env], s.env
            value = _from_env(s, raw, source)
        elif s.key in file_values:
            source = f"{path.name} ({_toml_place(s.key)})"
            value = _from_toml(s, file_values[s.key], source)
        else:
            value, source = s.default, "Voreinstellung"
        if s.check is not None and (problem := s.check(value)):
            raise ConfigError(f"{source}: {s.key} {problem}.")
        values[s.key], sources[s.key] = value, source
    return Settings(project_dir=project_dir.resolve(), values=values, sources=sources)


def _toml_place(key: str) -> str:
    section, _, name = key.rpartition(".")
    return f"[{section}] {name}" if section else key


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: ist nicht in UTF-8 gespeichert.") from None
    except tomllib.TOMLDecodeError as exc:
        from isamail.i18n.libraries import toml_error

        line, reason = toml_error(exc)
        place = f"{path}, Zeile {line}" if line else str(path)
        raise ConfigError(f"{place}: kein gültiges TOML: {reason}.") from None
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            for sub, subvalue in value.items():
                flat[f"{key}.{sub}"] = subvalue
        else:
            flat[key] = value
    unknown = sorted(set(flat) - set(_BY_KEY))
    if unknown:
        raise ConfigError(f"{path.name}: unbekannter Schlüssel {_toml_place(unknown[0])}.")
    return flat


def _from_toml(s: Setting, value: Any, source: str) -> Any:
    if s.kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, s.kind) or (s.kind is int and isinstance(value, bool)):
        raise ConfigError(f"{source}: {s.key} muss {_kind_name(s.kind)} sein.")
    return value


def _from_env(s: Setting, raw: str, source: str) -> Any:
    if s.kind is str:
        return raw
    if s.kind is dict:  # "qq.com=2,163.com=2.5"
        try:
            pairs = (item.split("=", 1) for item in raw.split(",") if item.strip())
            return {key.strip().lower(): float(value) for key, value in pairs}
        except ValueError:
            raise ConfigError(
                f"{source}: {s.key} muss die Form domain=zahl,domain=zahl haben."
            ) from None
    if s.kind is bool:
        lowered = raw.strip().lower()
        if lowered in ("1", "true", "yes", "ja", "on"):
            return True
        if lowered in ("0", "false", "no", "nein", "off"):
            return False
    else:
        try:
            return s.kind(raw)
        except ValueError:
            pass
    shown = "…" if s.secret else repr(raw)
    raise ConfigError(f"{source}: {s.key} muss {_kind_name(s.kind)} sein (ist {shown}).")


def _kind_name(kind: type) -> str:
    names = {int: "eine ganze Zahl", float: "eine Zahl", bool: "true oder false", str: "ein Text"}
    return names.get(kind, "eine Tabelle")
