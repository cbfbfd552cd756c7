"""What the browser tests share: the marks that make a test a live-database Chromium test, the
flags Debian's Chromium needs on a closed network, and signing in through the form. The
`browser` fixture is in tests/conftest.py."""

from __future__ import annotations

import os
from typing import Any

import pytest

BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    # CI installs Debian's chromium (.ci/run), so there a missing browser fails the test
    pytest.mark.skipif(
        not os.path.exists("/usr/bin/chromium") and not os.environ.get("CI"),
        reason="Debian's chromium is not installed",
    ),
]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def sign_in(page: Any, base_url: str, username: str, landing: str) -> None:
    """Sign in through the log-in form (test users' password is "pw-" + username)."""
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", f"pw-{username}")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/{landing}/")
