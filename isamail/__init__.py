"""isamail: the newsletter tool of the Chinesisch-Deutsche Industriestädteallianz (ISA)."""

from typing import Any


def __getattr__(name: str) -> Any:
    # looked up on demand: importlib.metadata scans the installed packages, which every
    # command would otherwise pay for at start-up
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("isamail")
        except PackageNotFoundError:  # a source tree that was never installed
            return "0.0.0+source"
    raise AttributeError(name)
