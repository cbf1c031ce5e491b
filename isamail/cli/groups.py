"""The Click side of the command line: command groups that answer in the reader's
language, and the one place that turns Click's usage errors into one line."""

from __future__ import annotations

from difflib import get_close_matches
from typing import Any

import click
from typer.core import TyperGroup

from isamail.i18n import N_, _

# Metavars, which Click takes from the type's English name ("TEXT", "INTEGER"): by the
# argument's name where it says more, else by the type.
_ARGUMENT_METAVARS = {
    "issue": N_("AUSGABE"),
    "file": N_("DATEI"),
    "directory": N_("ORDNER"),
    "email": N_("E-MAIL"),
    "name": N_("NAME"),
}


def _type_metavar(kind: click.ParamType) -> str:
    if isinstance(kind, click.Path):
        if not kind.file_okay:
            return N_("ORDNER")
        return N_("DATEI") if not kind.dir_okay else N_("PFAD")
    if isinstance(kind, click.types.IntParamType | click.types.FloatParamType):
        return N_("ZAHL")
    return N_("TEXT")


class CommandGroup(TyperGroup):
    """A group whose "no such command" suggests in the reader's language."""

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        try:
            # Click's own lookup: Typer's would add an English "Did you mean …?"
            return click.Group.resolve_command(self, ctx, args)
        except click.UsageError as exc:
            matches = get_close_matches(args[0], self.list_commands(ctx), n=1) if args else []
            if matches:
                exc.message = exc.message + " " + _("Meinten Sie „{name}“?").format(name=matches[0])
            raise


def translate_command(command: click.Command) -> None:
    """The help texts and metavars of ``command`` and every command under it in the
    reader's language. isamail's help texts are German in the code (docstrings and
    ``help=``); they are looked up here, each time from the German original."""
    _translate_help(command)
    command.options_metavar = _("[OPTIONEN]")
    if isinstance(command, click.Group):
        command.subcommand_metavar = _("BEFEHL [ARGUMENTE]...")
    for param in command.params:
        if param.name == "install_completion":
            param.help = N_("Vervollständigung für die aktuelle Shell einrichten.")  # type: ignore[attr-defined]
        elif param.name == "show_completion":
            param.help = N_("Vervollständigung für die aktuelle Shell zeigen (zum Anpassen).")  # type: ignore[attr-defined]
        _translate_help(param)
        if getattr(param, "is_flag", False) or isinstance(param.type, click.Choice):
            continue
        if param.metavar is None or getattr(param, "_isamail_metavar", False):
            if isinstance(param, click.Argument) and param.name in _ARGUMENT_METAVARS:
                german = _ARGUMENT_METAVARS[param.name]
            else:
                german = _type_metavar(param.type)
            param.metavar = _(german)
            param._isamail_metavar = True  # type: ignore[attr-defined]
    for sub in getattr(command, "commands", {}).values():
        translate_command(sub)


def _translate_help(item: click.Command | click.Parameter) -> None:
    original = getattr(item, "_isamail_help", None)
    if original is None:
        original = getattr(item, "help", None) or ""
        item._isamail_help = original  # type: ignore[union-attr]
    if original:
        item.help = _unwrapped(_(original))  # type: ignore[union-attr]


def _unwrapped(text: str) -> str:
    """``text`` with each paragraph on one line: a docstring's line breaks are where the
    source wraps, and Typer's help would keep them after its own wrapping (a ragged
    column). Paragraphs that set lines apart (lists, indented examples) stay as written."""
    paragraphs = []
    for paragraph in text.split("\n\n"):
        lines = paragraph.split("\n")
        if any(line.startswith((" ", "-", "*", "•", "\b")) for line in lines[1:]):
            paragraphs.append(paragraph)
        else:
            paragraphs.append(" ".join(line.strip() for line in lines))
    return "\n\n".join(paragraphs)


def usage_hint(exc: click.ClickException) -> str | None:
    ctx: Any = getattr(exc, "ctx", None)
    if ctx is None:
        return None
    return _("Hilfe: {command} --help").format(command=ctx.command_path)
