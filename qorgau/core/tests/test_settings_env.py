"""The settings read from the environment: a bad value stops the start with an error naming the
variable (a secret never repeated), and importing them writes nothing to disk. Each case imports
the settings in a fresh interpreter, so the settings of this test run stay as they are."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def _import_settings(**env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "import qorgau.settings"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("QORGAU_SMTP_PORT", "abc", "QORGAU_SMTP_PORT must be a whole number, got 'abc'."),
        ("QORGAU_DEBUG", "true", "QORGAU_DEBUG must be 1 or 0, got 'true'."),
        ("QORGAU_OUTBOX_BACKOFF", "0,soon", "QORGAU_OUTBOX_BACKOFF must be comma-separated"),
        ("QORGAU_LOG_LEVEL", "LOUD", "QORGAU_LOG_LEVEL must be one of DEBUG, INFO, WARNING"),
    ],
)
def test_a_bad_value_stops_the_start_naming_the_variable(name, value, message):
    result = _import_settings(**{name: value})
    assert result.returncode != 0
    assert f"ImproperlyConfigured: {message}" in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DATABASE_URL", "postgres://qorgau:hunter2secret@db:port/qorgau"),
        ("QORGAU_RECORDINGS_STORAGE_OPTIONS", '{"secret_key": "hunter2secret"'),
    ],
)
def test_a_bad_value_that_may_hold_a_secret_is_named_but_not_shown(name, value):
    result = _import_settings(**{name: value})
    assert f"ImproperlyConfigured: {name} must be" in result.stderr
    assert "hunter2secret" not in result.stderr


def test_empty_means_the_default_and_importing_creates_no_directory(tmp_path: Path):
    var_dir = tmp_path / "var"
    result = _import_settings(QORGAU_VAR_DIR=str(var_dir), QORGAU_SMTP_PORT="", QORGAU_TLS="")
    assert result.returncode == 0, result.stderr
    assert not var_dir.exists()
