"""Shared test set-up: secrets come from the qorgau.core.testenv plugin (see pyproject's addopts),
fixtures and personas from qorgau.testing."""

pytest_plugins = ["qorgau.testing"]
