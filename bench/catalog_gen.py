"""A synthetic shop catalogue and labelled typo queries, the same for the same seed.

Products come in families (one brand, model and product type in one to four colours), as in a
real shop, so many names share most of their words. Queries are product names as customers
mistype them; each is labelled with every product of the intended name, since a search cannot
tell identically named products apart. Hard queries are three words of a name, every one of
them mistyped, labelled with every product whose name has those three words.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import accumulate

CURRENCY = "EUR"
MIN_TYPO_WORD = 4  # shorter words and codes ("Pro", "2") are typed right, as the index assumes
TWO_TYPOS_IN_A_WORD = 0.1  # most misspelt words are one edit away, some two
# Real catalogues use more words the bigger they get: invented brands and models join these.
PRODUCTS_PER_EXTRA_BRAND = 400
PRODUCTS_PER_EXTRA_MODEL = 20
ZIPF_EXPONENT = 0.7  # the most popular brand makes about 6% of 100k products

BRANDS = (
    "Northwind", "Kestrel", "Halden", "Urban Fox", "Marlow", "Tidewater", "Alder & Pine",
    "Brightwater", "Copperline", "Driftwood", "Fjordik", "Greystone", "Harbor Lane", "Ironbark",
    "Juniper", "Kittering", "Lumen", "Moorland", "Nordvik", "Oakridge", "Pembroke", "Quillon",
    "Redfern", "Saltmarsh", "Thornbury", "Upland", "Vantor", "Wexley", "Yarrow", "Zephyr Co",
    "Ashgrove", "Bramble", "Calder", "Dunmore", "Elmstead", "Foxglove", "Glenrock", "Hollis",
    "Inkwell", "Jasper & Vine", "Keswick", "Larkspur", "Millbrook", "Nettle", "Orwell",
    "Pinecrest", "Rowan", "Stellar", "Tamsin", "Umber", "Valley Forge", "Westbrook", "Wildmoor",
    "Zenmark", "Blackcomb", "Cardinal", "Silverline", "Meadowsweet",
)  # fmt: skip
MODELS = (
    "Aurora", "Summit", "Vector", "Nimbus", "Apex", "Horizon", "Pulse", "Glide", "Ridge",
    "Drift", "Echo", "Nova", "Orbit", "Pioneer", "Quest", "Rally", "Sierra", "Tempo", "Vista",
    "Zenith", "Atlas", "Breeze", "Cascade", "Delta", "Ember", "Falcon", "Granite", "Harbor",
    "Icon", "Journey", "Kinetic", "Legacy", "Meridian", "Nomad", "Onyx", "Pacific", "Quartz",
    "Ranger", "Solstice", "Trek", "Voyager", "Wander", "Xenon", "Yukon", "Zephyr", "Alpine",
    "Boulder", "Canyon", "Dune", "Eclipse", "Frontier", "Glacier", "Highland", "Island",
    "Jetstream", "Keystone", "Lagoon", "Mesa", "Northstar", "Outback", "Prairie", "Rapids",
    "Sequoia", "Tundra", "Uplift", "Vertex", "Willow", "Zion", "Arcadia", "Bolt", "Comet",
    "Dynamo", "Element", "Fusion", "Gravity", "Helix", "Impulse", "Jolt", "Kodiak", "Lunar",
    "Matrix", "Nebula", "Octane", "Phoenix", "Quantum", "Radius", "Stratus", "Titan",
    "Velocity", "Whirlwind", "Axis", "Blaze", "Cobalt", "Dash", "Envoy", "Flux", "Gale",
    "Haven", "Jade", "Karma", "Lynx", "Mistral", "Neon", "Opal", "Prism", "Quill", "Raven",
    "Spark", "Tidal", "Umbra", "Vortex", "Wave", "Yonder", "Zest", "Anchor", "Beacon",
    "Compass", "Drifter", "Everest", "Fable", "Grove", "Harmony", "Jubilee", "Kite", "Lantern",
    "Mosaic", "Nectar", "Oasis", "Pebble", "Quiver", "Riviera", "Sonnet", "Tango", "Unity",
    "Venture", "Wren",
)  # fmt: skip
MODEL_SUFFIXES = ("Pro", "Lite", "Max", "Plus", "Air", "2", "3", "4", "Sport", "Classic", "Mini")
COLOURS = (
    "Black", "White", "Navy", "Olive", "Grey", "Sand", "Burgundy", "Forest Green", "Sky Blue",
    "Charcoal", "Ivory", "Rust", "Mustard", "Teal", "Coral", "Lavender", "Khaki", "Maroon",
    "Cream", "Slate", "Midnight Blue", "Sage", "Crimson", "Stone", "Tan", "Plum", "Mint",
    "Denim Blue", "Graphite", "Pearl",
)  # fmt: skip
ADJECTIVES = (
    "Lightweight", "Durable", "Everyday", "Premium", "Classic", "Versatile", "Compact", "Soft",
    "Rugged", "Minimal", "Comfortable", "Sturdy",
)  # fmt: skip
TEMPLATES = ("{brand} {model} {kind} {colour}", "{brand} {model} {kind} – {colour}",
             "{brand} {model} {kind} ({colour})", "{brand} {model} {colour} {kind}")  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Department:
    category: str
    base_price: int  # euro cents
    kinds: tuple[str, ...]
    features: tuple[str, ...]


DEPARTMENTS = (
    _Department("Shoes", 8999, (
        "Running Shoes", "Trail Sneakers", "Court Sneakers", "High-Top Sneakers",
        "Hiking Boots", "Chelsea Boots", "Slip-On Loafers", "Sandals",
    ), ("with a cushioned sole", "in breathable mesh", "with a grippy rubber outsole",
        "in full-grain leather")),
    _Department("T-Shirts & Tops", 2499, (
        "Crew T-Shirt", "V-Neck T-Shirt", "Pocket T-Shirt", "Long Sleeve Top", "Polo Shirt",
        "Tank Top",
    ), ("in organic cotton", "with a ribbed collar", "in quick-drying jersey",
        "with double-stitched hems")),
    _Department("Hoodies & Sweatshirts", 5499, (
        "Pullover Hoodie", "Zip-Up Hoodie", "Crewneck Sweatshirt", "Fleece Jacket",
        "Quarter-Zip Sweater",
    ), ("in brushed fleece", "with a kangaroo pocket", "in loopback cotton",
        "with ribbed cuffs")),
    _Department("Trousers & Jeans", 6999, (
        "Slim Jeans", "Straight Jeans", "Chino Trousers", "Cargo Pants", "Joggers", "Shorts",
    ), ("in stretch denim", "with a relaxed fit", "in cotton twill", "with deep pockets")),
    _Department("Outerwear", 12999, (
        "Rain Jacket", "Puffer Jacket", "Parka", "Windbreaker", "Softshell Jacket",
        "Trench Coat",
    ), ("with taped seams", "with recycled insulation", "with a packable hood",
        "in waxed cotton")),
    _Department("Bags", 7999, (
        "Backpack", "Tote Bag", "Messenger Bag", "Duffel Bag", "Laptop Sleeve", "Crossbody Bag",
    ), ("in water-resistant nylon", "with a padded laptop pocket", "in heavy canvas",
        "with adjustable straps")),
    _Department("Accessories", 2999, (
        "Baseball Cap", "Beanie", "Scarf", "Leather Belt", "Wallet", "Sunglasses", "Wool Socks",
    ), ("in merino wool", "with polarised lenses", "in vegetable-tanned leather",
        "that fits every season")),
    _Department("Audio", 9999, (
        "Wireless Headphones", "Earbuds", "Bluetooth Speaker", "Soundbar", "Turntable",
    ), ("with active noise cancelling", "with a 30-hour battery", "with deep bass",
        "with a built-in microphone")),
    _Department("Electronics", 4999, (
        "Smartwatch", "Fitness Tracker", "Power Bank", "Phone Case", "USB-C Charger",
        "Mechanical Keyboard", "Wireless Mouse",
    ), ("with fast charging", "with a week of battery", "in shock-absorbing silicone",
        "with Bluetooth pairing")),
    _Department("Home & Kitchen", 3999, (
        "Coffee Mug", "French Press", "Chef Knife", "Cast Iron Skillet", "Desk Lamp",
        "Throw Blanket", "Water Bottle",
    ), ("that is dishwasher safe", "in stainless steel", "with a dimmable light",
        "in hand-glazed stoneware")),
    _Department("Sports & Outdoors", 5999, (
        "Yoga Mat", "Camping Tent", "Sleeping Bag", "Trekking Poles", "Cycling Helmet",
        "Dumbbell Set",
    ), ("for three seasons", "with a non-slip surface", "in ripstop nylon",
        "with adjustable fit")),
)  # fmt: skip

BRAND_SUFFIXES = ("Co", "Supply", "Works", "Studio", "Outfitters", "Goods")
_ONSETS = ("b", "c", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br",
           "cr", "dr", "fl", "gr", "kr", "pr", "st", "tr", "sh", "th", "ch")  # fmt: skip
_VOWELS = ("a", "e", "i", "o", "u", "a", "e", "i", "o", "ai", "ea", "io", "ou")
_CODAS = ("", "", "", "n", "r", "l", "s", "x", "nd", "rk", "th")
_KEYBOARD = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_TOKEN = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True)
class Product:
    product_id: int
    name: str
    category: str
    description: str
    price: int  # minor units
    currency: str = CURRENCY

    def row(self) -> tuple[int, str, int, str, str, str]:
        """The columns in the order the search index reads them from the database."""
        return (self.product_id, self.name, self.price, self.currency, self.category,
                self.description)  # fmt: skip


@dataclass(frozen=True, slots=True)
class TypoQuery:
    text: str
    name: str  # the name it was made from
    targets: frozenset[int]  # every product with that name
    edits: tuple[str, ...]


def catalogue(size: int, *, seed: int = 0) -> list[Product]:
    rng = random.Random(f"catalogue:{seed}:{size}")
    extra_brands = size // PRODUCTS_PER_EXTRA_BRAND
    invented = _invented_words(extra_brands + size // PRODUCTS_PER_EXTRA_MODEL, rng)
    brands = [
        f"{word} {rng.choice(BRAND_SUFFIXES)}" if rng.random() < 0.2 else word
        for word in invented[:extra_brands]
    ]
    pick_brand = _zipf_picker(BRANDS, brands, rng)
    pick_model = _zipf_picker(MODELS, invented[extra_brands:], rng)
    products: list[Product] = []
    while len(products) < size:
        department = rng.choice(DEPARTMENTS)
        kind = rng.choice(department.kinds)
        model = pick_model()
        if rng.random() < 0.25:
            model = f"{model} {rng.choice(MODEL_SUFFIXES)}"
        brand, template = pick_brand(), rng.choice(TEMPLATES)
        price = department.base_price * rng.randint(50, 200) // 100 // 100 * 100 + 99
        description = f"{rng.choice(ADJECTIVES)} {kind.lower()} {rng.choice(department.features)}."
        for colour in rng.sample(COLOURS, rng.randint(1, 4))[: size - len(products)]:
            name = template.format(brand=brand, model=model, kind=kind, colour=colour)
            product_id = len(products) + 1
            products.append(Product(product_id, name, department.category, description, price))
    return products


def _zipf_picker(
    known: Sequence[str], invented: Sequence[str], rng: random.Random
) -> Callable[[], str]:
    """Picks words by popularity: a few are common (the known ones), most are rare."""
    ranked = rng.sample(known, len(known)) + rng.sample(invented, len(invented))
    cumulative = list(accumulate(rank**-ZIPF_EXPONENT for rank in range(1, len(ranked) + 1)))
    return lambda: rng.choices(ranked, cum_weights=cumulative)[0]


def _invented_words(count: int, rng: random.Random) -> list[str]:
    """Distinct made-up, pronounceable words ("Brealon"), none of them a listed one."""
    taken = {word.casefold() for word in (*BRANDS, *MODELS, *COLOURS)}
    words: list[str] = []
    while len(words) < count:
        length = 2 if rng.random() < 0.7 else 3
        syllables = [rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(length)]
        word = "".join(syllables) + rng.choice(_CODAS)
        if len(word) >= MIN_TYPO_WORD and word not in taken:
            taken.add(word)
            words.append(word.capitalize())
    return words


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.casefold())


def typo_queries(products: Sequence[Product], count: int, *, seed: int = 0) -> list[TypoQuery]:
    """`count` misspelt names of products picked at random, each with at least one typo."""
    rng = random.Random(f"queries:{seed}:{len(products)}")
    names = _NameIndex(products)
    picks = rng.sample(range(len(products)), min(count, len(products)))
    picks += [rng.randrange(len(products)) for _ in range(count - len(picks))]
    queries = []
    for pick in picks:
        name = products[pick].name
        text, edits = _misspell(name, rng, names.unique_without)
        queries.append(TypoQuery(text, name, names.ids[name], edits))
    return queries


def hard_queries(products: Sequence[Product], count: int, *, seed: int = 0) -> list[TypoQuery]:
    """`count` queries of three words of a name (in any order), each mistyped, one of them
    an invented brand or model word: rare words that the typo must not turn into another."""
    rng = random.Random(f"hard:{seed}:{len(products)}")
    names = _NameIndex(products)
    long_enough = [product for product in products if len(_typoable(product.name)) >= 3]
    usable = [
        product for product in long_enough if not _LISTED_WORDS.issuperset(tokens(product.name))
    ] or long_enough  # a tiny catalogue may have no invented word in use yet
    queries = []
    for product in (rng.choice(usable) for _ in range(count)) if usable else ():
        words = _typoable(product.name)
        invented = [word for word in words if word.casefold() not in _LISTED_WORDS]
        first = rng.choice(invented or words)
        chosen = [first, *rng.sample([word for word in words if word != first], 2)]
        rng.shuffle(chosen)  # in any order, as people recall them
        typed, edits = [], []
        for word in chosen:
            kinds = rng.sample(sorted(_TYPOS), 2 if rng.random() < TWO_TYPOS_IN_A_WORD else 1)
            mistyped = word
            for kind in kinds:
                mistyped = _TYPOS[kind](mistyped, rng)
            if mistyped.casefold() == word.casefold():  # two typos that undid each other
                mistyped, kinds = _substitute(word, rng), ["letter substituted"]
            typed.append(mistyped)
            edits += kinds if len(kinds) == 1 else [*kinds, "two typos in a word"]
        text = " ".join(typed)
        if rng.random() < 0.5:
            text = text.lower()
        queries.append(TypoQuery(text, " ".join(chosen), names.having(chosen), tuple(edits)))
    return queries


_LISTED_WORDS = frozenset(
    tokens(" ".join((*BRANDS, *MODELS, *MODEL_SUFFIXES, *COLOURS, *BRAND_SUFFIXES)))
    + [token for department in DEPARTMENTS for kind in department.kinds for token in tokens(kind)]
)


def _typoable(name: str) -> list[str]:
    return [word for word in (word.strip("()") for word in name.split()) if _typo_position_ok(word)]


class _NameIndex:
    """Which distinct names contain which words, to know when a shortened name is still one."""

    def __init__(self, products: Sequence[Product]) -> None:
        grouped: defaultdict[str, set[int]] = defaultdict(set)
        self._by_token: defaultdict[str, set[str]] = defaultdict(set)
        for product in products:
            grouped[product.name].add(product.product_id)
        self.ids = {name: frozenset(ids) for name, ids in grouped.items()}
        for name in self.ids:
            for token in tokens(name):
                self._by_token[token].add(name)

    def having(self, words: Sequence[str]) -> frozenset[int]:
        """Every product whose name has all of `words`."""
        postings = [self._by_token[token] for token in tokens(" ".join(words))]
        return frozenset(
            product_id for name in set.intersection(*postings) for product_id in self.ids[name]
        )

    def unique_without(self, words: Sequence[str], name: str) -> bool:
        """Whether `name` is the only name containing every word of `words`."""
        postings = sorted((self._by_token[token] for token in tokens(" ".join(words))), key=len)
        return bool(postings) and set.intersection(*postings) == {name}


def _misspell(
    name: str, rng: random.Random, unique_without: Callable[[Sequence[str], str], bool]
) -> tuple[str, tuple[str, ...]]:
    words = [word.strip("()") for word in name.split() if _TOKEN.search(word)]
    edits: list[str] = []
    if rng.random() < 0.35:
        wanted = 1 if rng.random() < 0.7 else 2
        dropped = sum(_drop_a_word(words, name, rng, unique_without) for _ in range(wanted))
        edits += ["missing word"] if dropped == 1 else ["missing words"] if dropped else []
    if rng.random() < 0.3:
        moved = words.pop(rng.randrange(len(words)))
        words.insert(rng.randrange(len(words) + 1), moved)
        edits.append("word order")
    typoable = [i for i, word in enumerate(words) if _typo_position_ok(word)]
    for i in rng.sample(typoable, min(len(typoable), 1 if rng.random() < 0.7 else 2)):
        kinds = rng.sample(sorted(_TYPOS), 2 if rng.random() < TWO_TYPOS_IN_A_WORD else 1)
        for kind in kinds:
            words[i] = _TYPOS[kind](words[i], rng)
        edits += kinds if len(kinds) == 1 else [*kinds, "two typos in a word"]
    text = " ".join(words)
    if rng.random() < 0.5:
        text = text.lower()
        edits.append("lowercase")
    return text, tuple(edits)


def _drop_a_word(
    words: list[str],
    name: str,
    rng: random.Random,
    unique_without: Callable[[Sequence[str], str], bool],
) -> bool:
    """Drops a word if the rest still points at this name alone and has a word to misspell."""
    if len(words) <= 2:
        return False
    shorter = [words[:i] + words[i + 1 :] for i in range(len(words))]
    droppable = [
        i
        for i, rest in enumerate(shorter)
        if any(map(_typo_position_ok, rest)) and unique_without(rest, name)
    ]
    if droppable:
        del words[rng.choice(droppable)]
    return bool(droppable)


def _typo_position_ok(word: str) -> bool:
    return word.isalpha() and len(word) >= MIN_TYPO_WORD


# Typos spare the first letter, which people rarely get wrong.
def _drop(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word))
    return word[:i] + word[i + 1 :]


def _double(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word))
    return word[:i] + word[i] + word[i:]


def _substitute(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word))
    return word[:i] + _neighbour(word[i], rng) + word[i + 1 :]


def _swap(word: str, rng: random.Random) -> str:
    swappable = [i for i in range(1, len(word) - 1) if word[i] != word[i + 1]]
    if not swappable:
        return _substitute(word, rng)
    i = rng.choice(swappable)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def _neighbour(letter: str, rng: random.Random) -> str:
    """A key next to `letter` on a QWERTY keyboard, in the same case."""
    lower = letter.lower()
    for row in _KEYBOARD:
        if lower in row:
            at = row.index(lower)
            near = row[max(at - 1, 0) : at] + row[at + 1 : at + 2]
            pick = rng.choice(near)
            return pick.upper() if letter.isupper() else pick
    return rng.choice(_KEYBOARD[0])


_TYPOS: dict[str, Callable[[str, random.Random], str]] = {
    "letter dropped": _drop,
    "letters swapped": _swap,
    "letter doubled": _double,
    "letter substituted": _substitute,
}
