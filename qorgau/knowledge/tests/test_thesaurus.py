"""The thesaurus file (knowledge/data/thesaurus.txt) keeps the rules its header states and the
search relies on: an editor's slip there would silently widen or break every search."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from qorgau.knowledge.analysis import (
    _entry_lang,
    _kazakh_dictionary,
    thesaurus_groups,
    word_terms,
    words,
)

# Terms that single words of two groups share today, each for a reason the search accepts:
# Kazakh letters fold to Russian look-alikes, and Hunspell gives a few words a short stem.
KNOWN_SHARED_TERMS = {
    "согу": "сөгу, сөгеді (to scold) fold to соғу (to beat)",
    "кыз": "Hunspell stems қызғану, қызғанады (to be jealous) to қыз (girl)",
    "кор": "Hunspell stems both қорқамын (I am afraid) and қорғаншылық (guardianship) to қор",
    "бил": "Hunspell's stem of білім (education) folds to бил (Russian: beat)",
    "мас": "мәс (the Kazakh abbreviation of the disability assessment) folds to мас (drunk)",
}


def entries() -> list[str]:
    return [entry for group in thesaurus_groups() for entry in group]


def folded(entry: str) -> str:
    """An entry as the search sees it: ё is е (words() folds it)."""
    return entry.replace("ё", "е")


def test_the_file_has_groups_of_at_least_two_entries():
    groups = thesaurus_groups()
    assert len(groups) > 100
    assert [g for g in groups if len(g) < 2] == []
    assert [e for e in entries() if not e] == []


def test_entries_are_lowercase_words_as_the_tokenizer_reads_them():
    """Lowercase letters or digits, words joined by one space or a hyphen: nothing that words()
    would drop, split differently, or lower-case (so the file's text is what is searched)."""
    assert [e for e in entries() if e != e.lower()] == []
    as_read = [e for e in entries() if re.sub("[ -]", " ", folded(e)) != " ".join(words(e))]
    assert as_read == []


def test_no_entry_twice_in_a_group_or_in_two_groups():
    where = defaultdict(list)
    for number, group in enumerate(thesaurus_groups()):
        for entry in group:
            where[folded(entry)].append(number)
    assert {entry: groups for entry, groups in where.items() if len(groups) > 1} == {}


def test_every_group_has_a_single_word_and_every_phrase_a_word_of_three_letters():
    """A phrase brings in only its group's single words, and its words of under 3 letters are
    ignored: a phrase of short words alone would match every query."""
    groups = thesaurus_groups()
    assert [g for g in groups if all(len(words(e)) > 1 for e in g)] == []
    phrases = [e for e in entries() if len(words(e)) > 1]
    assert phrases and [p for p in phrases if all(len(w) < 3 for w in words(p))] == []


def test_a_stem_belongs_to_one_group_only():
    """A single word's index terms name no other group's single word's terms, apart from the
    known cases; a new one would pull a second group into every query with that word."""
    if _kazakh_dictionary() is None:
        pytest.skip("the shared stems are those of Debian's hunspell-kk, which CI installs")
    groups_of = defaultdict(set)
    for number, group in enumerate(thesaurus_groups()):
        for entry in group:
            if len(words(entry)) == 1:
                for term in word_terms(words(entry)[0], _entry_lang(entry)):
                    groups_of[term].add(number)
    shared = {term for term, groups in groups_of.items() if len(groups) > 1}
    assert shared - KNOWN_SHARED_TERMS.keys() == set(), "a stem in two groups"
    assert KNOWN_SHARED_TERMS.keys() - shared == set(), "fixed: drop it from KNOWN_SHARED_TERMS"
