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
        # `python -m isamail` runs the CLI; `isamail serve` starts the web app
        assert users <= {"isamail.__main__", "isamail.cli.serve"}, (front, users)


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
        if "os.environ" in path.read_text(encoding="utf-8"):
            readers.add(path.relative_to(PACKAGE).as_posix())
    assert readers == {"config.py"}


def test_the_send_path_loads_no_renderer() -> None:
    """`isamail send` composes the issue in a forked child while the parent imports the
    queue and the sender (compose/background.py): the parent must not pay for Jinja2,
    markdown-it and premailer as well."""
    import subprocess
    import sys

    code = (
        "import sys, isamail.cli.send, isamail.send, isamail.sender, isamail.queue\n"
        "print(sorted(m for m in ('jinja2', 'markdown_it', 'premailer', 'isamail.compose.render')"
        " if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert loaded.strip() == "[]"
