"""The libraries' English error texts in the reader's language.

tomllib, PyYAML and email-validator build their messages with the values filled in.
Each known message is written here as its English template ("Cannot declare {key}
twice"): the template is the msgid the German catalog translates, and the values are
read back out of the message by the template turned into a pattern. A message no
template matches still reads in the reader's language, as a general sentence.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from isamail.i18n import N_, _

TOML_MESSAGES = (
    N_("An object other than list found behind this key"),
    N_("Cannot declare {key} twice"),
    N_("Cannot mutate immutable namespace {key}"),
    N_("Cannot overwrite a value"),
    N_("Cannot redefine namespace {key}"),
    N_("Duplicate inline table key {key}"),
    N_("Escaped character is not a Unicode scalar value"),
    N_("Expected '=' after a key in a key/value pair"),
    N_("Expected ']' at the end of a table declaration"),
    N_("Expected ']]' at the end of an array declaration"),
    N_("Expected newline or end of document after a statement"),
    N_("Expected {expected}"),
    N_("Found invalid character {character}"),
    N_("Illegal character {character}"),
    N_("Invalid date or datetime"),
    N_("Invalid hex value"),
    N_("Invalid initial character for a key part"),
    N_("Invalid statement"),
    N_("Invalid value"),
    N_("There is no nest behind this key"),
    N_("Unclosed array"),
    N_("Unclosed inline table"),
    N_("Unescaped '\\' in a string"),
    N_("Unterminated string"),
)

YAML_MESSAGES = (
    N_("found unexpected end of stream"),
    N_("found unexpected ':'"),
    N_("found character {character} that cannot start any token"),
    N_("found undefined alias {alias}"),
    N_("found duplicate anchor {anchor}; first occurrence"),
    N_("found unknown escape character {character}"),
    N_("found unexpected document separator"),
    N_("found a tab character where an indentation space is expected"),
    N_("found a tab character that violates indentation"),
    N_("could not find expected ':'"),
    N_("mapping values are not allowed here"),
    N_("block sequence entries are not allowed here"),
    N_("expected <block end>, but found {token}"),
    N_("expected ',' or ']', but got {token}"),
    N_("expected ',' or '}}', but got {token}"),
    N_("expected a comment or a line break, but found {character}"),
    N_("expected alphabetic or numeric character, but found {character}"),
    N_("expected '!', but found {character}"),
    N_("expected ' ', but found {character}"),
    N_("did not find expected key"),
    N_("did not find expected node content"),
    N_("did not find expected '-' indicator"),
    N_("expected a single document in the stream"),
    N_("but found another document"),
    N_("found unhashable key"),
    N_("expected a mapping node, but found {node}"),
)

EMAIL_MESSAGES = (
    N_("A bracketed IP address after the @-sign is not allowed here."),
    N_("A display name and angle brackets around the email address are not permitted here."),
    N_("An email address cannot have a period and a hyphen next to each other."),
    N_(
        "An email address cannot have two letters followed by two dashes immediately after "
        "the @-sign or after a period, except Punycode."
    ),
    N_("An email address cannot have two periods in a row."),
    N_("An email address cannot end with a period."),
    N_("An email address cannot start with a period."),
    N_("An email address must have an @-sign."),
    N_("Internationalized characters before the @-sign are not supported: {characters}."),
    N_("Quoting the part before the @-sign is not allowed here."),
    N_("The email address contains invalid characters before the @-sign: {characters}."),
    N_("The email address contains invalid characters before the @-sign."),
    N_("The email address contains an invalid character."),
    N_("The email address contains unsafe characters: {characters}."),
    N_("The email address is not valid ASCII."),
    N_("The email address is too long {reason}."),
    N_("The email address is too long before the @-sign {reason}."),
    N_("The email address is too long after the @-sign {reason}."),
    N_("The part after the @-sign contains invalid characters: {characters}."),
    N_("The part after the @-sign contains invalid characters ({reason})."),
    N_(
        "The part after the @-sign is a special-use or reserved name that cannot be used "
        "with email."
    ),
    N_("The part after the @-sign is not valid. It is not within a valid top-level domain."),
    N_("The part after the @-sign is not valid. It should have a period."),
    N_("The part after the @-sign is not valid IDNA ({reason})."),
    N_("The part after the @-sign is invalid ({reason})."),
    N_("A period cannot be at the start of the part after the @-sign."),
    N_("A period cannot be at the end of the part after the @-sign."),
    N_("A part after the @-sign cannot start with a hyphen."),
    N_("A part after the @-sign cannot end with a hyphen."),
    N_("After the @-sign, periods cannot be separated by so many characters {reason}."),
    N_("There can't be anything after the email address."),
    N_("There must be something after the @-sign."),
    N_("There must be something before the @-sign."),
)


@cache
def _pattern(template: str) -> re.Pattern[str]:
    pattern = ""
    for literal, name in re.findall(r"((?:[^{]|\{\{)*)(?:\{(\w+)\}|$)", template):
        pattern += re.escape(literal.replace("{{", "{").replace("}}", "}"))
        if name:
            pattern += f"(?P<{name}>.+?)"
    return re.compile(pattern)


def _translate(message: str, templates: tuple[str, ...], fallback: str) -> str:
    for template in templates:
        found = _pattern(template).fullmatch(message)
        if found:
            values: dict[str, Any] = found.groupdict()
            return _(template).format(**values)
    return _(fallback)


_TOML_PLACE = re.compile(
    r"^(?P<message>.*?) \(at (?:line (?P<line>\d+), column \d+|end of document)\)$"
)


def toml_error(exc: Exception, text: str | None = None) -> tuple[int | None, str]:
    """(line, reason) of a tomllib error, the reason in the reader's language."""
    found = _TOML_PLACE.match(str(exc))
    if found is None:
        return None, _(str(exc))
    line = int(found["line"]) if found["line"] else (text.count("\n") + 1 if text else None)
    message = found["message"]
    if message == "Illegal character '\\n'":  # a line break inside a "…" string
        message = "Unterminated string"
    return line, _translate(message, TOML_MESSAGES, N_("not valid TOML"))


def yaml_error(exc: Exception) -> tuple[int | None, str]:
    """(line, reason) of a PyYAML error, the line 1-based within the YAML text.

    An unclosed quote makes PyYAML report the end of the text ("found unexpected end of
    stream"), lines after the mistake: then the line where the quote was opened is the
    one named."""
    problem = str(getattr(exc, "problem", None) or "")
    problem_mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    mark = problem_mark or context_mark
    context = str(getattr(exc, "context", None) or "")
    if problem.startswith("found unexpected end of stream") and context_mark is not None:
        mark = context_mark
        if "quoted scalar" in context:
            return mark.line + 1, _("a quotation mark opened here is never closed")
    line = mark.line + 1 if mark is not None else None
    message = re.sub(r"^'(.*)'$", r"\1", problem.strip())
    return line, _translate(re.sub(r"\s+", " ", message), YAML_MESSAGES, N_("not valid YAML"))


def email_reason(message: str) -> str:
    """email-validator's reason, in the reader's language."""
    return _translate(" ".join(message.split()), EMAIL_MESSAGES, N_("not a valid address"))
