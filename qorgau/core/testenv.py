"""Pytest plugin loaded with `-p` before Django starts: fresh random secrets for every test run,
so no key is ever committed or shared between runs."""

from __future__ import annotations

import base64
import os
import secrets

os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(48))
os.environ.setdefault(
    "QORGAU_FIELD_KEYS", base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
)
os.environ.setdefault("QORGAU_BLIND_INDEX_KEY", secrets.token_urlsafe(32))
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API in tests
os.environ.setdefault("QORGAU_FAST_PASSWORD_HASHER", "1")

# CI runs the same generated examples every time (a red CI must mean a change broke something);
# locally Hypothesis keeps exploring new ones.
if os.environ.get("CI"):
    from hypothesis import settings as hypothesis_settings

    hypothesis_settings.register_profile("ci", derandomize=True, database=None)
    hypothesis_settings.load_profile("ci")
