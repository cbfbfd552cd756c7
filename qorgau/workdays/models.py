"""Models of the working calendar (filled in by the workdays work)."""
