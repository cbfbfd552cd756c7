"""The only way views and the API fetch case-work items: out of scope answers 404."""
