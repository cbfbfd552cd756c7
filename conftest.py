"""Shared test set-up: secrets come from the qorgau.core.testenv plugin (see pyproject's addopts),
fixtures and personas from qorgau.core.testing."""

pytest_plugins = ["qorgau.core.testing"]
