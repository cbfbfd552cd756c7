"""The `qorgau` command: Django's management commands with the project's settings, after loading
var/qorgau.env. `qorgau demo` creates that file (with fresh random keys) the first time."""

from __future__ import annotations

import base64
import os
import secrets
import sys
from pathlib import Path

VAR_DIR = Path(os.environ.get("QORGAU_VAR_DIR", Path(__file__).resolve().parent.parent / "var"))
ENV_FILE = VAR_DIR / "qorgau.env"


def load_env_file(path: Path = ENV_FILE) -> None:
    """Set variables from KEY=VALUE lines; the real environment wins."""
    if not path.exists():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        key, sep, value = line.partition("=")
        if sep and not key.startswith("#"):
            os.environ.setdefault(key.strip(), value.strip())


def write_demo_env_file(path: Path = ENV_FILE) -> None:
    """Fresh secrets for a local demo, kept out of git (var/ is ignored)."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    field_key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    path.write_text(
        "# Written by `qorgau demo`: secrets for this machine only. Never commit.\n"
        f"DJANGO_SECRET_KEY={secrets.token_urlsafe(48)}\n"
        f"QORGAU_FIELD_KEYS={field_key}\n"
        f"QORGAU_BLIND_INDEX_KEY={secrets.token_urlsafe(32)}\n",
        encoding="utf-8",
    )
    path.chmod(0o600)


def command_name(typed: str) -> str:
    """The Django command behind a name as the docs spell it (`qorgau simulate-calls`)."""
    return typed if typed.startswith("-") else typed.replace("-", "_")


def main() -> None:
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # the default SQLite database lives here
    if len(sys.argv) > 1 and sys.argv[1] == "demo":
        write_demo_env_file()
    load_env_file()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qorgau.settings")
    from django.core.management import execute_from_command_line

    if len(sys.argv) > 1:
        sys.argv[1] = command_name(sys.argv[1])
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
