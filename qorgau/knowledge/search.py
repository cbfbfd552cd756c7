"""Knowledge-base search (rule 6(m); decisions 0009 and 0010).

1. The query is analysed (analysis.py): each word's own terms, its thesaurus expansions, and,
   for a word the index has never seen, the nearest index terms by edit distance (typos).
2. Candidates: for each query word, the published articles where its terms weigh most (up to
   CANDIDATES shared among the words, at least MIN_PER_WORD each), read from the impact-ordered
   postings (postings.py), so the cost does not grow with the number of articles that contain
   a common word.
3. The candidates are ranked here, from their postings alone, the same way on both databases:
   for every query word the best of its terms found (own 1.0, typo fix 0.7, thesaurus 0.7 or,
   for the other language, 1.0; ×2 in the title), weighted by how rare the word is among the
   candidates, plus a share of BM25 (as FTS5 computes it; titles weigh more). Articles in the
   consultant's language come first on a tie; the other language's articles are found too.
4. Each result gets a snippet: the body's sentence with most query words, marked up safely.

Searches that find nothing are stored with personal data masked (gaps.py).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from qorgau.knowledge.analysis import (
    EXPANSION_WEIGHT,
    QueryWord,
    analyse_query,
    query_lang,
    word_terms,
    words,
)
from qorgau.knowledge.gaps import gap_record
from qorgau.knowledge.models import Article, ArticleStatus, SearchTerm
from qorgau.knowledge.postings import (
    SATURATION,
    Known,
    best_articles,
    frequency_share,
    impacts_of,
    in_title,
    known_terms,
)
from qorgau.knowledge.render import render_snippet

CANDIDATES = 200  # articles ranked per query, shared among its words
MIN_PER_WORD = 40
TYPO_WEIGHT = 0.7
TITLE_WEIGHT = 2.0
SAME_LANGUAGE_BONUS = 1.1
BM25_WEIGHT = 1.0
MAX_QUERY_CHARS = 500
SENTENCE = re.compile(r"(?:[^.!?\n]|[.!?](?=[^\s.!?]))+[.!?]?")  # a link's dots end no sentence


@dataclass(frozen=True)
class Hit:
    article: Article
    score: float
    snippet: str  # HTML: the sentence's inline Markdown, safe, <mark> around matched words


# --- typo correction ---------------------------------------------------------------------------


@lru_cache(maxsize=1)  # only the newest vocabulary: older versions would pile up
def _vocabulary(version: int) -> tuple[str, ...]:
    """All index terms as of `version` (the highest SearchTerm id): a per-process cache that is
    only ever stale by the terms added since, never wrong."""
    return tuple(SearchTerm.objects.filter(pk__lte=version).values_list("term", flat=True))


def _vocabulary_now() -> tuple[str, ...]:
    return _vocabulary(_latest_term())


@lru_cache(maxsize=1)
def _published(version: int) -> int:
    """Published articles, as of index version `version` (see _vocabulary): for BM25 only, where
    a count stale by a few articles changes nothing."""
    return Article.objects.filter(status=ArticleStatus.PUBLISHED).count()


def _published_now() -> int:
    return _published(_latest_term())


def _latest_term() -> int:
    return SearchTerm.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _corrections(query: list[QueryWord], known: dict[str, Known]) -> dict[str, frozenset[str]]:
    """For query words none of whose terms are indexed (`known`): the nearest indexed terms."""
    vocabulary = None
    fixes = {}
    for word in query:
        if (
            len(word.word) < 4
            or word.word.isdigit()
            or known.keys() & (word.terms | word.expansions)
        ):
            continue
        vocabulary = vocabulary or _vocabulary_now()
        longest = max(sorted(word.terms), key=len)  # sorted: the same choice in every process
        allowed = 1 if len(longest) <= 5 else 2
        found = process.extract(
            longest, vocabulary, scorer=Levenshtein.distance, score_cutoff=allowed, limit=3
        )
        fixes[word.word] = frozenset(term for term, _distance, _index in found)
    return fixes


# --- candidates from the postings --------------------------------------------------------------


def _candidates(
    word_terms: list[frozenset[str]], direction: int | None, known: dict[str, Known]
) -> list[int]:
    """Ids of the articles to rank: for each query word, its best published articles by the
    impact of any of its terms, read from the postings (postings.py). A few hundred index rows
    per term, however many of 100,000 articles contain the word."""
    groups = [terms for terms in word_terms if terms]
    if not groups:
        return []
    per_word = max(MIN_PER_WORD, CANDIDATES // len(groups))
    best = best_articles(known, direction, per_word)
    chosen: set[int] = set()
    for group in groups:
        impact: dict[int, int] = {}
        for term in group:
            for article_id, value in best.get(term, ()):
                impact[article_id] = max(value, impact.get(article_id, 0))
        chosen.update(sorted(impact, key=lambda a: (-impact[a], a))[:per_word])
    return sorted(chosen)


# --- ranking -----------------------------------------------------------------------------------


def _weighted_terms(
    word: QueryWord, fixes: frozenset[str], translation: bool
) -> list[tuple[float, frozenset[str]]]:
    """A word's terms with their weights. For an article in the other language than the query,
    the thesaurus gives translations, which count as much as the word itself."""
    expansion = 1.0 if translation else EXPANSION_WEIGHT
    return [(1.0, word.terms), (TYPO_WEIGHT, fixes), (expansion, word.expansions)]


def _word_score(
    options: list[tuple[float, frozenset[str]]], title: frozenset[str], body: frozenset[str]
) -> float:
    best = 0.0
    for weight, terms in options:
        if terms & title:
            best = max(best, weight * TITLE_WEIGHT)
        elif terms & body:
            best = max(best, weight)
    return best


@dataclass(frozen=True)
class Candidate:
    """An article reduced to what ranking needs: the query's terms it contains (postings)."""

    pk: int
    lang: str
    title: frozenset[str]
    body: frozenset[str]  # every query term it contains, in the title or the body
    impacts: dict[str, int]


def _load(ids: list[int], known: dict[str, Known]) -> list[Candidate]:
    found, langs = impacts_of(ids, known)
    return [
        Candidate(
            pk,
            langs.get(pk, ""),
            frozenset(t for t, impact in found[pk].items() if in_title(impact)),
            frozenset(found[pk]),
            found[pk],
        )
        for pk in ids
    ]


def _idf(known: dict[str, Known]) -> dict[str, float]:
    """BM25's inverse document frequency of each term among the published articles."""
    total = _published_now()
    return {
        term: max(math.log((max(total - k.articles, 0) + 0.5) / (k.articles + 0.5)), 1e-6)
        for term, k in known.items()
    }


def _bm25(candidate: Candidate, idf: dict[str, float]) -> float:
    """Okapi BM25 of the query's terms, as SQLite's FTS5 computes it (titles weighing more):
    the term-frequency shares were computed at indexing (postings.impacts)."""
    return sum(
        idf[term] * (SATURATION + 1) * frequency_share(impact)
        for term, impact in candidate.impacts.items()
    )


def _rank(
    query: list[QueryWord],
    fixes: dict[str, frozenset[str]],
    ids: list[int],
    known: dict[str, Known],
    languages: tuple[str, str],
) -> list[tuple[float, int]]:
    """(score, article id), best first; `languages`: the consultant's and the query's. Works on
    the postings alone; the articles themselves are loaded only for the page of results."""
    lang, query_language = languages
    options = {
        translation: [
            _weighted_terms(w, fixes.get(w.word, frozenset()), translation) for w in query
        ]
        for translation in (False, True)
    }
    candidates = _load(ids, known)
    idf = _idf(known)
    relevance = {c.pk: _bm25(c, idf) for c in candidates}
    top = max(relevance.values(), default=1.0) or 1.0
    rarity = [_rarity(word_options, candidates) for word_options in options[False]]
    scored = []
    for c in candidates:
        per_word = [_word_score(o, c.title, c.body) for o in options[c.lang != query_language]]
        score = sum(s * r for s, r in zip(per_word, rarity, strict=True))
        score += BM25_WEIGHT * relevance[c.pk] / top
        if c.lang == lang:
            score *= SAME_LANGUAGE_BONUS
        scored.append((score, c.pk))
    scored.sort(key=lambda pair: (-pair[0], pair[1]))
    return scored


def _rarity(word_options: list[tuple[float, frozenset[str]]], candidates: list[Candidate]) -> float:
    """How rare a query word is among the candidates: a word in every article tells little."""
    terms = frozenset().union(*(t for _w, t in word_options))
    having = sum(1 for c in candidates if terms & c.title or terms & c.body)
    return math.log(1 + (len(candidates) + 1) / (having + 1))


# --- snippets ----------------------------------------------------------------------------------


def snippet(article: Article, all_terms: frozenset[str], length: int = 220) -> str:
    """The body sentence with most query words, its Markdown rendered safely, the matched words
    in <mark>."""
    sentences = [s.strip() for s in SENTENCE.findall(article.body) if s.strip()] or [""]

    def hits(sentence: str) -> int:
        return sum(1 for w in words(sentence) if word_terms(w, article.lang) & all_terms)

    best = max(sentences, key=hits)[:length]
    return render_snippet(
        best,
        lambda word: bool(word_terms(word.lower().replace("ё", "е"), article.lang) & all_terms),
    )


# --- the search --------------------------------------------------------------------------------


def kb_search(
    text: str, *, lang: str = "", direction: int | None = None, limit: int = 10
) -> list[Hit]:
    """Published articles for a free-text query, best first. Never raises on odd input."""
    query = analyse_query(text[:MAX_QUERY_CHARS])
    if not query:
        return []
    known = known_terms(t for w in query for t in w.terms | w.expansions)
    fixes = _corrections(query, known)
    if fixes:  # the typo fixes are index terms: only their ids and counts are still unknown
        known = {**known, **known_terms(frozenset().union(*fixes.values()))}
    word_terms = [w.terms | w.expansions | fixes.get(w.word, frozenset()) for w in query]
    ids = _candidates(word_terms, direction, known)
    languages = (lang, query_lang(text) or "ru")
    ranked = _rank(query, fixes, ids, known, languages)[:limit] if ids else []
    published = Article.objects.filter(status=ArticleStatus.PUBLISHED).select_related("pair")
    articles = published.in_bulk([pk for _score, pk in ranked])  # even if an index row is stale
    highlight = frozenset(t for w in query for t in w.terms | fixes.get(w.word, frozenset()))
    return [
        Hit(articles[pk], round(score, 4), snippet(articles[pk], highlight))
        for score, pk in ranked
        if pk in articles
    ]


def kb_search_logged(
    text: str, *, lang: str = "", direction: int | None = None, limit: int = 10
) -> list[Hit]:
    """kb_search for a consultant's query: a query that finds nothing is kept for the editors."""
    hits = kb_search(text, lang=lang, direction=direction, limit=limit) if text else []
    if text and not hits:
        gap_record(text[:MAX_QUERY_CHARS], lang)
    return hits
