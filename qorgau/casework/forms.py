"""Forms of case work, validated in the user's language."""
