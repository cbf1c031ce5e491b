"""`isamail doctor`: can this project deliver, and what must change where it cannot.

Each check returns findings; a finding says what was found and, where something is
wrong, what to change (a setting, a DNS record to publish, a file mode). Nothing is
changed by the doctor itself. DNS goes through ``resolver.Resolver`` (the setting
``dns.nameservers`` can point it at another server), the relay is asked with the
transport's ``probe_relay``, ``base_url`` is fetched over https.

Levels: ``ok``; ``info`` (worth knowing, nothing to do); ``warn`` (mail may go out
but land in spam, or something is at risk); ``fail`` (mail will be refused, or a
secret is exposed). The project can deliver when nothing fails.
"""

from __future__ import annotations

import ssl
import stat
import subprocess
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from email.utils import parseaddr
from enum import StrEnum
from pathlib import Path

from isamail.config import CONFIG_FILE, Settings
from isamail.deliverability import dkim, spf
from isamail.deliverability.quotas import Quota
from isamail.deliverability.relay import relay_endpoint, relay_provider
from isamail.deliverability.resolver import DnsError, Resolver, resolver_for
from isamail.errors import IsamailError, SmtpError
from isamail.transport.smtp import RelayProbe, SmtpEndpoint, is_local_host, probe_relay

MIN_SIZE = 1024 * 1024  # a relay that takes less cannot carry a newsletter with images


class Level(StrEnum):
    OK = "ok"
    INFO = "info"
    WARN = "warn"
    FAIL = "fail"


@dataclass(frozen=True)
class Finding:
    check: str  # spf, dkim, dmarc, mx, web, relay, relay_tls, relay_auth, relay_size, …
    level: Level
    text: str  # what was found, one German sentence
    fix: str = ""  # what to change
    record: str = ""  # a DNS record to publish ("name. TXT value"), where one helps


@dataclass
class Diagnosis:
    findings: list[Finding] = field(default_factory=list)

    @property
    def can_deliver(self) -> bool:
        return not any(f.level is Level.FAIL for f in self.findings)

    def by_check(self, check: str) -> list[Finding]:
        return [f for f in self.findings if f.check == check]

    def as_json(self) -> dict[str, object]:
        return {
            "can_deliver": self.can_deliver,
            "findings": [{**asdict(f), "level": f.level.value} for f in self.findings],
        }


@dataclass(frozen=True)
class Domains:
    from_domain: str
    bounce_domain: str
    dkim_domain: str

    @classmethod
    def of(cls, settings: Settings) -> Domains:
        from_domain = _domain(settings.from_address)
        bounce = _domain(settings["bounce_address"] or settings.from_address) or from_domain
        return cls(from_domain, bounce, dkim.signing_domain(settings))


def _domain(address: str) -> str:
    return parseaddr(address)[1].rpartition("@")[2].lower().rstrip(".")


def diagnose(
    settings: Settings,
    *,
    resolver: Resolver | None = None,
    relay: bool = True,
    web: bool = True,
) -> Diagnosis:
    resolver = resolver or resolver_for(settings)
    domains = Domains.of(settings)
    diagnosis = Diagnosis()
    spf_found = check_spf(settings, resolver, domains)
    dkim_found = check_dkim(settings, resolver, domains)
    diagnosis.findings += spf_found + dkim_found
    diagnosis.findings += check_dmarc(
        settings, resolver, domains, spf_ok=_passed(spf_found), dkim_ok=_passed(dkim_found)
    )
    diagnosis.findings += check_mx(settings, resolver, domains)
    if web:
        diagnosis.findings += check_web(settings)
    if relay:
        diagnosis.findings += check_relay(settings)
    diagnosis.findings += check_quota(settings)
    diagnosis.findings += check_secrets(settings)
    return diagnosis


def _passed(findings: list[Finding]) -> bool:
    """A check that found its record and nothing wrong with it."""
    return bool(findings) and all(f.level in (Level.OK, Level.INFO) for f in findings)


# --- SPF ----------------------------------------------------------------------------


def check_spf(settings: Settings, resolver: Resolver, domains: Domains) -> list[Finding]:
    domain = domains.bounce_domain
    suggestion = _spf_suggestion(settings)
    try:
        policy = spf.read_policy(resolver, domain)
    except spf.SpfError as exc:
        return [
            Finding("spf", Level.FAIL, f"SPF von {domain}: {exc}.", "Korrigieren Sie den Eintrag.")
        ]
    except DnsError as exc:
        return [Finding("spf", Level.WARN, f"SPF von {domain} nicht prüfbar: {exc.message}")]
    if policy is None:
        return [
            Finding(
                "spf",
                Level.FAIL,
                f"{domain} (Domain der Absenderadresse im Umschlag) hat keinen SPF-Eintrag: "
                "Gmail, Yahoo und Microsoft werten Mail ohne SPF ab oder weisen sie ab.",
                f"Veröffentlichen Sie einen TXT-Eintrag bei {domain}.",
                f'{domain}. TXT "{suggestion}"',
            )
        ]
    findings = []
    if policy.all == "+":
        findings.append(
            Finding(
                "spf",
                Level.FAIL,
                f"SPF von {domain} endet mit +all: jeder Server der Welt darf als {domain} senden.",
                "Ersetzen Sie +all durch ~all oder -all.",
            )
        )
    elif policy.all in ("", "?"):
        findings.append(
            Finding(
                "spf",
                Level.WARN,
                f"SPF von {domain} sagt nichts über fremde Server ({policy.all or 'kein'} all): "
                "Empfänger können Fälschungen nicht erkennen.",
                "Beenden Sie den Eintrag mit ~all oder -all.",
            )
        )
    findings.append(_spf_covers_relay(settings, resolver, domain, policy))
    return findings


def _spf_covers_relay(
    settings: Settings, resolver: Resolver, domain: str, policy: spf.SpfPolicy
) -> Finding:
    provider = relay_provider(settings)
    if provider is not None:
        if provider.spf_include in policy.includes:
            return Finding(
                "spf", Level.OK, f"SPF von {domain} erlaubt {provider.name} ({policy.record})."
            )
        return Finding(
            "spf",
            Level.FAIL,
            f"SPF von {domain} erlaubt {provider.name} nicht: include:{provider.spf_include} "
            "fehlt.",
            f"Nehmen Sie include:{provider.spf_include} in den Eintrag auf.",
            f'{domain}. TXT "{_with_include(policy.record, provider.spf_include)}"',
        )
    host = _relay_host(settings)
    if not host:
        return Finding("spf", Level.OK, f"SPF von {domain}: {policy.record}")
    try:
        addresses = resolver.addresses(host)
    except DnsError as exc:
        return Finding("spf", Level.WARN, f"SPF von {domain}: {exc.message}")
    public = [a for a in addresses if not _private(a)]
    if not public:
        return Finding(
            "spf",
            Level.INFO,
            f"SPF von {domain}: {policy.record}. Das Relay {host} liegt auf diesem Rechner "
            "oder im eigenen Netz; ob SPF die Adresse erlaubt, mit der es nach außen sendet, "
            "kann doctor nicht sehen.",
        )
    refused = []
    for address in public:
        try:
            verdict = spf.allows(resolver, domain, address)
        except DnsError as exc:
            return Finding("spf", Level.WARN, f"SPF von {domain}: {exc.message}")
        if verdict is False:
            refused.append(address)
    if refused:
        mechanism = " ".join(f"ip{4 if ':' not in a else 6}:{a}" for a in refused)
        return Finding(
            "spf",
            Level.FAIL,
            f"SPF von {domain} erlaubt das Relay {host} ({', '.join(refused)}) nicht.",
            f"Nehmen Sie {mechanism} in den Eintrag auf (oder das include Ihres Anbieters).",
        )
    return Finding("spf", Level.OK, f"SPF von {domain} erlaubt das Relay {host}: {policy.record}")


def _spf_suggestion(settings: Settings) -> str:
    provider = relay_provider(settings)
    if provider is not None:
        return f"v=spf1 include:{provider.spf_include} -all"
    host = _relay_host(settings)
    if host and not is_local_host(host):
        return f"v=spf1 a:{host} -all"
    return "v=spf1 ip4:<öffentliche Adresse Ihres Mailservers> -all"


def _with_include(record: str, include: str) -> str:
    terms = record.split()
    return " ".join([terms[0], f"include:{include}", *terms[1:]])


def _relay_host(settings: Settings) -> str:
    try:
        return relay_endpoint(settings).host
    except IsamailError:
        return ""


def _private(address: str) -> bool:
    import ipaddress

    ip = ipaddress.ip_address(address)
    return ip.is_private or ip.is_loopback or ip.is_link_local


# --- DKIM ---------------------------------------------------------------------------


def check_dkim(settings: Settings, resolver: Resolver, domains: Domains) -> list[Finding]:
    selector = str(settings["dkim.selector"])
    domain = domains.dkim_domain
    try:
        signer = dkim.signer_for(settings)
    except IsamailError as exc:
        return [Finding("dkim", Level.FAIL, exc.message, exc.hint or "")]
    if not selector:
        return [
            Finding(
                "dkim",
                Level.WARN,
                "Kein DKIM-Selektor eingetragen: doctor kann nicht prüfen, ob die Mail mit "
                f"{domains.from_domain} signiert ist. Gmail und Yahoo verlangen DKIM; "
                "List-Unsubscribe muss unter der Signatur stehen.",
                "Signiert das Relay für Ihre Domain, tragen Sie seinen Selektor als "
                "dkim.selector ein; sonst signiert isamail selbst: isamail dkim keygen.",
            )
        ]
    name = f"{selector}._domainkey.{domain}"
    try:
        records = [r for r in resolver.txt(name) if "p=" in r]
    except DnsError as exc:
        return [Finding("dkim", Level.WARN, f"DKIM-Schlüssel {name} nicht prüfbar: {exc.message}")]
    publish = f'{name}. TXT "{signer.key.record}"' if signer else ""
    if not records:
        return [
            Finding(
                "dkim",
                Level.FAIL,
                f"Kein DKIM-Schlüssel unter {name} veröffentlicht: Signaturen lassen sich "
                "nicht prüfen.",
                "Veröffentlichen Sie den TXT-Eintrag"
                + (" unten." if signer else ", den Ihr Relay-Anbieter nennt."),
                publish,
            )
        ]
    if len(records) > 1:
        return [
            Finding(
                "dkim",
                Level.FAIL,
                f"Unter {name} stehen {len(records)} DKIM-Schlüssel; erlaubt ist einer.",
                "Löschen Sie die überzähligen.",
                publish,
            )
        ]
    tags = _tags(records[0])
    published = "".join(tags.get("p", "").split())
    if not published:
        return [
            Finding(
                "dkim",
                Level.FAIL,
                f"Der DKIM-Schlüssel unter {name} ist widerrufen (p= leer).",
                "Veröffentlichen Sie den Schlüssel neu.",
                publish,
            )
        ]
    findings = []
    if signer is not None and published != signer.key.public:
        findings.append(
            Finding(
                "dkim",
                Level.FAIL,
                f"Der DKIM-Schlüssel unter {name} passt nicht zu {dkim.key_path(settings)}: "
                "jede Signatur von isamail wäre ungültig.",
                "Ersetzen Sie den TXT-Eintrag durch den unten.",
                publish,
            )
        )
    elif signer is not None:
        findings.append(
            Finding(
                "dkim",
                Level.OK,
                f"isamail signiert mit {signer.algorithm} als d={domain}, s={selector}; "
                f"der Schlüssel unter {name} passt.",
                record=publish,
            )
        )
    else:
        findings.append(
            Finding(
                "dkim",
                Level.INFO,
                f"DKIM-Schlüssel unter {name} veröffentlicht ({tags.get('k', 'rsa')}); isamail "
                "signiert nicht selbst: das Relay muss mit diesem Selektor und d="
                f"{domain} signieren, auch die Kopfzeilen List-Unsubscribe und "
                "List-Unsubscribe-Post.",
            )
        )
    findings.extend(_key_strength(name, tags, published))
    return findings


def _tags(record: str) -> dict[str, str]:
    tags = {}
    for part in record.split(";"):
        key, _, value = part.partition("=")
        if key.strip():
            tags[key.strip().lower()] = value.strip()
    return tags


def _key_strength(name: str, tags: dict[str, str], published: str) -> list[Finding]:
    if tags.get("k", "rsa").lower() != "rsa":
        return []
    import base64

    from cryptography.hazmat.primitives.serialization import load_der_public_key

    try:
        key = load_der_public_key(base64.b64decode(published))
        bits = int(getattr(key, "key_size", 0))
    except ValueError:
        return [Finding("dkim", Level.FAIL, f"Der DKIM-Schlüssel unter {name} ist nicht lesbar.")]
    if bits < 1024:
        return [
            Finding(
                "dkim",
                Level.FAIL,
                f"Der DKIM-Schlüssel unter {name} hat nur {bits} Bit.",
                "Nehmen Sie einen mit 2048 Bit.",
            )
        ]
    if bits < 2048:
        return [
            Finding(
                "dkim",
                Level.WARN,
                f"Der DKIM-Schlüssel unter {name} hat {bits} Bit; empfohlen sind 2048.",
                "isamail dkim keygen --selector NEU legt einen an.",
            )
        ]
    return []


# --- DMARC --------------------------------------------------------------------------


def check_dmarc(
    settings: Settings,
    resolver: Resolver,
    domains: Domains,
    *,
    spf_ok: bool = True,
    dkim_ok: bool = True,
) -> list[Finding]:
    """Policy of the From domain, and whether SPF or DKIM pass aligned with it
    (``spf_ok``/``dkim_ok``: what the SPF and DKIM checks found)."""
    domain = domains.from_domain
    try:
        found = _dmarc_record(resolver, domain)
    except DnsError as exc:
        return [Finding("dmarc", Level.WARN, f"DMARC von {domain} nicht prüfbar: {exc.message}")]
    if found is None:
        return [
            Finding(
                "dmarc",
                Level.WARN,
                f"{domain} hat keinen DMARC-Eintrag: Gmail und Yahoo verlangen ihn von "
                "Massenversendern (p=none genügt für den Anfang).",
                f"Veröffentlichen Sie einen TXT-Eintrag bei _dmarc.{domain}.",
                f'_dmarc.{domain}. TXT "v=DMARC1; p=none; rua=mailto:dmarc@{domain}"',
            )
        ]
    where, records = found
    if len(records) > 1:
        return [
            Finding(
                "dmarc",
                Level.FAIL,
                f"_dmarc.{where} hat {len(records)} DMARC-Einträge: Empfänger werten keinen davon.",
                "Lassen Sie genau einen stehen.",
            )
        ]
    tags = _tags(records[0])
    policy = tags.get("p", "").lower()
    if policy not in ("none", "quarantine", "reject"):
        return [
            Finding(
                "dmarc",
                Level.FAIL,
                f"DMARC von {where} nennt keine gültige Richtlinie (p=): {records[0]}",
                "Setzen Sie p=none, p=quarantine oder p=reject.",
            )
        ]
    spf_aligned = spf_ok and _aligned(domains.bounce_domain, domain, tags.get("aspf", "r"))
    dkim_aligned = dkim_ok and _aligned(domains.dkim_domain, domain, tags.get("adkim", "r"))
    dkim_aligned = dkim_aligned and bool(settings["dkim.selector"])
    findings = [
        Finding(
            "dmarc",
            Level.OK if policy != "none" else Level.INFO,
            f"DMARC von {domain}: p={policy}"
            + (f" (Eintrag von {where})" if where != domain else "")
            + (
                "; Fälschungen werden erst mit p=quarantine oder p=reject abgewiesen."
                if policy == "none"
                else "."
            ),
        )
    ]
    if not spf_aligned and not dkim_aligned:
        level = Level.FAIL if policy in ("quarantine", "reject") else Level.WARN
        findings.append(
            Finding(
                "dmarc",
                level,
                f"Weder SPF ({domains.bounce_domain}) noch DKIM "
                f"({domains.dkim_domain if settings['dkim.selector'] else 'kein Selektor'}) "
                f"bestehen für die Absenderdomain {domain}: DMARC schlägt fehl"
                + (
                    ", die Mail wird abgewiesen oder landet im Spam."
                    if level is Level.FAIL
                    else "."
                ),
                "Signieren Sie mit DKIM als d=" + domain + " (isamail dkim keygen) oder nehmen "
                "Sie eine Rücklaufadresse (bounce_address) unter " + domain + ".",
            )
        )
    else:
        how = " und ".join(
            name for name, ok in (("SPF", spf_aligned), ("DKIM", dkim_aligned)) if ok
        )
        findings.append(Finding("dmarc", Level.OK, f"DMARC-Ausrichtung zu {domain} über {how}."))
    return findings


def _dmarc_record(resolver: Resolver, domain: str) -> tuple[str, list[str]] | None:
    """The DMARC records of ``domain``, else of its organisational domain."""
    for candidate in dict.fromkeys((domain, _organisational(domain))):
        records = [r for r in resolver.txt(f"_dmarc.{candidate}") if _is_dmarc(r)]
        if records:
            return candidate, records
    return None


def _is_dmarc(text: str) -> bool:
    return text.replace(" ", "").lower().startswith("v=dmarc1")


def _organisational(domain: str) -> str:
    """The last two labels; without the public suffix list, a domain under co.uk and the
    like is taken one level too high, which only makes relaxed alignment stricter."""
    return ".".join(domain.split(".")[-2:])


def _aligned(domain: str, from_domain: str, mode: str) -> bool:
    if mode.lower().startswith("s"):
        return domain == from_domain
    return _organisational(domain) == _organisational(from_domain)


# --- MX -----------------------------------------------------------------------------


def check_mx(settings: Settings, resolver: Resolver, domains: Domains) -> list[Finding]:
    domain = domains.bounce_domain
    try:
        hosts = resolver.mx(domain)
        fallback = resolver.addresses(domain) if not hosts else []
    except DnsError as exc:
        return [Finding("mx", Level.WARN, f"MX von {domain} nicht prüfbar: {exc.message}")]
    if any(not mx.host for mx in hosts):
        return [
            Finding(
                "mx",
                Level.FAIL,
                f"{domain} nimmt ausdrücklich keine Mail an (Null-MX): Rückläufer und Abmeldungen "
                "per Mail gehen verloren, und viele Empfänger weisen solche Absender ab.",
                "Nehmen Sie eine Rücklaufadresse (bounce_address) unter einer Domain, die Mail "
                "annimmt.",
            )
        ]
    if hosts:
        names = ", ".join(mx.host for mx in hosts)
        return [Finding("mx", Level.OK, f"Rückläufer an {domain} gehen an {names}.")]
    if fallback:
        return [
            Finding(
                "mx",
                Level.WARN,
                f"{domain} hat keinen MX, nur eine Adresse: manche Empfänger weisen Absender ohne "
                "MX ab.",
                f"Veröffentlichen Sie einen MX-Eintrag für {domain}.",
            )
        ]
    return [
        Finding(
            "mx",
            Level.FAIL,
            f"{domain} hat weder MX noch Adresse: Rückläufer können nicht zurückkommen, und "
            "Empfänger weisen einen solchen Absender ab.",
            f"Veröffentlichen Sie einen MX-Eintrag für {domain} oder nehmen Sie eine andere "
            "bounce_address.",
        )
    ]


# --- the web endpoint ---------------------------------------------------------------


def check_web(settings: Settings, *, timeout: float = 10.0) -> list[Finding]:
    base = settings.base_url
    if not base.startswith("https://"):
        return [
            Finding(
                "web",
                Level.FAIL,
                f"base_url {base} ist kein https: Gmail und Yahoo verlangen für die Abmeldung "
                "mit einem Klick (RFC 8058) eine https-Adresse, und die Links in der Mail "
                "müssen von überall erreichbar sein.",
                "Setzen Sie base_url auf die öffentliche https-Adresse von isamail serve.",
            )
        ]
    url = base + "/healthz"
    request = urllib.request.Request(url, headers={"User-Agent": "isamail-doctor"})  # noqa: S310 - https only
    context = ssl.create_default_context()
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=context) as response:  # noqa: S310
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, ssl.SSLCertVerificationError):
            detail = f"das Zertifikat ist nicht gültig ({reason.verify_message})"
        else:
            detail = str(getattr(reason, "strerror", None) or reason)
        return [
            Finding(
                "web",
                Level.FAIL,
                f"{url} ist nicht erreichbar: {detail}.",
                "Prüfen Sie, ob isamail serve hinter dieser Adresse läuft (Proxy, Zertifikat, "
                "Firewall).",
            )
        ]
    except (OSError, ValueError) as exc:
        return [
            Finding(
                "web",
                Level.FAIL,
                f"{url} ist nicht erreichbar: {exc}.",
                "Prüfen Sie, ob isamail serve hinter dieser Adresse läuft.",
            )
        ]
    if status == 200:
        return [Finding("web", Level.OK, f"{base} antwortet über https (gültiges Zertifikat).")]
    return [
        Finding(
            "web",
            Level.WARN,
            f"{url} antwortet mit {status}: läuft isamail serve hinter dieser Adresse?",
            "Leiten Sie base_url auf isamail serve weiter.",
        )
    ]


# --- the relay ----------------------------------------------------------------------


def check_relay(settings: Settings) -> list[Finding]:
    try:
        endpoint = relay_endpoint(settings)
    except IsamailError as exc:
        return [Finding("relay", Level.FAIL, exc.message, exc.hint or "")]
    shown = endpoint.display()
    try:
        probe = probe_relay(
            endpoint,
            timeout=float(settings["smtp.timeout"]),
            verify_tls=bool(settings["smtp.verify_tls"]),
            ca_file=str(settings["smtp.ca_file"]) or None,
        )
    except SmtpError as exc:
        return [Finding("relay", Level.FAIL, exc.message, exc.hint or "")]
    findings = [_relay_tls(shown, endpoint.username is not None, probe)]
    findings.extend(_relay_auth(shown, endpoint, probe))
    if probe.size_limit is None:
        findings.append(
            Finding("relay_size", Level.INFO, f"{shown} nennt keine Größengrenze (SIZE).")
        )
    else:
        megabytes = f"{probe.size_limit / 1024 / 1024:.1f}".replace(".", ",")
        level = Level.OK if probe.size_limit >= MIN_SIZE else Level.WARN
        findings.append(
            Finding(
                "relay_size",
                level,
                f"{shown} nimmt Nachrichten bis {megabytes} MB an.",
                "" if level is Level.OK else "Große Ausgaben (Bilder) würden abgewiesen.",
            )
        )
    return findings


def _relay_tls(shown: str, login: bool, probe: RelayProbe) -> Finding:
    if probe.tls_error:
        return Finding("relay_tls", Level.FAIL, probe.tls_error)
    if probe.tls_version is None:
        return Finding(
            "relay_tls",
            Level.WARN,
            f"{shown} bietet kein STARTTLS an: die Mail geht unverschlüsselt zum Relay.",
            "Nutzen Sie einen Zugang mit STARTTLS (Port 587) oder smtps:// (Port 465).",
        )
    level = Level.OK if probe.tls_version in ("TLSv1.2", "TLSv1.3") else Level.WARN
    return Finding("relay_tls", level, f"{shown} verschlüsselt mit {probe.tls_version}.")


def _relay_auth(shown: str, endpoint: SmtpEndpoint, probe: RelayProbe) -> list[Finding]:
    offered = " ".join(probe.auth_mechanisms) or "keine"
    if endpoint.username is None:
        return [
            Finding(
                "relay_auth",
                Level.INFO,
                f"Ohne Anmeldung (angeboten: {offered}): das Relay muss diesen Rechner an "
                "seiner Adresse erkennen und weiterleiten.",
            )
        ]
    if probe.login_error:
        return [Finding("relay_auth", Level.FAIL, probe.login_error)]
    if probe.tls_error:
        return []
    how = "OAuth2 (XOAUTH2)" if endpoint.oauth2 is not None else "Passwort"
    return [
        Finding(
            "relay_auth",
            Level.OK,
            f"Anmeldung als {endpoint.username} mit {how} gelingt (angeboten: {offered}).",
        )
    ]


def check_quota(settings: Settings) -> list[Finding]:
    provider = relay_provider(settings)
    if provider is None or provider.quota is None:
        return []
    quota = Quota.from_settings(settings)
    if quota.active:
        return [Finding("quota", Level.OK, f"Kontingent für {provider.name}: {quota.describe()}.")]
    settings_lines = ", ".join(
        f"quota_per_{key} = {value}"
        for key, value in (
            ("minute", provider.quota.per_minute),
            ("hour", provider.quota.per_hour),
            ("day", provider.quota.per_day),
        )
        if value
    )
    return [
        Finding(
            "quota",
            Level.WARN,
            f"{provider.name} nimmt höchstens {provider.quota.describe()} an; isamail kennt "
            "kein Kontingent und würde mitten im Versand abgewiesen.",
            f"Setzen Sie in [smtp]: {settings_lines}.",
        )
    ]


# --- secrets and files --------------------------------------------------------------


def check_secrets(settings: Settings) -> list[Finding]:
    findings = []
    key = settings.secret_key
    if not key:
        findings.append(
            Finding(
                "secret_key",
                Level.FAIL,
                "secret_key fehlt: send und serve laufen ohne ihn nicht.",
                "isamail init schreibt einen; oder setzen Sie ISAMAIL_SECRET_KEY auf 32 "
                "zufällige Zeichen.",
            )
        )
    elif len(key) < 32:
        findings.append(
            Finding(
                "secret_key",
                Level.WARN,
                f"secret_key hat nur {len(key)} Zeichen: Abmelde- und Bestätigungslinks lassen "
                "sich leichter fälschen.",
                "Nehmen Sie mindestens 32 zufällige Zeichen (python3 -c 'import secrets; "
                "print(secrets.token_urlsafe(32))'); alte Links werden dann ungültig.",
            )
        )
    else:
        findings.append(Finding("secret_key", Level.OK, "secret_key ist gesetzt und lang genug."))
    config = settings.project_dir / CONFIG_FILE
    secrets_in_file = [
        key
        for key in ("secret_key", "smtp_url", "oauth2.client_secret", "oauth2.refresh_token")
        if settings.source(key).startswith(CONFIG_FILE)
        and settings[key]
        and (key != "smtp_url" or "@" in str(settings[key]).partition("://")[2])
    ]
    if secrets_in_file:
        findings.append(_mode_finding(config, ", ".join(secrets_in_file), private=True))
    path = dkim.key_path(settings)
    if path is not None and path.exists():
        findings.append(_mode_finding(path, "der private DKIM-Schlüssel", private=True))
        ignored = _git_ignored(path)
        if ignored is False:
            findings.append(
                Finding(
                    "permissions",
                    Level.WARN,
                    f"{path} ist nicht von git ausgenommen: ein git add nähme den privaten "
                    "Schlüssel mit.",
                    f"Tragen Sie {path.parent.name}/ in .gitignore ein.",
                )
            )
    database = settings.database_url
    if database.startswith("sqlite:///"):
        db_path = Path(database.removeprefix("sqlite:///"))
        if db_path.exists():
            findings.append(_mode_finding(db_path, "die Adressen der Abonnenten", private=False))
    return [f for f in findings if f is not None]


def _mode_finding(path: Path, what: str, *, private: bool) -> Finding:
    mode = stat.S_IMODE(path.stat().st_mode)
    shown = f"{mode:o}".rjust(4, "0")
    if mode & stat.S_IROTH:
        return Finding(
            "permissions",
            Level.WARN,
            f"{path} (enthält {what}) ist für alle Benutzer dieses Rechners lesbar (Modus "
            f"{shown}).",
            f"chmod 600 {path}",
        )
    if private and mode & stat.S_IRWXG:
        return Finding(
            "permissions",
            Level.WARN,
            f"{path} (enthält {what}) ist für die Gruppe lesbar (Modus {shown}).",
            f"chmod 600 {path}",
        )
    return Finding("permissions", Level.OK, f"{path}: Modus {shown}.")


def _git_ignored(path: Path) -> bool | None:
    """None where there is no git or no repository to ask."""
    try:
        result = subprocess.run(  # noqa: S603
            ["git", "-C", str(path.parent), "check-ignore", "-q", str(path)],  # noqa: S607
            capture_output=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if result.returncode == 128:  # not a repository
        return None
    return result.returncode == 0


__all__ = ["Diagnosis", "Finding", "Level", "diagnose"]
