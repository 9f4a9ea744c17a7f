from pathlib import Path

from wuxing.config import Settings


def test_defaults():
    s = Settings.from_env({})
    assert s.home == Path(".wuxing")
    assert s.is_default_store
    assert s.store_url.endswith(".wuxing/wuxing.sqlite")
    assert s.pass_mark == 85.0 and s.max_upload_mb == 20.0 and not s.public_view


def test_environment_overrides():
    s = Settings.from_env(
        {
            "WUXING_DB": "postgresql+psycopg://x@h/db",
            "WUXING_PASS_MARK": "80",
            "WUXING_MAX_UPLOAD_MB": "5",
            "WUXING_PUBLIC_VIEW": "1",
            "WUXING_HOME": "/tmp/w",
            "WUXING_READER_MEMORY_MB": "2048",
            "WUXING_READ_TIMEOUT_S": "30",
        }
    )
    assert not s.is_default_store and s.store_url == "postgresql+psycopg://x@h/db"
    assert (s.pass_mark, s.max_upload_mb, s.public_view, s.home) == (80, 5, True, Path("/tmp/w"))
    assert (s.reader_memory_mb, s.read_timeout_s) == (2048, 30)
