"""The `isamail` command line: thin Typer front end over the library.

Every command opens the project, calls one library function and prints the
result. Errors are turned into one line in exactly one place (``IsamailGroup``:
``invoke`` for the commands' errors, ``main`` for Click's usage errors); tracebacks
only with ``--debug``. Everything is said in the reader's language (isamail.i18n),
chosen before Click parses anything.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import click
import typer

import isamail
from isamail import i18n
from isamail.cli import output
from isamail.cli.groups import CommandGroup, translate_command, usage_hint
from isamail.cli.state import State
from isamail.config import terminal_preferences_for
from isamail.errors import ExitCode, IsamailError
from isamail.i18n import _


def _choose_language(args: Sequence[str]) -> None:
    """The language of everything said from here on: ISAMAIL_LANG, else the project's
    [terminal] language (the project named by --project, ISAMAIL_PROJECT or the current
    folder), else German."""
    i18n.activate(*terminal_preferences_for(args))


_choose_language(sys.argv[1:])


class IsamailGroup(CommandGroup):
    """The one error boundary of the command line."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        argv = sys.argv[1:] if args is None else list(args)
        _choose_language(argv)
        translate_command(self)
        try:
            result = super().main(argv, prog_name, complete_var, standalone_mode=False, **extra)
            status = result if isinstance(result, int) else 0
        except click.exceptions.NoArgsIsHelpError as exc:
            # a group called alone: its help is the answer (Typer has printed it already)
            if exc.message.strip():
                output.say(exc.message)
            status = exc.exit_code
        except click.ClickException as exc:
            # Click's usage errors, one line like every other error (Typer would draw a box)
            output.fail(exc.format_message(), usage_hint(exc))
            status = exc.exit_code
        except click.Abort:
            output.fail(_("Abgebrochen."))
            status = ExitCode.USER_ERROR
        if standalone_mode:
            sys.exit(status)
        return status

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except IsamailError as exc:
            output.fail(exc.message, exc.hint)
            for problem in getattr(exc, "problems", []):
                output.say(f"  {problem}")
            raise typer.Exit(exc.exit_code) from None
        except (click.exceptions.Exit, click.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            output.fail(_("Abgebrochen."))
            raise typer.Exit(130) from None
        except BrokenPipeError:
            # The reader of stdout has gone (`isamail subscribers export | head`): it has
            # what it wanted. No message; what is still buffered goes nowhere.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(ExitCode.OUTPUT_CLOSED) from None
        except Exception as exc:
            if _is_database_error(exc):
                output.fail(_("Datenbankfehler: {reason}").format(reason=getattr(exc, "orig", exc)))
                raise typer.Exit(ExitCode.USER_ERROR) from None
            if isinstance(ctx.obj, State) and ctx.obj.debug:
                raise
            output.fail(
                _("interner Fehler in isamail ({kind}: {error}).").format(
                    kind=type(exc).__name__, error=exc
                ),
                _("Das ist ein Fehler im Programm; mit --debug erscheint die Ablaufverfolgung."),
            )
            raise typer.Exit(ExitCode.BUG) from None


def _is_database_error(exc: Exception) -> bool:
    """A database that went away or is locked: the user's to fix, not a bug. Checked
    without importing SQLAlchemy, which commands like --help never need."""
    sqlalchemy_exc = sys.modules.get("sqlalchemy.exc")
    return sqlalchemy_exc is not None and isinstance(exc, sqlalchemy_exc.OperationalError)


app = typer.Typer(
    cls=IsamailGroup,
    name="isamail",
    help="Der ISA-Newsletter: Listen, Double-Opt-in, Ausgaben und Versand.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals would show SMTP passwords
    add_completion=True,
)


def _version(value: bool) -> None:
    if value:
        output.line(f"isamail {isamail.__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    project: Annotated[
        Path,
        typer.Option(
            "--project",
            "-p",
            envvar="ISAMAIL_PROJECT",
            file_okay=False,
            help="Projektordner (Voreinstellung: der aktuelle Ordner).",
        ),
    ] = Path("."),
    debug: Annotated[
        bool, typer.Option("--debug", help="Bei Fehlern die Ablaufverfolgung zeigen.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Version zeigen."),
    ] = False,
) -> None:
    ctx.obj = State(project_dir=project, debug=debug)
    ctx.call_on_close(ctx.obj.close)


def _register() -> None:
    from isamail.cli import bounces, lists, project, report, send, subscribers

    project.register(app)
    app.add_typer(lists.app, name="lists")
    app.add_typer(subscribers.app, name="subscribers")
    from isamail.cli import issue

    app.add_typer(issue.app, name="issue")
    app.command("send")(send.send)
    app.command("report")(report.report)
    app.add_typer(bounces.app, name="bounces")
    from isamail.cli import archive

    app.add_typer(archive.app, name="archive")
    from isamail.cli import serve

    serve.register(app)
    from isamail.cli import worker

    worker.register(app)
    from isamail.cli import doctor

    doctor.register(app)


_register()


def main() -> None:
    app(prog_name="isamail")


if __name__ == "__main__":  # pragma: no cover
    main()
