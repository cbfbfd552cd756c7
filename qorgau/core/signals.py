"""Signals through which core asks the apps above it for work it cannot do itself (core imports
no app)."""

from django.dispatch import Signal

# Sent by `qorgau rotate_keys` after every encrypted column is rewritten: an app that keeps
# encrypted files answers with how many it re-encrypted under the first key (rule 5).
files_rotation = Signal()
