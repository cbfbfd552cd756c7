"""The triage assistant: the labelled texts, the models trained from them, and the detectors of
urgency and personal data that the rest of Qorgau uses (rules 5, 6(j), 10, 15)."""
