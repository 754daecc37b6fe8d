"""Typo-tolerant product search, held in memory and rebuilt only when the catalogue changes.

Every word of every active product goes into a vocabulary with postings (word -> products,
weighted by the field it came from). A query word is matched against the vocabulary, not
against the products: typos are found through the words one deletion away from it (as in
SymSpell), so the work grows with the products a query matches, not with the catalogue.

A name word that also names the product's category ("Hoodie" among "Hoodies") says what the
product is, so it outweighs a word such as a colour that any product can have: "black hoodie"
lists the other hoodies before a black cap.
"""

from __future__ import annotations

import asyncio
import bisect
import re
import time
import unicodedata
from collections import Counter, OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import compress, islice, repeat
from operator import itemgetter

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.revisions import CATALOG, CATALOG_CHANGED
from bot.metrics import ShopMetrics
from bot.models import (
    CatalogRevision,
    Category,
    CategoryTranslation,
    Product,
    ProductTranslation,
    Size,
)
from bot.services.errors import InvalidInput
from bot.services.pagination import Page, check_page
from bot.services.product_fields import ONE_SIZE

MAX_QUERY_LENGTH = 100
MAX_QUERY_WORDS = 10

# Field weights: a word in the name counts most, one in the description or a size least.
NAME_WEIGHT = 1.0
KIND_WEIGHT = 1.6  # a name word that is also the category's: what the product is
CATEGORY_WEIGHT = 0.6
DESCRIPTION_WEIGHT = 0.3
SIZE_WEIGHT = 0.3
KIND_ENDING = 2  # "cap" names "Caps", "jacket" names "Jackets", but "cap" is no "Capris"
SCORE_SCALE = 100  # scores are summed as integers, so equal matches tie exactly

# Similarities are rapidfuzz ratios (0-100); a match counts (similarity/100)² of its weight.
KNOWN_WORD_CUTOFF = 90.0  # a word the shop uses only brings its close variants (plurals)
PREFIX_SIMILARITY = 85.0  # "sneak" counts like a one-letter typo of "sneakers"
MAX_FUZZY_MATCHES = 12
MAX_COMPLETIONS = 30
MIN_RELATIVE_SCORE = 0.5  # hits scoring less than half the best one are noise
WORD_CACHE_ENTRIES = 1_000_000  # product scores kept for recent query words (~40 MB)

# Set in session.info by a transaction that changed the catalogue and has not committed yet.

_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True)
class SearchHit:
    product_id: int
    name: str
    price: int
    currency: str
    score: float


@dataclass(frozen=True, slots=True)
class IndexRow:
    """What the index needs of one active product."""

    product_id: int
    name: str
    price: int
    currency: str
    category: str = ""
    description: str = ""
    sizes: str = ""  # the size names, space-separated
    translations: str = ""  # its names in other languages, space-separated


def normalize(text: str) -> str:
    """Casefold and drop accents, so "Café" and "cafe" are the same word."""
    folded = text.casefold()
    if folded.isascii():
        return folded
    decomposed = unicodedata.normalize("NFKD", folded)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def tokenize(text: str) -> list[str]:
    """Words of a text; "T-Shirt" gives "tshirt", "t" and "shirt" so every spelling meets."""
    tokens: list[str] = []
    for chunk in normalize(text).split():
        parts = _WORD.findall(chunk)
        if len(parts) > 1:
            tokens.append("".join(parts))
        tokens.extend(parts)
    return tokens


def clean_query(query: str) -> str:
    text = query.strip()
    if not text:
        raise InvalidInput("search.empty_query")
    return text[:MAX_QUERY_LENGTH]


def query_words(query: str) -> list[str]:
    """Distinct words of a query; single letters only when there is nothing longer, but every
    number ("Tee 3")."""
    words = list(dict.fromkeys(tokenize(clean_query(query))))
    kept = [word for word in words if len(word) > 1 or word.isdigit()]
    return (kept or words)[:MAX_QUERY_WORDS]


def _typo_cutoff(word: str) -> float | None:
    """Short words allow fewer typos; one or two letters must match exactly or as a prefix."""
    if len(word) <= 2:
        return None
    if len(word) == 3:
        return 80.0
    return 75.0 if len(word) == 4 else 72.0


def _names_category(word: str, category: Sequence[str]) -> bool:
    """Whether a name word is one of the category's words, give or take an ending."""
    if len(word) < 2 or word.isdigit():
        return False
    return any(
        token == word
        or (
            min(len(token), len(word)) >= 3
            and abs(len(token) - len(word)) <= KIND_ENDING
            and (token.startswith(word) or word.startswith(token))
        )
        for token in category
    )


def _deletions(word: str) -> set[str]:
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


class SearchIndex:
    """An index of products, immutable but for a cache of recent query words: build it once,
    then query it from any number of asyncio tasks (one thread)."""

    def __init__(
        self,
        rows: Sequence[IndexRow],
        postings: dict[str, tuple[tuple[float, list[int]], ...]],
        typo_words: Iterable[str],
    ) -> None:
        self._rows = rows
        self._postings = postings
        self._vocabulary = sorted(postings)
        self._typo_words = sorted(typo_words)
        self._name_words = frozenset(self._typo_words)
        self._by_deletion: dict[str, list[str]] = {}
        for word in self._typo_words:
            for key in _deletions(word):
                self._by_deletion.setdefault(key, []).append(word)
        self._name_order = sorted(
            range(len(rows)),
            key=lambda i: (normalize(rows[i].name), rows[i].name, rows[i].product_id),
        )
        self._name_rank = [0] * len(rows)
        for rank, index in enumerate(self._name_order):
            self._name_rank[index] = rank
        self._cache = _WordCache(WORD_CACHE_ENTRIES)

    @classmethod
    def build(cls, rows: Iterable[IndexRow]) -> SearchIndex:
        products = list(rows)
        grouped: dict[str, dict[float, list[int]]] = {}
        typo_words: set[str] = set()
        kinds: dict[tuple[str, str], bool] = {}
        for index, row in enumerate(products):
            name, category = tokenize(f"{row.name} {row.translations}"), tokenize(row.category)
            typo_words.update(name, category)
            best = dict.fromkeys(tokenize(row.description), DESCRIPTION_WEIGHT)
            best.update(dict.fromkeys(tokenize(row.sizes), SIZE_WEIGHT))
            best.update(dict.fromkeys(category, CATEGORY_WEIGHT))
            for token in name:  # the heaviest field wins
                kind = kinds.get((row.category, token))
                if kind is None:
                    kind = kinds[row.category, token] = _names_category(token, category)
                best[token] = KIND_WEIGHT if kind else NAME_WEIGHT
            for token, weight in best.items():
                grouped.setdefault(token, {}).setdefault(weight, []).append(index)
        postings = {token: tuple(by_weight.items()) for token, by_weight in grouped.items()}
        # Typos are forgiven in names and categories; codes and numbers must be typed right.
        typo_words = {word for word in typo_words if word.isalpha() and len(word) >= 3}
        return cls(products, postings, typo_words)

    def __len__(self) -> int:
        return len(self._rows)

    def query(self, text: str, limit: int = 10) -> list[SearchHit]:
        """The best `limit` hits, best first."""
        return self._ranked(text, limit)[1]

    def page(self, text: str, *, page: int = 1, per_page: int = 8) -> Page[SearchHit]:
        offset = check_page(page, per_page)
        total, hits = self._ranked(text, offset + per_page)
        return Page(items=hits[offset:], page=page, per_page=per_page, total=total)

    def _ranked(self, text: str, limit: int) -> tuple[int, list[SearchHit]]:
        """How many products match, and the best `limit` of them by score, then by name."""
        scores = self._scores(query_words(text))
        if not scores:
            return 0, []
        counts = sorted(Counter(scores.values()).items(), reverse=True)
        floor = counts[0][0] * MIN_RELATIVE_SCORE
        kept = [(score, count) for score, count in counts if score >= floor]
        lowest = _lowest_needed(kept, limit)
        # Two passes in C rather than one in Python: the few above the cut, then the tie at it.
        above = list(compress(scores, map(lowest.__lt__, scores.values())))
        above.sort(key=lambda index: (-scores[index], self._name_rank[index]))
        tied = set(compress(scores, map(lowest.__eq__, scores.values())))
        ranked = above + self._first_by_name(tied, limit - len(above))
        return sum(count for _, count in kept), [self._hit(i, scores[i]) for i in ranked]

    def _first_by_name(self, products: set[int], count: int) -> list[int]:
        """The first `count` products in name order, without sorting a huge tie."""
        if len(products) ** 2 <= count * len(self._rows):
            return sorted(products, key=self._name_rank.__getitem__)[:count]
        return list(islice(filter(products.__contains__, self._name_order), count))

    def _hit(self, index: int, score: int) -> SearchHit:
        row = self._rows[index]
        return SearchHit(row.product_id, row.name, row.price, row.currency, score / SCORE_SCALE)

    def _scores(self, words: Sequence[str]) -> dict[int, int]:
        """Each product's sum, over the query words, of its best match for the word; only for
        products that can reach the result floor."""
        matched = sorted(
            (scores for scores in map(self._word_scores, words) if scores.by_product),
            key=lambda scores: len(scores.by_product),
        )
        if not matched:
            return {}
        # The commonest words cannot lift a product to the floor on their own, so they only
        # add to the products found through rarer words instead of joining the sum.
        floor = MIN_RELATIVE_SCORE * _best_score_lower_bound(matched)
        common: list[_WordScores] = []
        while len(matched) > 1 and sum(word.best for word in common) + matched[-1].best < floor:
            common.append(matched.pop())
        total = matched[-1].by_product
        if len(matched) > 1 or common:
            total = dict(total)  # a copy, as word scores are cached
        for word in matched[:-1]:
            _add(total, word.by_product, word.by_product.keys())
        for word in common:
            _add(total, word.by_product, word.by_product.keys() & total.keys())
        return total

    def _word_scores(self, word: str) -> _WordScores:
        scores = self._cache.get(word)
        if scores is None:
            scores = self._cache.put(word, self._score_word(word))
        return scores

    def _score_word(self, word: str) -> _WordScores:
        weighted = sorted(
            (
                (round(SCORE_SCALE * weight * (similarity / 100) ** 2), products)
                for token, similarity in self._matches(word)
                for weight, products in self._postings[token]
            ),
            key=itemgetter(0),
        )
        by_product: dict[int, int] = {}
        for score, products in weighted:  # ascending, so each product keeps its best
            by_product.update(zip(products, repeat(score)))
        return _WordScores(by_product, max(by_product.values(), default=0))

    def _matches(self, word: str) -> list[tuple[str, float]]:
        """Vocabulary words close to a query word, with their similarity. A word spelled as in
        some name brings only its close variants; any other is taken as a typo or unfinished."""
        known = word in self._name_words
        found = dict(self._typos(word, KNOWN_WORD_CUTOFF if known else _typo_cutoff(word)))
        for token in self._completions(word):
            if not known or len(token) <= len(word) + 2:  # "cap" -> "caps", not "capri"
                found[token] = max(found.get(token, 0.0), PREFIX_SIMILARITY)
        if word in self._postings:
            found[word] = 100.0
        return list(found.items())

    def _typos(self, word: str, cutoff: float | None) -> list[tuple[str, float]]:
        if cutoff is None:
            return []
        near = {token for key in _deletions(word) for token in self._by_deletion.get(key, ())}
        found = self._closest(word, sorted(near), cutoff)
        if not found and cutoff < KNOWN_WORD_CUTOFF:
            # Two typos in one word: rare, so the full scan of the vocabulary is affordable.
            found = self._closest(word, self._typo_words, cutoff)
        return found

    @staticmethod
    def _closest(word: str, tokens: Sequence[str], cutoff: float) -> list[tuple[str, float]]:
        matches = process.extract(
            word, tokens, scorer=fuzz.ratio, score_cutoff=cutoff, limit=MAX_FUZZY_MATCHES
        )
        return [(token, similarity) for token, similarity, _ in matches]

    def _completions(self, word: str) -> list[str]:
        if len(word) < 3:
            return []
        start = bisect.bisect_left(self._vocabulary, word)
        tokens = islice(self._vocabulary, start, start + MAX_COMPLETIONS)
        return [token for token in tokens if token.startswith(word)]


@dataclass(frozen=True, slots=True)
class _WordScores:
    by_product: dict[int, int]  # product -> its best score for one query word
    best: int


class _WordCache:
    """Recent query words and their product scores, bounded by their total size."""

    def __init__(self, max_entries: int) -> None:
        self._max_entries = max_entries
        self._entries = 0
        self._items: OrderedDict[str, _WordScores] = OrderedDict()

    def get(self, word: str) -> _WordScores | None:
        scores = self._items.get(word)
        if scores is not None:
            self._items.move_to_end(word)
        return scores

    def put(self, word: str, scores: _WordScores) -> _WordScores:
        self._items[word] = scores
        self._entries += len(scores.by_product)
        while self._entries > self._max_entries and len(self._items) > 1:
            _, evicted = self._items.popitem(last=False)
            self._entries -= len(evicted.by_product)
        return scores


def _add(total: dict[int, int], scores: dict[int, int], products: Iterable[int]) -> None:
    get = total.get
    for index in products:
        total[index] = get(index, 0) + scores[index]


def _best_score_lower_bound(words: Sequence[_WordScores], sample: int = 200) -> int:
    """The best total among a few products of the rarest word; the best hit has at least it."""
    return max(
        sum(word.by_product.get(index, 0) for word in words)
        for index in islice(words[0].by_product, sample)
    )


def _lowest_needed(counts: Sequence[tuple[int, int]], limit: int) -> int:
    """The lowest score among the best `limit` products (counts: score and how many, best
    first)."""
    seen = 0
    for score, count in counts:
        seen += count
        if seen >= limit:
            return score
    return counts[-1][0]


class CatalogSearch:
    """The search index of one bot process.

    Each query reads the catalogue revision (one primary-key lookup) and rebuilds the index
    only when it moved, so changes made by this or any other process show up at once.
    With `metrics`, each search is timed.
    """

    def __init__(self, *, metrics: ShopMetrics | None = None) -> None:
        self._index = SearchIndex.build(())
        self._revision: int | None = None
        self._lock = asyncio.Lock()
        self.metrics = metrics

    async def search(
        self,
        session: AsyncSession,
        query: str,
        *,
        page: int = 1,
        per_page: int = 8,
        revision: int | None = None,
    ) -> Page[SearchHit]:
        """`revision`: the catalogue's, when the caller knows it (bot.db.revisions); else it is
        read."""
        check_page(page, per_page)
        text = clean_query(query)
        started = time.perf_counter()
        index = await self._current_index(session, revision)
        found = index.page(text, page=page, per_page=per_page)
        if self.metrics is not None:
            self.metrics.search_seconds.observe(time.perf_counter() - started)
        return found

    async def _current_index(self, session: AsyncSession, revision: int | None) -> SearchIndex:
        if session.info.get(CATALOG_CHANGED):
            # Uncommitted changes may still roll back, so an index of them is never kept.
            return await _build_index(session)
        if revision is None:
            revision = await catalog_revision(session)
        if revision != self._revision:
            async with self._lock:
                if revision != self._revision:
                    self._index = await _build_index(session)
                    self._revision = revision
        return self._index


async def catalog_revision(session: AsyncSession) -> int:
    statement = select(CatalogRevision.revision).where(CatalogRevision.id == CATALOG)
    return (await session.scalar(statement)) or 0


async def _build_index(session: AsyncSession) -> SearchIndex:
    """Every active product, by all its names: a German customer types the German one."""
    statement = (
        select(
            Product.id,
            Product.name,
            Product.price,
            Product.currency,
            Category.id,
            Category.name,
            Product.description,
        )
        .join(Category, Category.id == Product.category_id)
        .where(Product.is_active)
    )
    rows = (await session.execute(statement)).all()
    sizes = (
        await session.execute(
            select(Size.product_id, Size.name)
            .join(Product, Product.id == Size.product_id)
            .where(Product.is_active, Size.name != ONE_SIZE)
        )
    ).all()
    translated = (
        await session.execute(
            select(
                ProductTranslation.product_id,
                ProductTranslation.name,
                ProductTranslation.description,
            )
        )
    ).all()
    categories = (
        await session.execute(select(CategoryTranslation.category_id, CategoryTranslation.name))
    ).all()
    # Building 100k products takes a second or two: keep the event loop answering meanwhile.
    return await asyncio.to_thread(_index_of, rows, sizes, translated, categories)


def _index_of(
    rows: Sequence[tuple[int, str, int, str, int, str, str]],
    sizes: Sequence[tuple[int, str]],
    translated: Sequence[tuple[int, str | None, str | None]],
    category_names: Sequence[tuple[int, str]],
) -> SearchIndex:
    size_names = _grouped(sizes)
    names = _grouped((product_id, name) for product_id, name, _ in translated if name)
    descriptions = _grouped((id, text) for id, _, text in translated if text)
    categories = _grouped(category_names)
    return SearchIndex.build(
        IndexRow(
            product_id,
            name,
            price,
            currency,
            _joined(category, categories.get(category_id)),
            _joined(description, descriptions.get(product_id)),
            " ".join(size_names.get(product_id, ())),
            " ".join(names.get(product_id, ())),
        )
        for product_id, name, price, currency, category_id, category, description in rows
    )


def _grouped(pairs: Iterable[tuple[int, str]]) -> dict[int, list[str]]:
    grouped: dict[int, list[str]] = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    return grouped


def _joined(text: str, others: Sequence[str] | None) -> str:
    return " ".join((text, *others)) if others else text
