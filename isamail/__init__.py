"""isamail: the newsletter tool of the Chinesisch-Deutsche Industriestädteallianz (ISA)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("isamail")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
