"""The benchmark floor stays out of the product: production settings install no bench app,
route no bench URL and keep no floor table; bench.settings, which the benchmarks run their
servers with, installs the floor app and routes its endpoint next to the product's."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve

PROJECT_DIR = Path(__file__).resolve().parent.parent
FLOOR_PATH = "/api/v1/bench/floor"


def _routes(patterns: list[URLPattern | URLResolver], prefix: str = "") -> list[str]:
    found: list[str] = []
    for p in patterns:
        route = prefix + str(p.pattern)
        found.append(route)
        if isinstance(p, URLResolver):
            found += _routes(p.url_patterns, route)
    return found


def test_product_installs_no_bench_app() -> None:
    assert not [app for app in settings.INSTALLED_APPS if app.split(".")[0] == "bench"]
    assert not [c for c in apps.get_app_configs() if c.name.split(".")[0] == "bench"]
    assert settings.ROOT_URLCONF == "qorgau.urls"


def test_product_routes_no_bench_url() -> None:
    routes = _routes(get_resolver().url_patterns)
    assert "api/v1/appeals" in routes  # the walk reaches the API's routes
    assert not [r for r in routes if "bench" in r]
    with pytest.raises(Resolver404):
        resolve(FLOOR_PATH)


@pytest.mark.django_db
def test_migrated_product_database_has_no_floor_table() -> None:
    tables = connection.introspection.table_names()
    assert "appeals_appeal" in tables
    assert not [t for t in tables if "floorrow" in t]


BENCH_PROBE = """
import json
import django
django.setup()
from django.apps import apps
from django.conf import settings
from django.urls import resolve
floor = resolve("/api/v1/bench/floor")
print(json.dumps({
    "installed": "bench.floor" in settings.INSTALLED_APPS,
    "label": apps.get_app_config("bench_floor").name,
    "floor": [floor.namespace, floor.url_name],
    "appeals": resolve("/api/v1/appeals").namespace,
}))
"""


def test_bench_settings_install_and_route_the_floor() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "PYTHONPATH": str(PROJECT_DIR)}
    done = subprocess.run(
        [sys.executable, "-c", BENCH_PROBE],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found == {
        "installed": True,
        "label": "bench.floor",
        "floor": ["bench", "floor"],
        "appeals": "api",
    }
