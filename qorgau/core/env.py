"""Reading settings from the environment: a bad value fails at start, naming the variable and
what it should be, instead of surfacing later as a crash far from its cause or being read as a
default. An empty variable counts as unset. Values that may hold a secret (a database URL with
its password, storage options with an access key) are never repeated in the error."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ImproperlyConfigured

T = TypeVar("T")


def env_value(
    name: str, default: T, convert: Callable[[str], T], expected: str, *, secret: bool = False
) -> T:
    """The variable converted, or `default` when it is unset or empty; ImproperlyConfigured
    naming the variable when `convert` raises ValueError."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return convert(raw)
    except ValueError as error:
        got = "" if secret else f", got {raw!r}"
        raise ImproperlyConfigured(f"{name} must be {expected}{got}.") from error


def env_required(name: str) -> str:
    """A variable that must be set (a secret: never shown)."""
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(
            f"{name} is not set. Run `qorgau demo` once to create var/qorgau.env, "
            f"or set {name} in the environment."
        )
    return value


def env_str(name: str, default: str, *, choices: tuple[str, ...] = ()) -> str:
    def convert(raw: str) -> str:
        if choices and raw not in choices:
            raise ValueError(raw)
        return raw

    return env_value(name, default, convert, "one of " + ", ".join(choices) if choices else "text")


def env_int(name: str, default: int) -> int:
    return env_value(name, default, int, "a whole number")


def env_float(name: str, default: float) -> float:
    return env_value(name, default, float, "a number")


def _flag(raw: str) -> bool:
    if raw not in ("0", "1"):
        raise ValueError(raw)
    return raw == "1"


def env_bool(name: str, default: bool) -> bool:
    """1 or 0, nothing else: a "true" or "yes" is refused rather than read as off."""
    return env_value(name, default, _flag, "1 or 0")


def env_list(name: str, default: list[str]) -> list[str]:
    """Comma-separated; spaces around items and empty items dropped."""
    return env_value(name, default, _items, "a comma-separated list")


def env_floats(name: str, default: list[float]) -> list[float]:
    """Comma-separated numbers, at least one."""
    return env_value(
        name, default, lambda raw: [float(item) for item in _items(raw)], "comma-separated numbers"
    )


def env_json_object(name: str, default: dict[str, Any]) -> dict[str, Any]:
    """A JSON object, e.g. a storage backend's options (may hold an access key: never shown)."""
    return env_value(name, default, _json_object, "a JSON object", secret=True)


def _items(raw: str) -> list[str]:
    items = [item.strip() for item in raw.split(",") if item.strip()]
    if not items:
        raise ValueError(raw)
    return items


def _json_object(raw: str) -> dict[str, Any]:
    value = json.loads(raw)  # JSONDecodeError is a ValueError
    if not isinstance(value, dict):
        raise ValueError(raw)
    return value
