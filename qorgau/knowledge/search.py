"""Knowledge-base search (issue 4, item 3).

1. The query is analysed (analysis.py): each word's own terms, its thesaurus expansions, and,
   for a word the index has never seen, the nearest index terms by edit distance (typos).
2. Candidates: for each query word, the CANDIDATES published articles where its terms weigh
   most, read from the impact-ordered postings (postings.py, decision 0010), so the cost does
   not grow with the number of articles that contain a common word. The database then gives
   their full-text rank: SQLite through its FTS5 table, PostgreSQL through its GIN-indexed
   tsvector; titles weigh more in both (bm25 column weights / ts_rank weights A and B).
3. The candidates are ranked here, the same way on both databases: for every query word the best
   of its terms found (own 1.0, typo fix 0.7, thesaurus 0.5; ×2 in the title), weighted by how
   rare the word is among the candidates, plus a share of the database's own rank. Articles in
   the consultant's language come first on a tie; the other language's articles are found too.
4. Each result gets a snippet: the body's sentence with most query words, marked up safely.

Searches that find nothing are stored with personal data masked (SearchGap).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from django.db import connection
from django.utils.html import escape
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
from qorgau.knowledge.models import Article, SearchEntry, SearchGap, SearchTerm
from qorgau.knowledge.postings import best_articles

CANDIDATES = 200
TYPO_WEIGHT = 0.7
TITLE_WEIGHT = 2.0
SAME_LANGUAGE_BONUS = 1.1
DATABASE_RANK_WEIGHT = 1.0
MAX_QUERY_CHARS = 500
SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")


# The database's own relevance (FTS5 bm25 / ts_rank, titles weighing more) of the candidates.
SQLITE_RANK_SQL = (
    "SELECT rowid, -bm25(knowledge_fts, 4.0, 1.0) FROM knowledge_fts"
    " WHERE knowledge_fts MATCH %s AND rowid IN ({ids})"
)
POSTGRES_RANK_SQL = (
    "SELECT article_id, ts_rank(vector, to_tsquery('simple', %s)) FROM knowledge_searchentry"
    " WHERE article_id = ANY(%s)"
)


@dataclass(frozen=True)
class Hit:
    article: Article
    score: float
    snippet: str  # HTML: escaped text with <mark> around matched words


# --- typo correction ---------------------------------------------------------------------------


@lru_cache(maxsize=1)  # only the newest vocabulary: older versions would pile up
def _vocabulary(version: int) -> tuple[str, ...]:
    """All index terms as of `version` (the highest SearchTerm id): a per-process cache that is
    only ever stale by the terms added since, never wrong."""
    return tuple(SearchTerm.objects.filter(pk__lte=version).values_list("term", flat=True))


def _vocabulary_now() -> tuple[str, ...]:
    latest = SearchTerm.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return _vocabulary(latest)


def _corrections(query: list[QueryWord]) -> dict[str, frozenset[str]]:
    """For query words none of whose terms are indexed: the nearest indexed terms."""
    unknown = [w for w in query if len(w.word) >= 4 and not w.word.isdigit()]
    if not unknown:
        return {}
    all_terms = {t for w in unknown for t in w.terms | w.expansions}
    known = set(SearchTerm.objects.filter(term__in=all_terms).values_list("term", flat=True))
    vocabulary = None
    fixes = {}
    for word in unknown:
        if known & (word.terms | word.expansions):
            continue
        vocabulary = vocabulary or _vocabulary_now()
        longest = max(sorted(word.terms), key=len)  # sorted: the same choice in every process
        allowed = 1 if len(longest) <= 5 else 2
        found = process.extract(
            longest, vocabulary, scorer=Levenshtein.distance, score_cutoff=allowed, limit=3
        )
        fixes[word.word] = frozenset(term for term, _distance, _index in found)
    return fixes


# --- candidates from the database --------------------------------------------------------------


def _match(groups: list[list[str]]) -> tuple[str, str]:
    """The FTS5 and tsquery expressions for any of the groups' terms."""
    terms = sorted({t for group in groups for t in group})
    return " OR ".join(f'"{t}"' for t in terms), " | ".join(terms)


def _database_rank(groups: list[list[str]], ids: list[int]) -> dict[int, float]:
    """article id → the database's full-text rank for the query's terms (higher is better)."""
    fts, tsquery = _match(groups)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(POSTGRES_RANK_SQL, [tsquery, ids])
        else:
            placeholders = ", ".join(["%s"] * len(ids))
            cursor.execute(SQLITE_RANK_SQL.format(ids=placeholders), [fts, *ids])
        rank = {int(pk): float(value) for pk, value in cursor.fetchall()}
    return {pk: rank.get(pk, 0.0) for pk in ids}


def _candidates(word_terms: list[frozenset[str]], direction: int | None) -> dict[int, float]:
    """article id → the database's own relevance (higher is better), for each query word's
    CANDIDATES best published articles by the impact of its terms (postings.py): a few hundred
    index rows per term, however many of 100,000 articles contain it."""
    groups = [sorted(t for t in terms if t.isalnum()) for terms in word_terms]
    groups = [g for g in groups if g]
    if not groups:
        return {}
    code = str(direction) if direction is not None else None
    best = best_articles({t for group in groups for t in group}, code, CANDIDATES)
    chosen: set[int] = set()
    for group in groups:
        impact: dict[int, int] = {}
        for term in group:
            for article_id, value in best.get(term, ()):
                impact[article_id] = max(value, impact.get(article_id, 0))
        chosen.update(sorted(impact, key=lambda a: (-impact[a], a))[:CANDIDATES])
    return _database_rank(groups, sorted(chosen)) if chosen else {}


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
    """An index row reduced to what ranking needs: only the query's terms it contains."""

    pk: int
    lang: str
    title: frozenset[str]
    body: frozenset[str]


def _load(found: dict[int, float], wanted: frozenset[str]) -> list[Candidate]:
    rows = SearchEntry.objects.filter(article_id__in=found).values_list(
        "article_id", "lang", "title_terms", "body_terms"
    )
    return [
        Candidate(pk, lang, wanted.intersection(title.split()), wanted.intersection(body.split()))
        for pk, lang, title, body in rows
    ]


def _rank(
    query: list[QueryWord],
    fixes: dict[str, frozenset[str]],
    found: dict[int, float],
    lang: str,
    query_language: str,
) -> list[tuple[float, int]]:
    """(score, article id), best first. Works on the index rows alone; the articles themselves
    are loaded only for the page of results."""
    options = {
        translation: [
            _weighted_terms(w, fixes.get(w.word, frozenset()), translation) for w in query
        ]
        for translation in (False, True)
    }
    wanted = frozenset().union(*(t for o in options[False] for _w, t in o))
    candidates = _load(found, wanted)
    top = max(found.values(), default=1.0) or 1.0
    rarity = [_rarity(word_options, candidates) for word_options in options[False]]
    scored = []
    for c in candidates:
        per_word = [_word_score(o, c.title, c.body) for o in options[c.lang != query_language]]
        score = sum(s * r for s, r in zip(per_word, rarity, strict=True))
        score += DATABASE_RANK_WEIGHT * found[c.pk] / top
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
    """The body sentence with most query words, escaped, the matched words in <mark>."""
    sentences = [s.strip() for s in SENTENCE.findall(article.body) if s.strip()] or [""]

    def hits(sentence: str) -> int:
        return sum(1 for w in words(sentence) if word_terms(w, article.lang) & all_terms)

    best = max(sentences, key=hits)[:length]
    return re.sub(
        r"[^\W\d_]+",
        lambda m: (
            f"<mark>{m.group(0)}</mark>"
            if word_terms(m.group(0).lower().replace("ё", "е"), article.lang) & all_terms
            else m.group(0)
        ),
        escape(best.lstrip("#*- ")),
    )


# --- the search --------------------------------------------------------------------------------


def kb_search(
    text: str, *, lang: str = "", direction: int | None = None, limit: int = 10
) -> list[Hit]:
    """Published articles for a free-text query, best first. Never raises on odd input."""
    query = analyse_query(text[:MAX_QUERY_CHARS])
    if not query:
        return []
    fixes = _corrections(query)
    found = _candidates(
        [w.terms | w.expansions | fixes.get(w.word, frozenset()) for w in query], direction
    )
    query_language = query_lang(text) or "ru"
    ranked = _rank(query, fixes, found, lang, query_language)[:limit] if found else []
    articles = Article.objects.select_related("pair").in_bulk([pk for _score, pk in ranked])
    highlight = frozenset(t for w in query for t in w.terms | fixes.get(w.word, frozenset()))
    return [
        Hit(articles[pk], round(score, 4), snippet(articles[pk], highlight)) for score, pk in ranked
    ]


def kb_search_logged(
    text: str, *, lang: str = "", direction: int | None = None, limit: int = 10
) -> list[Hit]:
    """kb_search for a consultant's query: a query that finds nothing is kept for the editors."""
    hits = kb_search(text, lang=lang, direction=direction, limit=limit) if text else []
    if text and not hits:
        gap_record(text, lang)
    return hits


def gap_record(text: str, lang: str) -> None:
    """Keep a search that found nothing, with personal data masked (issue 4, item 6)."""
    from qorgau.interaction.masking import mask_text

    SearchGap.objects.create(query=mask_text(text[:MAX_QUERY_CHARS]).text[:300], lang=lang[:2])
