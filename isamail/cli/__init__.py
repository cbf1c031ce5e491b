"""The `isamail` command line: thin Typer front end over the library.

Every command opens the project, calls one library function and prints the
result. Errors are turned into one line in exactly one place
(``IsamailGroup.invoke``); tracebacks only with ``--debug``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup
from typer.exceptions import TyperException

import isamail
from isamail.cli import output
from isamail.cli.state import State
from isamail.errors import ExitCode, IsamailError


class IsamailGroup(TyperGroup):
    """The one error boundary of the command line."""

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except IsamailError as exc:
            output.fail(exc.message, exc.hint)
            for problem in getattr(exc, "problems", []):
                output.say(f"  {problem}")
            raise typer.Exit(exc.exit_code) from None
        except (typer.Exit, typer.Abort, TyperException):
            raise
        except KeyboardInterrupt:
            output.fail("abgebrochen.")
            raise typer.Exit(130) from None
        except BrokenPipeError:
            # The reader of stdout has gone (`isamail subscribers export | head`): it has
            # what it wanted. No message; what is still buffered goes nowhere.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(ExitCode.OUTPUT_CLOSED) from None
        except Exception as exc:
            if _is_database_error(exc):
                output.fail(f"Datenbankfehler: {getattr(exc, 'orig', exc)}")
                raise typer.Exit(ExitCode.USER_ERROR) from None
            if isinstance(ctx.obj, State) and ctx.obj.debug:
                raise
            output.fail(
                f"interner Fehler in isamail ({type(exc).__name__}: {exc}).",
                "Das ist ein Fehler im Programm; mit --debug erscheint die Ablaufverfolgung.",
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
        typer.echo(f"isamail {isamail.__version__}")
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
