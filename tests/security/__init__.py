"""Attack-style tests: the security checklist of the product (rules 5, 6(l), 6(p), 15)."""
