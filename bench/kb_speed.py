"""Knowledge-base search speed (decision 0010): search latency, indexing rate, memory and size
of the index with 100,000 articles, on SQLite and on PostgreSQL.

What it measures
  For each database, with the same articles and the same queries:
  - indexing rate, articles/s, through the product's code: the first --saved generated articles
    one by one through article_save(ArticleIn) (a version with its diff, directions, pair, and
    index_article), the rest as bulk-created Article rows (with their directions, pair and a
    first ArticleVersion) indexed one by one by the same index_article(); both in transactions
    of --batch articles. The two rates are reported apart;
  - kb_search(text, lang=..., direction=...) latency per query, p50/p95/p99/max, timed with
    time.perf_counter in-process, after a warm-up of 20 queries;
  - the baseline in the same run: for the first --exhaustive queries, kb_search again with
    every article that has any query term ranked (no cut to each word's best articles from
    the postings): its latency, and how many of its top 10 our results hold (and whether the
    first result is the same), i.e. what the speed costs in results;
  - the bare candidate look-up (search._candidates: the postings walk of each query term)
    called again right after each kb_search with the same arguments (warm caches: a lower
    bound of the database's part);
  - the mean time of each step inside kb_search (analysis, typo correction, candidates,
    ranking, snippets, the rest): during the timed calls the search module's step functions
    are wrapped with timers (kb_search looks them up at each call; < 1 µs a call);
  - memory: peak RSS (VmHWM of /proc/self/status) of the indexing process and, separately, of
    the searching process (a fresh process, like a server worker: Django, the caches of the
    analysis and the typo vocabulary), and the cold load of the typo vocabulary;
  - size on disk: the knowledge tables with their indexes (SQLite: dbstat; PostgreSQL:
    pg_total_relation_size), the postings alone, and the whole database;
  - CPU while indexing and while searching, in % of one core: the whole machine, this script,
    and others (neither this script nor PostgreSQL), since other work on the machine slows
    the figures; and a hash of the qorgau/knowledge sources each worker ran, with a warning
    when they changed during the run.
  Target on the 2-core machine: kb_search p95 <= 30 ms on both databases.

How
  Articles: the 64 starter articles (qorgau/knowledge/starter/*.jsonl, imported with kb_import)
  and generated ones up to --articles in all, half kk and half ru, in kk/ru pairs (each pair
  on one starter topic). A generated article recombines lines of the starter articles of its
  language (2-6 consecutive lines at a time, half from its topic, so headings and lists stay
  together) up to 150-300 words, and its title is a varied starter title. Words are varied with
  a seeded RNG: 5 % swapped for another word of the same language's starter text (by
  frequency), 5 % given another ending (words of 4+ letters), 3 % replaced by a word of a
  synthetic lexicon drawn with a Zipf-like (Pareto) law, and some numbers changed, so that the
  vocabulary keeps growing with the corpus like real text (names, places, rare words) instead
  of 64 texts repeated.
  1-3 directions of 1..13, 2-5 tags of the language's starter tags (sometimes a new one);
  95 % published, 3 % draft, 2 % archived. Generated lazily, batch by batch.
  Queries (--queries, default 300, plus 20 warm-up): half from bench/kb_eval.jsonl ("q", cut to
  a window of 1-4 words when longer), half 1-4 random words of the corpus (starter words of 4+
  letters, or lexicon words), with the query's language as `lang`, and a `direction` on a
  quarter of them. The same seed gives the same articles and queries on both databases.
  Each database runs in its own processes (Django reads its settings once per process): this
  script re-runs itself with a hidden --worker flag, once to index, once to search. SQLite: a
  file in a temporary folder. PostgreSQL: a fresh database qorgau_kbspeed on 127.0.0.1 (a
  leftover is dropped first), VACUUM ANALYZE after loading (what autovacuum would have done),
  dropped at the end, also on errors and Ctrl-C. --profile N runs N queries under cProfile
  after the measurement and prints the top costs (stats in bench/out/kb_speed-<db>.prof).

Exit status: 0 when measured (the target is reported, not enforced); 2 when the set-up or a
worker failed.

Usage: .venv/bin/python -m bench.kb_speed [--articles 100000] [--queries 300]
           [--database sqlite|postgres|both] [--saved 10000] [--batch 500] [--profile 0]
           [--seed 1] [--json PATH] [--keep DIR] [--exhaustive 30]
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import hashlib
import io
import json
import math
import os
import pstats
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import psycopg

from bench.harness.machine import CpuSnapshot, cpu_shares, cpu_snapshot, is_postgres
from bench.harness.report import fmt, latency, percentile, print_table
from bench.harness.setup import (
    HOST,
    OUT_DIR,
    PROJECT_DIR,
    SetupError,
    database_create,
    database_drop,
    django_setup,
    exit_on_sigterm,
    logger,
    product_env,
    write_json,
)

DB_NAME = "qorgau_kbspeed"
TARGET_P95_MS = 30.0
WARMUP_QUERIES = 20
STARTER = PROJECT_DIR / "qorgau" / "knowledge" / "starter"
EVAL = PROJECT_DIR / "bench" / "kb_eval.jsonl"
DIRECTIONS = 13

# How words of a generated article are varied (per word, with the seeded RNG).
P_SWAP = 0.05  # another word of the same language's starter text, drawn by frequency
P_ENDING = 0.05  # the same word (4+ letters) with another ending
P_LEXICON = 0.03  # a word of the synthetic lexicon (Zipf-like ranks)
P_NUMBER = 0.3  # a number replaced by another
LEXICON_ALPHA = 0.35  # Pareto shape of lexicon ranks: lower, more distinct words
LEXICON_HEAD = 20  # Pareto scale: no single lexicon word is frequent
WORD = re.compile(r"[^\W\d_]+|\d+")
ENDINGS_TEXT = {
    "kk": "дың нің ға ге да де дан ден мен лар лер лары лері ымыз сыз сіз шы лық лік ы і ін ын",
    "ru": "а у ом ой ами ах ы ов е ию ия ями ого ему ыми ий ая ое ские ным",
}
SYLLABLES_TEXT = {
    "kk": "ба қа та жа ер ас тау көл бек сай құм тө мұ лы ғы ді ше нұр ай күн ар ал ес ор "
    "ұл қыз дала бұ жол су тас ақ көк сар қара ат ет із өз ші ма ғал ым ің",
    "ru": "ко ва ли но ров ска ми ла де ре пе ст ин ка то зи гор ов ев ан ра ло ни ку бе "
    "ме чи тр ол ар пол дом вер сел град мир сла во же на ти",
}
ENDINGS = {lang: text.split() for lang, text in ENDINGS_TEXT.items()}
SYLLABLES = {lang: text.split() for lang, text in SYLLABLES_TEXT.items()}
log = logger("kb_speed")


# --- generated articles ----------------------------------------------------------------------


@dataclass
class Language:
    """What one language's generated articles are made of: the starter articles' lines, titles,
    words (with repeats, for frequency-weighted draws) and tags."""

    lang: str
    lines: dict[str, list[str]] = field(default_factory=dict)  # article key -> its body lines
    titles: dict[str, str] = field(default_factory=dict)
    audience: dict[str, str] = field(default_factory=dict)
    tokens: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)

    def content_words(self) -> list[str]:
        return sorted({w for w in self.tokens if len(w) >= 4})


def starter_lines() -> list[str]:
    return [
        line
        for path in sorted(STARTER.glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def load_starter() -> tuple[dict[str, Language], list[tuple[str, str]]]:
    """The starter articles by language, and the (kk key, ru key) topic pairs."""
    languages = {lang: Language(lang) for lang in ("kk", "ru")}
    items = [json.loads(line) for line in starter_lines()]
    for item in items:
        language = languages[item["lang"]]
        key = item["id"]
        language.lines[key] = [x.strip() for x in item["body"].splitlines() if x.strip()]
        language.titles[key] = item["title"]
        language.audience[key] = item.get("audience", "caller")
        language.tokens += [
            w.lower() for w in WORD.findall(item["title"] + " " + item["body"]) if not w.isdigit()
        ]
        language.tags += [t.lower() for t in item.get("tags", [])]
    for language in languages.values():
        language.tags = sorted(set(language.tags))
    pairs = sorted(
        (item["id"], item["pair"])
        for item in items
        if item["lang"] == "kk" and item.get("pair") in languages["ru"].lines
    )
    return languages, pairs


def lexicon_word(lang: str, rank: int) -> str:
    """The synthetic lexicon's word of this rank: 2-4 syllables of the language, the same word
    for the same rank every time (a cheap integer hash, no RNG state)."""
    syllables = SYLLABLES[lang]
    h = ((rank + (0 if lang == "kk" else 1 << 40)) * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
    h ^= h >> 29
    count, h = 2 + h % 3, h // 3
    out = []
    for _ in range(count):
        h, index = divmod(h, len(syllables))
        out.append(syllables[index])
    return "".join(out)


class Generator:
    """Articles as ArticleIn-shaped dicts, pair by pair, from one seeded RNG."""

    def __init__(self, languages: dict[str, Language], pairs: list[tuple[str, str]], seed: int):
        self.languages = languages
        self.pairs = pairs
        self.rng = random.Random(seed)
        self.numbers = 0

    def lexicon_rank(self) -> int:
        return int(LEXICON_HEAD * self.rng.paretovariate(LEXICON_ALPHA))

    def vary_word(self, word: str, lang: str) -> str:
        rng = self.rng
        if word.isdigit():
            return str(rng.randint(1, 999)) if rng.random() < P_NUMBER else word
        r = rng.random()
        if r < P_SWAP:
            new = rng.choice(self.languages[lang].tokens)
        elif r < P_SWAP + P_ENDING:
            if len(word) < 4:
                return word
            stem = word[:-2] if len(word) > 6 and lang == "ru" else word
            new = stem + rng.choice(ENDINGS[lang])
        elif r < P_SWAP + P_ENDING + P_LEXICON:
            new = lexicon_word(lang, self.lexicon_rank())
        else:
            return word
        return new.capitalize() if word[:1].isupper() else new

    def vary(self, text: str, lang: str) -> str:
        return WORD.sub(lambda m: self.vary_word(m.group(0), lang), text)

    def body(self, language: Language, topic: str) -> str:
        rng = self.rng
        target = rng.randint(150, 300)
        keys = list(language.lines)
        out: list[str] = []
        count = 0
        while count < target:
            source = language.lines[topic if rng.random() < 0.5 else rng.choice(keys)]
            start = rng.randrange(len(source))
            for line in source[start : start + rng.randint(2, 6)]:
                varied = self.vary(line, language.lang)
                n = len(WORD.findall(varied))
                if count + n > 300 and count >= 150:
                    break
                out.append(varied)
                count += n
        return "\n".join(out)

    def title(self, language: Language, topic: str) -> str:
        rng = self.rng
        title = self.vary(language.titles[topic], language.lang)
        if rng.random() < 0.5:
            other = language.titles[rng.choice(list(language.titles))]
            title += ": " + self.vary(re.split(r"[:—]", other)[-1].strip(), language.lang)
        return title[:300].rsplit(" ", 1)[0] if len(title) > 300 else title

    def article(self, lang: str, topic: str, number: int, pair: str) -> dict[str, Any]:
        rng = self.rng
        language = self.languages[lang]
        tags = rng.sample(language.tags, rng.randint(2, 5))
        if rng.random() < 0.1:
            tags.append(lexicon_word(lang, self.lexicon_rank()))
        r = rng.random()
        return {
            "id": f"gen-{number:06d}-{lang}",
            "lang": lang,
            "title": self.title(language, topic),
            "body": self.body(language, topic),
            "tags": tags,
            "direction": [str(d) for d in rng.sample(range(1, DIRECTIONS + 1), rng.randint(1, 3))],
            "pair": pair,
            "audience": language.audience[topic],
            "status": "published" if r < 0.95 else "draft" if r < 0.98 else "archived",
        }

    def articles(self, count: int) -> Iterator[dict[str, Any]]:
        """`count` articles: pair k is gen-k-kk then gen-k-ru, on the same starter topic."""
        kk_topic, ru_topic = self.pairs[0]
        for index in range(count):
            number, second = divmod(index, 2)
            if not second:
                kk_topic, ru_topic = self.pairs[self.rng.randrange(len(self.pairs))]
                yield self.article("kk", kk_topic, number + 1, f"gen-{number + 1:06d}-ru")
            else:
                yield self.article("ru", ru_topic, number + 1, f"gen-{number + 1:06d}-kk")


# --- queries ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    text: str
    lang: str
    direction: int | None
    source: str  # "eval" or "corpus"


def make_queries(languages: dict[str, Language], count: int, seed: int) -> list[Query]:
    """`count` queries, half from kb_eval.jsonl (1-4 words), half 1-4 random corpus words."""
    rng = random.Random(seed * 7919 + 1)
    evals = [json.loads(line) for line in EVAL.read_text(encoding="utf-8").splitlines() if line]
    words = {lang: language.content_words() for lang, language in languages.items()}
    probe = Generator(languages, [], seed * 7919 + 2)
    queries = []
    for index in range(count):
        direction = rng.randint(1, DIRECTIONS) if rng.random() < 0.25 else None
        if index % 2 == 0:
            item = rng.choice(evals)
            parts = item["q"].split()
            if len(parts) > 4:
                size = rng.randint(1, 4)
                start = rng.randrange(len(parts) - size + 1)
                parts = parts[start : start + size]
            queries.append(Query(" ".join(parts), item["lang"], direction, "eval"))
        else:
            lang = rng.choice(("kk", "ru"))
            size = rng.choices((1, 2, 3, 4), weights=(35, 35, 20, 10))[0]
            parts = [
                lexicon_word(lang, probe.lexicon_rank())
                if rng.random() < 0.1
                else rng.choice(words[lang])
                for _ in range(size)
            ]
            queries.append(Query(" ".join(parts), lang, direction, "corpus"))
    return queries


# --- memory and size ---------------------------------------------------------------------------


def status_kb(name: str) -> int:
    """A field of /proc/self/status in kB (VmHWM: peak RSS, VmRSS: now)."""
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith(name + ":"):
                return int(line.split()[1])
    return 0


def sizes() -> dict[str, Any]:
    """Bytes on disk: each knowledge table with its indexes, their sum, the search index part
    (SearchEntry, SearchTerm and the postings), the postings alone, the database."""
    from django.conf import settings
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c"
                " JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = 'public' AND c.relkind = 'r'"
                " AND c.relname LIKE 'knowledge%%'"
            )
            tables = dict(cursor.fetchall())
            cursor.execute("SELECT pg_database_size(current_database())")
            database = cursor.fetchone()[0]
        else:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cursor.execute(
                "SELECT COALESCE(m.tbl_name, d.name), SUM(d.pgsize) FROM dbstat d"
                " LEFT JOIN sqlite_schema m ON m.name = d.name GROUP BY 1"
            )
            found = dict(cursor.fetchall())
            tables = {k: v for k, v in found.items() if k.startswith("knowledge")}
            path = Path(settings.DATABASES["default"]["NAME"])
            database = sum(
                p.stat().st_size for p in path.parent.glob(path.name + "*") if p.is_file()
            )
    search = sum(
        v
        for k, v in tables.items()
        if k.startswith(("knowledge_searchentry", "knowledge_searchterm", "knowledge_posting"))
    )
    return {
        "tables": dict(sorted(tables.items())),
        "knowledge": sum(tables.values()),
        "search_index": search,
        "postings": tables.get("knowledge_posting", 0),
        "database": database,
    }


class CpuMeter:
    """CPU used between start and stop, in % of one core: the whole machine, this process, and
    every PostgreSQL process (its backend and any other's). The rest of the machine's busy time
    is other work on the machine (other benchmarks, tests), which slows the measurement."""

    def start(self) -> None:
        self.before: CpuSnapshot = cpu_snapshot()

    def stop(self) -> dict[str, float]:
        after = cpu_snapshot()
        shares = cpu_shares(self.before, after, {"postgres": is_postgres}, own="this_process")
        return {
            "seconds": after.wall - self.before.wall,
            "machine": shares["busy"],
            **{k: shares[k] for k in ("this_process", "postgres", "other", "capacity")},
        }


# --- the index worker ------------------------------------------------------------------------


def save_batch(items: list[dict[str, Any]]) -> None:
    """The product's path, one article at a time: article_save(ArticleIn), in one transaction."""
    from django.db import transaction

    from qorgau.knowledge.actions import ArticleIn, article_save

    with transaction.atomic():
        for item in items:
            article_save(actor=None, data=ArticleIn.model_validate(item))


def bulk_batch(items: list[dict[str, Any]], directions: dict[str, Any]) -> None:
    """Bulk-created Article rows (with directions, pair and a first version with its diff, as
    article_save would write them), each then indexed by the product's index_article()."""
    from django.db import transaction
    from django.utils import timezone

    from qorgau.knowledge.actions import ArticleIn, _diff, index_article
    from qorgau.knowledge.models import Article, ArticleVersion

    data = [ArticleIn.model_validate(item) for item in items]
    with transaction.atomic():
        articles = Article.objects.bulk_create(
            [
                Article(
                    key=d.id,
                    lang=d.lang,
                    title=d.title,
                    body=d.body,
                    tags=[t.strip().lower() for t in d.tags if t.strip()],
                    audience=d.audience,
                    status=d.status,
                    version=1,
                )
                for d in data
            ]
        )
        by_key = {a.key: a for a in articles}
        through = Article.directions.through
        through.objects.bulk_create(
            [
                through(article_id=a.pk, direction_id=directions[code].pk)
                for a, d in zip(articles, data, strict=True)
                for code in d.direction_codes()
            ]
        )
        paired = []
        for a, d in zip(articles, data, strict=True):
            other = by_key.get(d.pair)
            if other is not None and a.pair_id is None:
                a.pair, other.pair = other, a
                paired += [a, other]
        Article.objects.bulk_update(paired, ["pair"])
        now = timezone.now()
        ArticleVersion.objects.bulk_create(
            [
                ArticleVersion(
                    article=a,
                    number=1,
                    title=a.title,
                    body=a.body,
                    diff=_diff("", a.title + "\n" + a.body),
                    status=a.status,
                    at=now,
                )
                for a in articles
            ]
        )
        for article in articles:
            index_article(article)


def batches(items: Iterator[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def load_phase(
    name: str,
    items: Iterator[dict[str, Any]],
    batch_size: int,
    run: Callable[[list[dict[str, Any]]], None],
) -> dict[str, float]:
    """Index `items` batch by batch with `run`; the time spent in `run` only (not generating)."""
    done, spent, last_log = 0, 0.0, time.monotonic()
    for batch in batches(items, batch_size):
        started = time.perf_counter()
        run(batch)
        spent += time.perf_counter() - started
        done += len(batch)
        if time.monotonic() - last_log > 30:
            log(f"{name}: {done:,} articles, {done / spent:,.0f}/s")
            last_log = time.monotonic()
    rate = done / spent if spent else math.nan
    log(f"{name}: {done:,} articles in {spent:,.1f} s, {rate:,.0f}/s")
    return {"articles": done, "seconds": spent, "rate": rate}


def index_worker(args: argparse.Namespace) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection

    from qorgau.knowledge.actions import kb_import
    from qorgau.knowledge.models import Article, SearchTerm
    from qorgau.reference.models import Direction

    log(f"{args.worker_db}: migrating")
    call_command("migrate", verbosity=0)
    lines = starter_lines()
    started = time.perf_counter()
    report = kb_import(lines=lines)
    starter_seconds = time.perf_counter() - started
    if report.errors or report.created != len(lines):
        raise SetupError(f"starter import: {report}")
    languages, pairs = load_starter()
    generated = max(0, args.articles - len(lines))
    saved = min(args.saved, generated)
    saved -= saved % 2  # whole kk/ru pairs in each phase
    source = Generator(languages, pairs, args.seed).articles(generated)
    log(
        f"{args.worker_db}: {len(lines)} starter articles imported; generating and indexing "
        f"{generated:,} more ({saved:,} through article_save, {generated - saved:,} bulk)"
    )
    directions = {d.code: d for d in Direction.objects.all()}
    cpu = CpuMeter()
    cpu.start()
    gen_started = time.process_time()
    first = (next(source) for _ in range(saved))
    save = load_phase("article_save", first, args.batch, save_batch)
    bulk = load_phase(
        "bulk + index_article", source, args.batch, lambda b: bulk_batch(b, directions)
    )
    peak_index = status_kb("VmHWM")
    cpu_all = time.process_time() - gen_started
    cpu_load = cpu.stop()
    with connection.cursor() as cursor:
        started = time.perf_counter()
        if connection.vendor == "postgresql":
            cursor.execute(
                "VACUUM ANALYZE knowledge_article, knowledge_searchentry, knowledge_searchterm,"
                " knowledge_posting, knowledge_article_directions, knowledge_articleversion"
            )
        analyse_seconds = time.perf_counter() - started
    seconds = save["seconds"] + bulk["seconds"]
    return {
        "articles": Article.objects.count(),
        "published": Article.objects.filter(status="published").count(),
        "starter": {"articles": len(lines), "seconds": starter_seconds},
        "article_save": save,
        "bulk_index_article": bulk,
        "generated_rate": (save["articles"] + bulk["articles"]) / seconds if seconds else None,
        "cpu_seconds_including_generation": cpu_all,
        "cpu_percent": cpu_load,
        "vacuum_analyze_seconds": analyse_seconds,
        "terms": SearchTerm.objects.count(),
        "peak_rss_kb": peak_index,
        "sizes": sizes(),
    }


# --- the search worker -----------------------------------------------------------------------


# The steps of kb_search: the search module's functions that kb_search calls for each.
STEPS = {
    "analyse": "analyse_query",
    "typos": "_corrections",
    "candidates": "_candidates",
    "rank": "_rank",
    "snippets": "snippet",
}


class Steps:
    """Times the steps inside kb_search itself: while installed, the search module's step
    functions are wrapped (kb_search looks them up at each call) to add up their time and keep
    the terms it sends to the database. A wrapper costs well under 1 µs a call."""

    def __init__(self) -> None:
        self.times: dict[str, float] = dict.fromkeys(STEPS, 0.0)
        self.lookup: tuple[Any, ...] | None = None  # the arguments of the last _candidates call

    def reset(self) -> None:
        self.times = dict.fromkeys(STEPS, 0.0)
        self.lookup = None

    def wrap(self, step: str, function: Callable[..., Any]) -> Callable[..., Any]:
        clock = time.perf_counter

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = clock()
            try:
                return function(*args, **kwargs)
            finally:
                self.times[step] += clock() - started
                if step == "candidates":
                    self.lookup = args

        return wrapper

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        from qorgau.knowledge import search

        originals = {name: getattr(search, name) for name in STEPS.values()}
        try:
            for step, name in STEPS.items():
                setattr(search, name, self.wrap(step, originals[name]))
            yield
        finally:
            for name, function in originals.items():
                setattr(search, name, function)


def bare_lookup(lookup: tuple[Any, ...] | None) -> tuple[float, int]:
    """The candidate look-up alone, repeated with the arguments kb_search sent: search._candidates
    (each query term's best articles from the postings), no ranking; (seconds, candidates)."""
    from qorgau.knowledge import search

    if lookup is None:  # the query had no word
        return 0.0, 0
    started = time.perf_counter()
    found = search._candidates(*lookup)
    return time.perf_counter() - started, len(found)


def latency_ms(seconds: list[float]) -> dict[str, float]:
    return asdict(latency(seconds, 1000.0))


def search_worker(args: argparse.Namespace) -> dict[str, Any]:
    from qorgau.knowledge import search

    languages, _pairs = load_starter()
    queries = make_queries(languages, WARMUP_QUERIES + args.queries, args.seed)
    rss_start = status_kb("VmRSS")
    started = time.perf_counter()
    vocabulary = len(search._vocabulary_now())  # what the first query with a typo pays
    vocabulary_seconds = time.perf_counter() - started
    for query in queries[:WARMUP_QUERIES]:
        search.kb_search(query.text, lang=query.lang, direction=query.direction)
    timed = queries[WARMUP_QUERIES:]
    total, lookup, found, hits = [], [], [], []
    tops: list[list[int]] = []
    steps: dict[str, list[float]] = {step: [] for step in [*STEPS, "other"]}
    recorder = Steps()
    cpu = CpuMeter()
    cpu.start()
    with recorder.installed():
        for index, query in enumerate(timed):
            recorder.reset()
            started = time.perf_counter()
            result = search.kb_search(query.text, lang=query.lang, direction=query.direction)
            total.append(time.perf_counter() - started)
            hits.append(len(result))
            tops.append([hit.article.pk for hit in result])
            for step, seconds in recorder.times.items():
                steps[step].append(seconds)
            steps["other"].append(total[-1] - sum(recorder.times.values()))
            seconds, count = bare_lookup(recorder.lookup)
            lookup.append(seconds)
            found.append(count)
            if (index + 1) % 50 == 0:
                log(f"{index + 1} queries, kb_search p50 so far {latency_ms(total)['p50']:.1f} ms")
    cpu_load = cpu.stop()
    peak = status_kb("VmHWM")
    by_source = {
        source: latency_ms([t for t, q in zip(total, timed, strict=True) if q.source == source])
        for source in ("eval", "corpus")
    }
    slowest = sorted(zip(total, timed, found, strict=True), key=lambda x: -x[0])[:5]
    profile = profile_queries(args, timed[: args.profile]) if args.profile else []
    exhaustive = exhaustive_baseline(timed[: args.exhaustive], tops)
    return {
        "exhaustive": exhaustive,
        "queries": len(timed),
        "warmup": WARMUP_QUERIES,
        "with_direction": sum(1 for q in timed if q.direction is not None),
        "kb_search_ms": latency_ms(total),
        "kb_search_ms_by_source": by_source,
        "candidates_ms": latency_ms(lookup),
        "steps_mean_ms": {s: 1000.0 * sum(v) / len(v) for s, v in steps.items()},
        "steps_p95_ms": {s: latency_ms(v)["p95"] for s, v in steps.items()},
        "candidates_found": {
            "p50": percentile(sorted(found), 50),
            "max": max(found, default=0),
            "mean": sum(found) / len(found) if found else 0,
        },
        "no_hit_queries": sum(1 for h in hits if h == 0),
        "slowest": [
            {"ms": 1000.0 * t, "q": q.text, "lang": q.lang, "direction": q.direction, "found": n}
            for t, q, n in slowest
        ],
        "vocabulary_terms": vocabulary,
        "vocabulary_load_ms": 1000.0 * vocabulary_seconds,
        "cpu_percent": cpu_load,
        "rss_start_kb": rss_start,
        "peak_rss_kb": peak,
        "profile": profile,
    }


def exhaustive_baseline(queries: list[Query], tops: list[list[int]]) -> dict[str, float]:
    """The same queries with every article that has any query term ranked, not only each word's
    best ones: what the candidate cut costs in time, and in results (top-10 overlap, same first
    result) — the baseline that kb_search's speed is bought against."""
    from qorgau.knowledge import search

    seconds, overlap, same_first = [], [], []
    saved = search.CANDIDATES, search.MIN_PER_WORD
    search.CANDIDATES = search.MIN_PER_WORD = 10**9
    try:
        for query, top in zip(queries, tops, strict=False):
            started = time.perf_counter()
            result = search.kb_search(query.text, lang=query.lang, direction=query.direction)
            seconds.append(time.perf_counter() - started)
            full = [hit.article.pk for hit in result]
            if full:
                overlap.append(len(set(full) & set(top)) / len(full))
                same_first.append(1.0 if top and top[0] == full[0] else 0.0)
    finally:
        search.CANDIDATES, search.MIN_PER_WORD = saved
    log(f"exhaustive ranking of {len(seconds)} queries done")
    return {
        "queries": len(seconds),
        **{f"ms_{k}": v for k, v in latency_ms(seconds).items()},
        "top10_overlap": sum(overlap) / len(overlap) if overlap else math.nan,
        "same_first": sum(same_first) / len(same_first) if same_first else math.nan,
    }


def profile_queries(args: argparse.Namespace, queries: list[Query]) -> list[dict[str, Any]]:
    """Run `queries` through kb_search under cProfile; the top functions by own time."""
    from qorgau.knowledge import search

    profiler = cProfile.Profile()
    profiler.enable()
    for query in queries:
        search.kb_search(query.text, lang=query.lang, direction=query.direction)
    profiler.disable()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    path = OUT_DIR / f"kb_speed-{args.worker_db}.prof"
    profiler.dump_stats(path)
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("cumulative").print_stats(25)
    stats.sort_stats("tottime").print_stats(15)
    log(f"cProfile of {len(queries)} queries ({path}):\n{text.getvalue()}")
    rows = []
    for (filename, line, name), (_cc, calls, tottime, cumtime, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append(
            {
                "function": f"{Path(filename).name}:{line}({name})",
                "calls": calls,
                "own_ms_per_query": 1000.0 * tottime / len(queries),
                "cumulative_ms_per_query": 1000.0 * cumtime / len(queries),
            }
        )
    return sorted(rows, key=lambda r: -r["own_ms_per_query"])[:15]


def code_digest() -> dict[str, str]:
    """Which knowledge-base code this process runs: the folder it was imported from and a hash
    of its sources and the thesaurus (other people may edit them during a long run)."""
    from qorgau import knowledge

    folder = Path(knowledge.__file__).parent
    digest = hashlib.sha256()
    for path in sorted([*folder.glob("*.py"), *folder.glob("data/*")]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return {"folder": str(folder), "sha256": digest.hexdigest()[:16]}


def worker(args: argparse.Namespace) -> int:
    """One database, one phase, in this process (--worker index|search): figures to --result."""
    exit_on_sigterm()
    django_setup()
    try:
        result = index_worker(args) if args.worker == "index" else search_worker(args)
        result["code"] = code_digest()
    finally:
        from django.db import connections

        connections.close_all()
    Path(args.result).write_text(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


# --- the parent: one pair of workers per database --------------------------------------------


def run_worker(args: argparse.Namespace, phase: str, db: str, env: dict[str, str]) -> Any:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
        result = Path(out.name)
    command = [
        sys.executable,
        *("-m", "bench.kb_speed"),
        *("--worker", phase, "--worker-db", db, "--result", str(result)),
        *("--articles", str(args.articles), "--queries", str(args.queries)),
        *("--saved", str(args.saved), "--batch", str(args.batch), "--seed", str(args.seed)),
        *("--profile", str(args.profile), "--exhaustive", str(args.exhaustive)),
    ]
    process = subprocess.Popen(command, cwd=PROJECT_DIR, env=env)
    try:
        if process.wait() != 0:
            raise SetupError(f"{db} {phase} worker exited with {process.returncode}")
        return json.loads(result.read_text())
    finally:
        if process.poll() is None:
            process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=30)
        result.unlink(missing_ok=True)


def measure(args: argparse.Namespace, db: str) -> dict[str, Any]:
    """Index and search one database. With --keep DIR the database stays (SQLite in DIR,
    PostgreSQL as qorgau_kbspeed) with its indexing figures in DIR/<db>-index.json, and a later
    run with the same --keep searches it again without indexing."""
    var_dir = args.keep or Path(tempfile.mkdtemp(prefix=f"qorgau-kbspeed-{db}-"))
    var_dir.mkdir(parents=True, exist_ok=True)
    kept = var_dir / f"{db}-index.json" if args.keep else None
    reuse = kept is not None and kept.exists()
    created = False
    try:
        if db == "postgres":
            if not reuse:
                log(f"creating database {DB_NAME}")
                database_create(DB_NAME, log)
            created = not args.keep
            url = f"postgres://postgres@{HOST}:5432/{DB_NAME}"
        else:
            url = f"sqlite:///{var_dir}/kbspeed.sqlite3"
        env = product_env(url, var_dir)
        if reuse and kept:
            log(f"{db}: reusing the database indexed earlier ({kept})")
            index = json.loads(kept.read_text())
        else:
            index = run_worker(args, "index", db, env)
            if kept:
                kept.write_text(json.dumps(index, ensure_ascii=False, indent=1))
        log(f"{db}: searching ({WARMUP_QUERIES} warm-up + {args.queries} queries)")
        return {"index": index, "search": run_worker(args, "search", db, env)}
    finally:
        if created:
            database_drop(DB_NAME, log)
        if not args.keep:
            shutil.rmtree(var_dir, ignore_errors=True)


def mb(kb_or_bytes: float, unit: int = 1024) -> str:
    return f"{kb_or_bytes / unit:,.0f}"


def report(args: argparse.Namespace, figures: dict[str, dict[str, Any]]) -> None:
    names = list(figures)
    first = next(iter(figures.values()))["index"]
    saved, bulk = first["article_save"]["articles"], first["bulk_index_article"]["articles"]
    print(
        f"\nkb_speed: {first['articles']:,} articles ({first['starter']['articles']} starter via "
        f"kb_import + {saved:,} generated via article_save + {bulk:,} bulk-created and indexed "
        f"by index_article; {first['published']:,} published), {args.queries} timed queries "
        f"after {WARMUP_QUERIES} warm-up, seed {args.seed}, {os.cpu_count()} CPUs"
    )

    def ms3(d: dict[str, float]) -> str:
        return f"{fmt(d['p50'])} / {fmt(d['p95'])} / {fmt(d['p99'])}"

    rows: list[tuple[str, Callable[[dict[str, Any], dict[str, Any]], str]]] = [
        ("indexing, article_save (art/s)", lambda i, s: f"{i['article_save']['rate']:,.0f}"),
        (
            "indexing, bulk + index_article (art/s)",
            lambda i, s: f"{i['bulk_index_article']['rate']:,.0f}",
        ),
        ("index terms (SearchTerm rows)", lambda i, s: f"{i['terms']:,}"),
        ("CPU % indexing: machine / script / others", lambda i, s: cpu_cell(i["cpu_percent"])),
        ("kb_search p50 / p95 / p99 (ms)", lambda i, s: ms3(s["kb_search_ms"])),
        ("kb_search max / mean (ms)", lambda i, s: latency_pair(s["kb_search_ms"])),
        ("  eval queries p50 / p95 / p99", lambda i, s: ms3(s["kb_search_ms_by_source"]["eval"])),
        (
            "  corpus-word queries p50 / p95 / p99",
            lambda i, s: ms3(s["kb_search_ms_by_source"]["corpus"]),
        ),
        ("bare _candidates p50 / p95 / p99 (ms)", lambda i, s: ms3(s["candidates_ms"])),
        (
            "baseline: exhaustive ranking p50 / p95 (ms)",
            lambda i, s: f"{s['exhaustive']['ms_p50']:,.0f} / {s['exhaustive']['ms_p95']:,.0f}",
        ),
        ("  its top 10 also in ours / same first result", lambda i, s: agreement(s)),
        (
            "mean ms: analyse/typos/cand./rank/snip./other",
            lambda i, s: " / ".join(fmt(v) for v in s["steps_mean_ms"].values()),
        ),
        (
            "candidates per query p50 / max",
            lambda i, s: f"{s['candidates_found']['p50']:.0f} / {s['candidates_found']['max']}",
        ),
        ("queries without a hit", lambda i, s: f"{s['no_hit_queries']}"),
        ("CPU % searching: machine / script / others", lambda i, s: cpu_cell(s["cpu_percent"])),
        ("typo vocabulary: load (ms)", lambda i, s: f"{s['vocabulary_load_ms']:,.0f}"),
        (
            "peak RSS indexing / searching (MB)",
            lambda i, s: f"{mb(i['peak_rss_kb'])} / {mb(s['peak_rss_kb'])}",
        ),
        (
            "knowledge tables / search index (MB)",
            lambda i, s: (
                f"{mb(i['sizes']['knowledge'], 2**20)} / {mb(i['sizes']['search_index'], 2**20)}"
            ),
        ),
        ("  of which the postings (MB)", lambda i, s: mb(i["sizes"].get("postings", 0), 2**20)),
        ("database on disk (MB)", lambda i, s: mb(i["sizes"]["database"], 2**20)),
        (
            f"kb_search p95 <= {TARGET_P95_MS:.0f} ms",
            lambda i, s: "met" if s["kb_search_ms"]["p95"] <= TARGET_P95_MS else "not met",
        ),
    ]
    table = [
        (label, [value(figures[n]["index"], figures[n]["search"]) for n in names])
        for label, value in rows
    ]
    print_table(names, table)
    codes = {f[phase]["code"]["sha256"] for f in figures.values() for phase in ("index", "search")}
    if len(codes) > 1:
        print(f"WARNING: the knowledge-base code changed during the run ({sorted(codes)})")
    for n in names:
        slow = figures[n]["search"]["slowest"][:3]
        print(
            f"{n} slowest: "
            + "; ".join(
                f"{x['q']!r} ({x['lang']}) {x['ms']:.0f} ms, {x['found']} cand." for x in slow
            )
        )


def agreement(search: dict[str, Any]) -> str:
    exhaustive = search["exhaustive"]
    return f"{exhaustive['top10_overlap']:.0%} / {exhaustive['same_first']:.0%}"


def cpu_cell(cpu: dict[str, float]) -> str:
    """Machine / this process / others (neither this process nor PostgreSQL), % of one core."""
    return f"{cpu['machine']:.0f} / {cpu['this_process']:.0f} / {cpu['other']:.0f}"


def latency_pair(d: dict[str, float]) -> str:
    return f"{fmt(d['max'])} / {fmt(d['mean'])}"


def git_head() -> str:
    """The commit the project folder is at (read only), for the record."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=PROJECT_DIR,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return ""
    return done.stdout.strip()


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--articles", type=int, default=100_000, help="in all (100000)")
    parser.add_argument("--queries", type=int, default=300, help="timed queries (300)")
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument(
        "--saved",
        type=int,
        default=10_000,
        help="generated articles indexed through article_save; the rest bulk (10000)",
    )
    parser.add_argument("--batch", type=int, default=500, help="articles per transaction (500)")
    parser.add_argument("--profile", type=int, default=0, help="queries to run under cProfile")
    parser.add_argument(
        "--exhaustive", type=int, default=30, help="queries also ranked exhaustively (30)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument(
        "--keep", type=Path, default=None, help="keep the databases here; reuse them next time"
    )
    parser.add_argument("--worker", choices=("index", "search"), help=argparse.SUPPRESS)
    parser.add_argument("--worker-db", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.articles < 1 or args.queries < 1 or args.batch < 2 or args.saved < 0:
        parser.error("--articles, --queries and --batch must be positive, --saved >= 0")
    args.batch += args.batch % 2  # a kk/ru pair stays in one batch
    return args


def main() -> int:
    args = parse_args()
    if args.worker:
        return worker(args)
    exit_on_sigterm()  # the finally blocks stop the worker and drop the database
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    figures: dict[str, dict[str, Any]] = {}
    try:
        for db in databases:
            figures[db] = measure(args, db)
    except (SetupError, psycopg.Error) as exc:
        log(f"FAILED: {exc}")
        return 2
    report(args, figures)
    if args.json:
        summary = {
            "articles": args.articles,
            "queries": args.queries,
            "seed": args.seed,
            "cpus": os.cpu_count(),
            "target_p95_ms": TARGET_P95_MS,
            "commit": git_head(),
            "databases": figures,
        }
        write_json(args.json, summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
