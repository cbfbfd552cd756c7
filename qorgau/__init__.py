"""Qorgau: the platform of Kazakhstan's 111 contact centre (see docs/rules.md)."""
