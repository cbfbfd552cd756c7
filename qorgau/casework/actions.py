"""Every state change of case work: one keyword-only function per change, audited last."""
