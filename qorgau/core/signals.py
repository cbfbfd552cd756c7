"""Signals through which core asks the apps above it for work it cannot do itself (core imports
no app)."""

from django.dispatch import Signal

# Sent by `qorgau rotate_keys` after every encrypted column is rewritten: an app that keeps
# encrypted files answers with how many it re-encrypted under the first key (rule 5).
files_rotation = Signal()

# Sent by appeals/actions.py: appeal_merge (and its confirmation page) with `appeal`, the duplicate
# about to be merged: an app that keeps work waiting on an appeal answers with a list of
# translated sentences saying what would be left behind. Any answer refuses the merge
# (docs/architecture/appeals.md, "Merging duplicates").
appeal_merge_blockers = Signal()
