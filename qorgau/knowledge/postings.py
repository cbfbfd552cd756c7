"""Impact-ordered postings of the knowledge-base index (decision 0010).

For every index term of every published article, one row (term, impact, article, facets): how
well the term stands for the article, precomputed when the article is indexed. An index on
(term, impact) gives each term's best articles at once, so a search among 100,000 articles
reads a few hundred rows per term instead of ranking every article that contains a common word
(бала, ребенок are in half of them). Each SearchTerm counts the published articles that contain
it (for BM25's idf); the postings and the counts change together, in the indexing transaction.

Impact: 2 when the term is in the title or tags, else 1, plus a BM25-like share of its frequency
(title occurrences count 4 times, like the title weight of the full-text rank), in thousandths.
It depends on the article alone, so writing one article never rewrites another's rows.

The table is plain SQL (migration 0003), the same on SQLite and PostgreSQL; row-locked counter
updates are safe with any number of processes writing articles.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.db.models import F

from qorgau.knowledge.models import ArticleStatus, SearchEntry, SearchTerm

IMPACT_SCALE = 1000
TITLE_FREQUENCY = 4
TYPICAL_LENGTH = 335  # BM25's average length: index terms per starter article (title and body)
SATURATION = 1.2  # BM25's k1
LENGTH_SHARE = 0.75  # BM25's b
MAX_TERM = 60  # longer terms are not indexed (SearchTerm.term's length)

INSERT_SQL = "INSERT INTO knowledge_posting (term_id, impact, article_id, facets) VALUES {rows}"
INSERT_ROWS = 1000  # rows per INSERT statement (4 parameters each)
DELETE_SQL = "DELETE FROM knowledge_posting WHERE article_id = %s"
OLD_TERMS_SQL = "SELECT term_id FROM knowledge_posting WHERE article_id = %s"
# One term's best articles, optionally of one direction (rule 10): the database walks the
# (term, impact) index from the top and stops at the limit.
BEST_SQL = (
    "SELECT * FROM (SELECT p.term_id, p.article_id, p.impact FROM knowledge_posting p"
    " WHERE p.term_id = %s{direction}"
    " ORDER BY p.impact DESC, p.article_id LIMIT %s) AS best{number}"
)
# The candidates' postings of the query's terms, through the (article, term) index. SQLite plans
# the IN lists as look-ups in it; PostgreSQL would rather combine bitmaps of both indexes (all
# the terms' postings), so it gets one look-up per article, fenced by OFFSET 0.
IMPACTS_SQL = {
    "sqlite": "SELECT term_id, article_id, impact, facets FROM knowledge_posting"
    " WHERE article_id IN ({articles}) AND term_id IN ({terms})",
    "postgresql": "SELECT p.term_id, p.article_id, p.impact, p.facets"
    " FROM unnest(%s::bigint[]) AS a (id),"
    " LATERAL (SELECT term_id, article_id, impact, facets FROM knowledge_posting"
    " WHERE article_id = a.id AND term_id = ANY(%s::integer[]) OFFSET 0) AS p",
}
# A row's `facets`: bit 0 set for a Kazakh article, bit `code` for each of its directions (rule
# 10), so the walk of a term's postings filters on a direction without a join, and ranking
# knows each candidate's language without reading its article.
IN_DIRECTION = " AND (p.facets & %s) != 0"


def impacts(title: Sequence[str], body: Sequence[str]) -> dict[str, int]:
    """term → impact for an article's title (with tags) and body terms."""
    in_title = set(title)
    frequency = Counter(body)
    for term in title:
        frequency[term] += TITLE_FREQUENCY
    length = (len(title) + len(body)) / TYPICAL_LENGTH
    norm = SATURATION * (1 - LENGTH_SHARE + LENGTH_SHARE * length)
    return {
        term: int(IMPACT_SCALE * ((2 if term in in_title else 1) + count / (count + norm)))
        for term, count in frequency.items()
        if len(term) <= MAX_TERM
    }


def term_ids(terms: Iterable[str]) -> dict[str, int]:
    """The SearchTerm id of each term, creating the terms not known yet."""
    wanted = set(terms)
    known = dict(SearchTerm.objects.filter(term__in=wanted).values_list("term", "id"))
    missing = wanted - known.keys()
    if missing:
        SearchTerm.objects.bulk_create(
            [SearchTerm(term=t) for t in sorted(missing)], ignore_conflicts=True, batch_size=1000
        )
        known.update(SearchTerm.objects.filter(term__in=missing).values_list("term", "id"))
    return known


KAZAKH = 1


def facets(lang: str, direction_codes: Iterable[str]) -> int:
    bits = sum(1 << int(code) for code in set(direction_codes))
    return bits | (KAZAKH if lang == "kk" else 0)


def facet_lang(bits: int) -> str:
    return "kk" if bits & KAZAKH else "ru"


Row = tuple[int, int, int, int]  # term id, impact, article id, facets


def postings_write(
    article_id: int,
    published: bool,
    terms: tuple[Sequence[str], Sequence[str]],
    article_facets: int,
) -> None:
    """Replace one article's postings (none unless it is published) from its title and body
    terms, and keep the terms' article counts (inside the caller's transaction)."""
    title, body = terms
    weights = impacts(title, body) if published else {}
    ids = term_ids(weights)
    with connection.cursor() as cursor:
        cursor.execute(OLD_TERMS_SQL, [article_id])
        old = {term_id for (term_id,) in cursor.fetchall()}
        cursor.execute(DELETE_SQL, [article_id])
        rows = [(ids[t], i, article_id, article_facets) for t, i in sorted(weights.items())]
        _insert(cursor, rows)
    new = set(ids.values())
    _count(new - old, +1)
    _count(old - new, -1)


def _insert(cursor: CursorWrapper, rows: list[Row]) -> None:
    """Rows in multi-row INSERT statements: one round trip per INSERT_ROWS rows."""
    for start in range(0, len(rows), INSERT_ROWS):
        chunk = rows[start : start + INSERT_ROWS]
        sql = INSERT_SQL.format(rows=", ".join(["(%s, %s, %s, %s)"] * len(chunk)))
        cursor.execute(sql, [value for row in chunk for value in row])


def _count(term_ids: set[int], change: int) -> None:
    if term_ids:
        SearchTerm.objects.filter(pk__in=sorted(term_ids)).update(articles=F("articles") + change)


@dataclass(frozen=True)
class Known:
    """An index term as the search needs it: its id, and how many published articles have it."""

    id: int
    articles: int


def known_terms(terms: Iterable[str]) -> dict[str, Known]:
    rows = SearchTerm.objects.filter(term__in=set(terms)).values_list("term", "id", "articles")
    return {term: Known(term_id, articles) for term, term_id, articles in rows}


def best_articles(
    known: dict[str, Known], direction: int | None, limit: int
) -> dict[str, list[tuple[int, int]]]:
    """term → up to `limit` (article id, impact) of published articles, best first; only those
    of one direction (rule 10, its code) when `direction` is given."""
    names = {k.id: term for term, k in known.items()}
    if not names:
        return {}
    filtered, bits = (IN_DIRECTION, [1 << direction]) if direction is not None else ("", [])
    parts, args = [], []
    for number, term_id in enumerate(sorted(names)):
        parts.append(BEST_SQL.format(direction=filtered, number=number))
        args += [term_id, *bits, limit]
    found: dict[str, list[tuple[int, int]]] = {term: [] for term in known}
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), args)
        for term_id, article_id, impact in cursor.fetchall():
            found[names[term_id]].append((article_id, impact))
    return found


def impacts_of(
    article_ids: list[int], known: dict[str, Known]
) -> tuple[dict[int, dict[str, int]], dict[int, str]]:
    """For these articles and terms: article id → {term: impact} (the terms it contains), and
    article id → its language (of those with any of the terms)."""
    names = {k.id: term for term, k in known.items()}
    found: dict[int, dict[str, int]] = {pk: {} for pk in article_ids}
    langs: dict[int, str] = {}
    if not names or not article_ids:
        return found, langs
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(IMPACTS_SQL["postgresql"], [article_ids, list(names)])
        else:  # placeholders: SQLite has no arrays
            articles, terms = ", ".join(["%s"] * len(article_ids)), ", ".join(["%s"] * len(names))
            sql = IMPACTS_SQL["sqlite"].format(articles=articles, terms=terms)
            cursor.execute(sql, [*article_ids, *names])
        for term_id, article_id, impact, bits in cursor.fetchall():
            found[article_id][names[term_id]] = impact
            langs[article_id] = facet_lang(bits)
    return found, langs


def frequency_share(impact: int) -> float:
    """The BM25 term-frequency share f / (f + k1 · length norm) that an impact holds."""
    return impact / IMPACT_SCALE - (2 if impact >= 2 * IMPACT_SCALE else 1)


def in_title(impact: int) -> bool:
    return impact >= 2 * IMPACT_SCALE


def postings_rebuild(
    entries: type[SearchEntry] = SearchEntry,
    terms: type[SearchTerm] = SearchTerm,
    batch: int = 1000,
) -> int:
    """Write the postings of every published article from its SearchEntry, and count the terms'
    articles again (migrations pass their historical models; also for a change of the impact
    formula); returns the number of published articles."""
    ids = dict(terms.objects.values_list("term", "id"))
    counts: Counter[int] = Counter()
    codes: dict[int, list[str]] = {}
    links = entries.objects.filter(article__directions__isnull=False)
    for article_id, code in links.values_list("article_id", "article__directions__code"):
        codes.setdefault(article_id, []).append(code)
    published = entries.objects.filter(article__status=ArticleStatus.PUBLISHED)
    found = published.values_list("article_id", "lang", "title_terms", "body_terms")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM knowledge_posting")
        rows: list[Row] = []
        for article_id, lang, title, body in found.iterator(chunk_size=batch):
            weights = impacts(title.split(), body.split())
            bits = facets(lang, codes.get(article_id, []))
            rows += [(ids[t], i, article_id, bits) for t, i in weights.items() if t in ids]
            if len(rows) >= 50 * batch:
                _insert(cursor, rows)
                counts.update(row[0] for row in rows)
                rows.clear()
        _insert(cursor, rows)
        counts.update(row[0] for row in rows)
    terms.objects.update(articles=0)
    by_count: dict[int, list[int]] = {}
    for term_id, count in counts.items():
        by_count.setdefault(count, []).append(term_id)
    for count, term_list in by_count.items():
        for start in range(0, len(term_list), 500):
            terms.objects.filter(pk__in=term_list[start : start + 500]).update(articles=count)
    return published.count()
