"""Qorgau: the platform of Kazakhstan's 111 contact centre (see ../shared/RULES.md)."""
