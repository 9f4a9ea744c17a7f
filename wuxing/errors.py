"""Every exception `wuxing` raises on purpose, and the `Problem` record an import reports."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One finding about an uploaded file, placed as precisely as it can be (sheet, row, cell)."""

    code: str
    message: str
    severity: Severity = "error"
    file: str = ""
    sheet: str = ""
    row: int | None = None
    column: str = ""
    cell: str = ""
    #: For a cell read as something else: the text as written and what was stored.
    original: str = ""
    stored: str = ""

    @property
    def is_error(self) -> bool:
        """Errors block the file; warnings do not."""
        return self.severity == "error"

    @property
    def place(self) -> str:
        """Where, in the words of the report: `指标!C7`, a sheet, or the file."""
        if self.cell:
            return f"{self.sheet}!{self.cell}" if self.sheet else self.cell
        if self.sheet and self.row:
            return f"{self.sheet} 第{self.row}行"
        return self.sheet or self.file

    def as_dict(self) -> dict[str, object]:
        """Plain dict for JSON output and tables."""
        return asdict(self)


class WuxingError(Exception):
    """Base of every deliberate error; its message is Chinese and meant for users."""


class ImportRejected(WuxingError):
    """An upload had errors: nothing was written. Carries all problems of the file."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        errors = [p for p in problems if p.is_error]
        first = errors[0].message if errors else "文件有错误"
        super().__init__(f"文件未导入：共 {len(errors)} 处错误。{first}")


class StoreError(WuxingError):
    """The store refused an operation (unknown revision, conflicting write …)."""


class ConflictError(StoreError):
    """Another writer changed the same cells at the same time; retry after reloading."""


class PermissionDenied(WuxingError):
    """The user's role does not allow this operation."""


class AuthError(WuxingError):
    """Login failed or is temporarily locked."""


class StoreUnavailable(StoreError):
    """The database cannot be used (server down, unknown host, wrong password …); see
    `wuxing.storage.connection`."""
