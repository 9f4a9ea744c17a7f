"""Settings of the dashboard: one frozen dataclass, defaults here, overrides from WUXING_*."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    """Everything configurable, with its default; see `from_env` for the variable names."""

    #: State folder of the embedded store; git-ignored, so a clone starts clean.
    home: Path = Path(".wuxing")
    #: SQLAlchemy URL of the store; empty means the embedded SQLite file under `home`.
    db_url: str = ""
    #: Score at or above which a star counts as 达标 in a quarter (百分目标动态管理).
    pass_mark: float = 85.0
    #: Uploads larger than this are refused before a byte is parsed.
    max_upload_mb: float = 20.0
    #: Refuse zip containers that would inflate beyond this (zip-bomb guard).
    max_uncompressed_mb: float = 400.0
    #: Cells (rows × columns of each sheet's grid, all sheets and files of one upload) one upload
    #: may hold: a province's quarter is ~3 million; a million-row CSV would take minutes and GBs.
    max_cells: int = 5_000_000
    #: Address space of the worker process that parses one workbook (reading/isolated_reader.py).
    reader_memory_mb: float = 1024.0
    #: A workbook its worker has not read after this long is refused.
    read_timeout_s: float = 120.0
    #: Anyone may browse without logging in (writes still need an account).
    public_view: bool = False
    #: Password checks (argon2id: 64 MiB and a core each) one app process runs at once; more
    #: logins wait their turn.
    login_hash_slots: int = 2
    #: A signed-in session that is not used for this long ends (its next page load asks for the
    #: login again). Logout, a password change and disabling the account end it at once.
    session_idle_hours: float = 8.0
    #: Collective-income band edges in 万元, as local reports talk (<5, 5–10, 10–20, ≥20).
    income_bands: tuple[float, ...] = (5.0, 10.0, 20.0)
    #: Title of the 季度通报; `{地区}` and `{季度}` are filled in. Empty: the usual
    #: `{地区}{季度}“五星”支部创建工作通报` (马庄桥镇2023年第四季度“五星”支部创建工作通报).
    briefing_title: str = ""
    #: 发文单位 at the foot of the 通报. Empty: the area's name + 党委 (马庄桥镇党委).
    briefing_issuer: str = ""
    #: 日期 at the foot of the 通报, as written there (2024年1月15日). Empty: the day it is written,
    #: Beijing time.
    briefing_date: str = ""

    def for_large_file(self, max_mb: float) -> Settings:
        """These settings with the upload limits raised for a file of up to `max_mb` MB, for an
        operator importing a county's or province's workbook from the command line: the inflated
        size, cell count and parser memory grow in proportion; never below the defaults."""
        factor = max(1.0, max_mb / self.max_upload_mb)
        return dataclasses.replace(
            self,
            max_upload_mb=max(max_mb, self.max_upload_mb),
            max_uncompressed_mb=self.max_uncompressed_mb * factor,
            max_cells=int(self.max_cells * factor),
            reader_memory_mb=self.reader_memory_mb * factor,
        )

    @property
    def is_default_store(self) -> bool:
        """True when no database was named, so the embedded store may be seeded with sample data."""
        return not self.db_url

    @property
    def session_idle(self) -> timedelta:
        """`session_idle_hours` as a duration."""
        return timedelta(hours=self.session_idle_hours)

    @property
    def store_url(self) -> str:
        """The SQLAlchemy URL the store connects to."""
        return self.db_url or f"sqlite:///{(self.home / 'wuxing.sqlite').resolve()}"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read WUXING_HOME, _DB, _PASS_MARK, _MAX_UPLOAD_MB, _MAX_UNCOMPRESSED_MB, _MAX_CELLS,
        _READER_MEMORY_MB, _READ_TIMEOUT_S, _PUBLIC_VIEW, _LOGIN_HASH_SLOTS, _SESSION_IDLE_HOURS,
        _BRIEFING_TITLE, _BRIEFING_ISSUER, _BRIEFING_DATE."""
        env = os.environ if environ is None else environ
        default = cls()
        return cls(
            home=Path(env.get("WUXING_HOME", str(default.home))),
            db_url=env.get("WUXING_DB", default.db_url).strip(),
            pass_mark=float(env.get("WUXING_PASS_MARK", default.pass_mark)),
            max_upload_mb=float(env.get("WUXING_MAX_UPLOAD_MB", default.max_upload_mb)),
            max_uncompressed_mb=float(
                env.get("WUXING_MAX_UNCOMPRESSED_MB", default.max_uncompressed_mb)
            ),
            max_cells=int(env.get("WUXING_MAX_CELLS", default.max_cells)),
            reader_memory_mb=float(env.get("WUXING_READER_MEMORY_MB", default.reader_memory_mb)),
            read_timeout_s=float(env.get("WUXING_READ_TIMEOUT_S", default.read_timeout_s)),
            public_view=env.get("WUXING_PUBLIC_VIEW", "0").strip().lower() in {"1", "true", "yes"},
            login_hash_slots=max(
                1, int(env.get("WUXING_LOGIN_HASH_SLOTS", default.login_hash_slots))
            ),
            session_idle_hours=float(
                env.get("WUXING_SESSION_IDLE_HOURS", default.session_idle_hours)
            ),
            briefing_title=env.get("WUXING_BRIEFING_TITLE", default.briefing_title).strip(),
            briefing_issuer=env.get("WUXING_BRIEFING_ISSUER", default.briefing_issuer).strip(),
            briefing_date=env.get("WUXING_BRIEFING_DATE", default.briefing_date).strip(),
        )
