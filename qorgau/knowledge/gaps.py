"""The log of searches that found nothing (SearchGap), read by quality officers and editors, who
may not see personal data (rule 5): IINs, phones, e-mails and names are masked before a query is
stored.

Names: until a real name detector exists, a capitalised, name-like word ("Айгерім",
"Сәрсеноваға", "Марии", "Aigul") — Cyrillic or Latin, a capital then lower-case letters — is
taken for a name unless the knowledge base knows it: one of its index terms (analysis.py) is in
the vocabulary (SearchTerm) or in the thesaurus. Terms shorter than MIN_KNOWN_STEM count only
when they are the whole word, so a name whose stem happens to be a short index term ("Мария" →
"мар") is still masked. The words found are handed to the shared masking (triage/masking.py)
as known names, which also masks their other case forms and lower-case repeats and joins a first
name and a surname into one placeholder. Not found: names typed all in lower case, and
capitalised ordinary words the knowledge base does not know are masked too (over-masking is the
safe side).
"""

from __future__ import annotations

import re

from qorgau.knowledge.analysis import FOLD, query_lang, thesaurus_expansions, word_terms
from qorgau.knowledge.models import SearchGap, SearchTerm

LANGUAGES = ("kk", "ru", "en")  # what a search may name as the consultant's language
MIN_KNOWN_STEM = 4
NAME_LIKE = re.compile(r"(?<![\w])[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ][a-zа-яёәғқңөұүһі]+(?![\w])")


def _terms(word: str, lang: str) -> frozenset[str]:
    """The index terms of a word that can tell it is a known word (see MIN_KNOWN_STEM)."""
    whole = word.replace("ё", "е").translate(FOLD)
    return frozenset(
        t for t in word_terms(word, lang) | {whole} if len(t) >= MIN_KNOWN_STEM or t == whole
    )


def name_like_words(text: str) -> list[str]:
    """Capitalised words of `text` that the knowledge base's vocabulary does not know."""
    lang = query_lang(text)
    candidates = {m.group(): _terms(m.group().lower(), lang) for m in NAME_LIKE.finditer(text)}
    if not candidates:
        return []
    every = frozenset().union(*candidates.values())
    vocabulary = set(SearchTerm.objects.filter(term__in=every).values_list("term", flat=True))
    return [
        word
        for word, terms in candidates.items()
        if not (terms & vocabulary or thesaurus_expansions(terms))
    ]


def mask_query(text: str) -> str:
    """The query as it may be shown to staff without personal-data rights."""
    from qorgau.triage.masking import mask_text  # the masking of requests to agencies (rule 15)

    return mask_text(text, known_names=name_like_words(text)).text


def gap_record(text: str, lang: str) -> None:
    """Keep a search that found nothing, masked; a language other than LANGUAGES is not kept."""
    SearchGap.objects.create(
        query=mask_query(text)[:300],
        lang=lang if lang in LANGUAGES else "",
    )
