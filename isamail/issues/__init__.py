"""Monthly issues: the source format (a folder of Markdown sections) read and checked.

No database here, so an issue can be checked and previewed anywhere.
"""

from isamail.issues.model import Issue, Section
from isamail.issues.parse import (
    check_issue,
    load_issue,
    resolve_issue,
    scaffold_issue,
    source_hash,
)

__all__ = [
    "Issue",
    "Section",
    "check_issue",
    "load_issue",
    "resolve_issue",
    "scaffold_issue",
    "source_hash",
]
