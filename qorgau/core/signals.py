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

# Sent by conversations/views.py (the reply box of a written appeal) with `user`, `text` and
# `lang`: the knowledge base (a sibling layer, so neither imports the other) answers with a list
# of (key, title) of the published articles found, best first (knowledge/hooks.py).
reply_article_search = Signal()

# Sent by conversations/views.py with `user`, `key` and `lang`: the knowledge base answers with
# the text of that article to put in the reply box — its pair in `lang` when it has one — or
# None when the user may not read it (knowledge/hooks.py).
reply_article_text = Signal()
