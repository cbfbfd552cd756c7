"""Staff pages and htmx panels of case work: parse, access, act, render."""
