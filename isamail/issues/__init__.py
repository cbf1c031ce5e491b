"""Monthly issues: the source format (a folder of Markdown sections) read and checked.

No database here, so an issue can be checked and previewed anywhere.
"""

from isamail.issues.model import ERROR, WARNING, Issue, Problem, Section
from isamail.issues.parse import (
    archive_wanted,
    check_issue,
    draft_issue,
    load_issue,
    read_issue,
    resolve_issue,
    scaffold_issue,
    source_hash,
)

__all__ = [
    "ERROR",
    "WARNING",
    "Issue",
    "Problem",
    "Section",
    "archive_wanted",
    "check_issue",
    "draft_issue",
    "load_issue",
    "read_issue",
    "resolve_issue",
    "scaffold_issue",
    "source_hash",
]
