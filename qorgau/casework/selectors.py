"""Lists of case-work items, already filtered by what the user may see."""
