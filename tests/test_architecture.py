"""The shape of the code, checked by walking its imports (architecture.md's rules)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "isamail"


def modules() -> dict[str, set[str]]:
    """module name -> the modules it imports (absolute names)."""
    found: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        name = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        imports: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imports |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                imports.add(node.module)
                imports |= {f"{node.module}.{alias.name}" for alias in node.names}
        found[name.removesuffix(".__init__")] = imports
    return found


def importers_of(prefix: str) -> set[str]:
    return {
        name
        for name, imports in modules().items()
        if any(i == prefix or i.startswith(prefix + ".") for i in imports)
    }


def test_front_ends_are_imported_by_no_library_module() -> None:
    for front in ("isamail.cli", "isamail.web"):
        users = {m for m in importers_of(front) if not m.startswith(front)}
        # `python -m isamail` and the console script run the CLI; `isamail serve` starts
        # the web app
        allowed = {"isamail.__main__", "isamail.console", "isamail.cli.serve"}
        assert users <= allowed, (front, users)


def test_cli_and_web_do_not_import_each_other() -> None:
    assert not {m for m in importers_of("isamail.web") if m.startswith("isamail.cli")} - {
        "isamail.cli.serve"  # `isamail serve` starts the web app: its only link
    }
    assert not {m for m in importers_of("isamail.cli") if m.startswith("isamail.web")}


def test_only_the_smtp_transport_speaks_smtp() -> None:
    assert importers_of("smtplib") == {"isamail.transport.smtp"}


def test_issues_and_compose_never_touch_the_database() -> None:
    for forbidden in ("sqlalchemy", "sqlmodel", "isamail.db"):
        users = {
            m
            for m in importers_of(forbidden)
            if m.startswith(("isamail.issues", "isamail.compose"))
        }
        assert users == set(), (forbidden, users)


def test_configuration_is_read_in_one_place() -> None:
    # issue.toml is an issue's source, not configuration: the issue parser reads it
    assert importers_of("tomllib") == {"isamail.config", "isamail.issues.parse"}
    readers = set()
    for path in PACKAGE.rglob("*.py"):
        # isamail.i18n sets LANGUAGE for gettext (a write, the one switch Click reads)
        text = path.read_text(encoding="utf-8").replace('os.environ["LANGUAGE"] = ', "")
        if "os.environ" in text:
            readers.add(path.relative_to(PACKAGE).as_posix())
    assert readers == {"config.py"}


def test_only_the_sending_package_talks_to_the_transport() -> None:
    """Every mail leaves through the engine (sending/); the doctor (deliverability/) may
    greet the relay to see what it offers, and sends nothing."""
    users = {m for m in importers_of("isamail.transport") if not m.startswith("isamail.transport")}
    assert {m.split(".")[1] for m in users} <= {"sending", "deliverability"}, users
    assert "isamail.sending.engine" in users


def test_the_send_pipeline_is_one_package_of_stages() -> None:
    stages = {"plan", "editions", "deliveries", "addressing", "gate", "journal", "engine"}
    found = {path.stem for path in (PACKAGE / "sending").glob("*.py")}
    assert stages | {"transactional"} <= found
    docstring = ast.get_docstring(ast.parse((PACKAGE / "sending" / "__init__.py").read_text()))
    assert docstring is not None
    assert all(stage in docstring for stage in stages)


def test_no_module_shadows_the_standard_library() -> None:
    import sys

    for path in PACKAGE.rglob("*.py"):
        if "migrations" not in path.parts:
            assert path.stem not in sys.stdlib_module_names, path


def test_no_class_shares_a_table_s_name() -> None:
    tables = set()
    models = ast.parse((PACKAGE / "db" / "models.py").read_text(encoding="utf-8"))
    for node in models.body:
        if isinstance(node, ast.ClassDef) and any(
            isinstance(k, ast.keyword) and k.arg == "table" for k in node.keywords
        ):
            tables.add(node.name)
    assert {"Delivery", "Edition", "SendRun", "OutgoingMail"} <= tables
    for path in PACKAGE.rglob("*.py"):
        if path.name == "models.py" or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                assert node.name not in tables, (path, node.name)


def test_no_private_api_of_typer_or_click_and_no_process_tricks() -> None:
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for forbidden in ("typer._click", "os._exit", "_run_exitfuncs", "os.fork", "mmap"):
            assert forbidden not in text, (path, forbidden)


def test_the_command_line_prints_through_its_output_module() -> None:
    """Tables, prompts and messages follow one set of rules (isamail/cli/output.py): a
    table printed straight to a rich console would wrap in a pipe, a Typer prompt would
    answer "j" in English, a bare print would miss the markup and control-character
    rules."""
    offenders = []
    for path in sorted((PACKAGE / "cli").glob("*.py")):
        if path.name == "output.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            call = ast.unparse(node.func)
            if (
                call == "print"
                or call in ("typer.echo", "typer.confirm", "typer.prompt", "typer.secho")
                or call.startswith(("click.echo", "click.confirm", "click.prompt"))
                or call in ("output.out.print", "output.err.print", "output.out.log")
            ):
                offenders.append(f"{path.name}:{node.lineno}: {call}")
    assert offenders == []
