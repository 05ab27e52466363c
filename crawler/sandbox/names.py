"""Words for the sandbox web: site names, people, topics, sentences and anchors.

Everything is drawn from a caller's ``random.Random`` so one seed gives one web. Normal site
names never contain spam words, digits or two hyphens; spam site names always do (the
shared convention H recognises a spam site by its name).
"""

from __future__ import annotations

import random

TOPICS: dict[str, tuple[str, ...]] = {
    "cooking": ("sourdough", "cast iron", "fermentation", "knife skills", "spice blends", "slow cooking",
                "pasta dough", "weeknight dinners"),
    "travel": ("night trains", "carry-on packing", "hostels", "island hopping", "city walks", "road trips",
               "travel insurance", "rail passes"),
    "tech": ("mechanical keyboards", "home servers", "static sites", "password managers", "open source",
             "retro computing", "self-hosting", "terminal tools"),
    "gardening": ("tomatoes", "compost", "raised beds", "seed saving", "pruning", "houseplants",
                  "rainwater", "native bees"),
    "fitness": ("kettlebells", "trail running", "mobility", "rowing", "strength training", "marathons",
                "stretching", "recovery"),
    "photography": ("film cameras", "street photography", "prime lenses", "darkroom", "night skies",
                    "portraits", "light meters", "photo walks"),
    "cycling": ("gravel bikes", "bike touring", "wheel building", "commuting", "bike fitting", "tubeless tyres",
                "cargo bikes", "bike packing"),
    "music": ("synthesizers", "vinyl records", "home recording", "guitar pedals", "jazz standards",
              "drum machines", "ear training", "concert halls"),
    "pets": ("dog training", "cat nutrition", "aquariums", "rescue dogs", "bird watching", "pet insurance",
             "grooming", "puppy classes"),
    "home": ("tiny houses", "woodworking", "insulation", "paint colours", "tiling", "heat pumps",
             "workshop tools", "solar panels"),
    "coffee": ("espresso", "pour over", "coffee roasting", "grinders", "cold brew", "latte art",
               "single origin beans", "moka pots"),
    "books": ("crime novels", "poetry", "book clubs", "translations", "graphic novels", "reading lists",
              "used bookshops", "audiobooks"),
}

_NAME_WORDS = (
    "amber", "anchor", "aspen", "atlas", "birch", "blue", "bramble", "bright", "brook", "canyon", "cedar",
    "cinder", "clover", "cobalt", "copper", "coral", "crane", "crest", "daisy", "delta", "drift", "ember",
    "fable", "falcon", "fern", "field", "finch", "fjord", "flint", "forge", "fox", "garnet", "glade",
    "granite", "harbor", "hazel", "heron", "hollow", "indigo", "iris", "ivy", "juniper", "kestrel",
    "lantern", "larch", "linden", "lumen", "maple", "marble", "meadow", "mint", "moss", "north", "oak",
    "olive", "orbit", "otter", "pebble", "pine", "plume", "quartz", "quill", "raven", "reed", "ridge",
    "river", "robin", "rowan", "saffron", "sage", "salt", "silver", "slate", "sparrow", "spruce", "stone",
    "summit", "swift", "thistle", "tide", "timber", "umber", "valley", "velvet", "willow", "wren", "zephyr",
)
_NAME_SUFFIXES = {
    "blog": ("notes", "journal", "diary", "log", "kitchen", "corner", "pages", "days"),
    "news": ("times", "gazette", "herald", "post", "chronicle", "tribune", "courier", "daily"),
    "company": ("labs", "works", "goods", "supply", "studio", "systems", "outfitters", "company"),
    "forum": ("forum", "talk", "community", "board", "hub", "circle", "club", "commons"),
    "directory": ("guide", "finder", "listings", "directory", "reviews", "yellowbook", "local", "pages"),
    "social": ("social", "space", "town", "network", "place", "square", "nest", "connect"),
    "farm": ("resources", "linkhub", "partners", "weblinks", "sitelist", "linkpages", "webindex", "toplinks"),
}

#: Words whose presence (with digits or 2+ hyphens) marks a spam domain (convention H).
SPAM_WORDS: tuple[str, ...] = (
    "casino", "loans", "pills", "viagra", "cheap", "seo", "backlink", "payday", "poker", "cialis", "replica",
)
_SPAM_SHAPES = (
    ("cheap", "pills"), ("casino", "bonus"), ("payday", "loans"), ("seo", "backlinks"), ("cheap", "viagra"),
    ("poker", "online"), ("replica", "watches"), ("fast", "loans"), ("cialis", "shop"), ("casino", "royal"),
    ("cheap", "seo"), ("best", "payday", "loans"),
)
_SPAM_TAILS = ("24x7", "4u", "365", "777", "2024", "99", "911", "1", "247", "88")

#: Exact-match commercial anchors: a spam site links with these (convention H).
COMMERCIAL_ANCHORS: tuple[str, ...] = (
    "best payday loans", "buy cheap viagra", "casino bonus", "cheap pills online", "online casino",
    "payday loans", "buy backlinks", "cheap seo services", "replica watches", "fast cash loans",
    "cialis without prescription", "free casino spins", "poker bonus", "cheap viagra", "instant payday loans",
)

FIRST = (
    "Alice", "Ben", "Chloe", "Daniel", "Emma", "Felix", "Grace", "Hugo", "Isla", "Jonas", "Keira", "Liam",
    "Maya", "Noah", "Olivia", "Pablo", "Quinn", "Rosa", "Samir", "Tessa", "Umar", "Vera", "Wes", "Xenia",
    "Yusuf", "Zoe", "Aiko", "Bruno", "Carmen", "Dmitri", "Elif", "Farah", "Gwen", "Hana", "Ivan", "Jade",
)
LAST = (
    "Abbott", "Baker", "Castillo", "Dubois", "Eriksen", "Fischer", "Garcia", "Hughes", "Ito", "Jansen",
    "Kowalski", "Lindqvist", "Moreau", "Nakamura", "Okafor", "Petrov", "Quintero", "Rossi", "Schmidt",
    "Tanaka", "Ueda", "Varga", "Walsh", "Xu", "Yilmaz", "Zimmer", "Novak", "Silva", "Brennan", "Costa",
)

GENERIC_ANCHORS = ("click here", "here", "this post", "read more", "this article", "source", "website",
                   "more info", "link", "this guide")

_OPENERS = (
    "I have been thinking about {t} for a while now.",
    "Last month we finally tried {t} properly.",
    "Most guides to {t} skip the boring parts.",
    "A reader asked me about {t} again this week.",
    "There is a lot of noise around {t}.",
    "We spent a whole weekend on {t}.",
    "If you are new to {t}, start small.",
)
_MIDDLES = (
    "The first attempt was a mess, but the second one went much better.",
    "It takes patience, a notebook and a little bit of stubbornness.",
    "Nothing here needs expensive gear; a few basics go a long way.",
    "The details matter more than the brand names.",
    "Write down what you change so you can tell what helped.",
    "Some of the advice out there is simply out of date.",
    "A good routine beats a perfect plan that never starts.",
    "The community around it is friendly and generous with tips.",
    "We compared three approaches side by side over two weeks.",
    "Prices vary a lot, so shop around before you commit.",
)
_CLOSERS = (
    "Let me know in the comments how it goes for you.",
    "More on this next week.",
    "That is all for today; thanks for reading.",
    "I will update this post as I learn more.",
    "Questions are welcome, as always.",
)


def title_case(words: str) -> str:
    return " ".join(w[:1].upper() + w[1:] for w in words.split(" "))


def is_spam_name(domain: str) -> bool:
    label = domain.split(".")[0]
    spammy = any(word in label for word in SPAM_WORDS)
    return spammy and (any(c.isdigit() for c in label) or label.count("-") >= 2)


class Namer:
    """Unique names for sites and people, drawn from one random generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def _unique(self, make) -> str:
        for _ in range(1000):
            name = make()
            if name not in self.used:
                self.used.add(name)
                return name
        raise RuntimeError("ran out of sandbox names; lower --sites")

    def site(self, kind: str) -> str:
        rng = self.rng
        if kind == "spam":
            return self._unique(self._spam_name)
        suffixes = _NAME_SUFFIXES.get(kind, _NAME_SUFFIXES["blog"])
        tries = [0]

        def make() -> str:
            tries[0] += 1
            word, suffix = rng.choice(_NAME_WORDS), rng.choice(suffixes)
            if tries[0] > 40:  # the short names are taken: two words
                word += rng.choice(_NAME_WORDS)
            joiner = "-" if rng.random() < 0.3 else ""
            return f"{word}{joiner}{suffix}.test"

        name = self._unique(make)
        if any(w in name for w in SPAM_WORDS) or is_spam_name(name):
            return self.site(kind)
        return name

    def _spam_name(self) -> str:
        rng = self.rng
        tail = rng.choice(_SPAM_TAILS) if rng.random() < 0.8 else str(rng.randint(100, 9999))
        return "-".join([*rng.choice(_SPAM_SHAPES), tail]) + ".test"

    def dead_site(self, spammy: bool) -> str:
        """A domain that does not exist in the sandbox (answers 502)."""
        rng = self.rng
        if spammy:
            return self._unique(self._spam_name)
        return self._unique(lambda: f"{rng.choice(_NAME_WORDS)}{rng.choice(('shop', 'store', 'inn', 'cafe', 'press'))}"
                                    f"{rng.choice(('', '-old', '-archive'))}.test")

    def person(self) -> tuple[str, str]:
        """(display name, handle); handles are unique."""
        rng = self.rng
        for attempt in range(100_000):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            handle = f"{first.lower()}{last.lower()[: rng.randint(1, len(last))]}"
            if attempt > 30:
                handle += str(rng.randint(2, 9999))
            if handle not in self.used:
                self.used.add(handle)
                return f"{first} {last}", handle
        raise RuntimeError("ran out of sandbox names; lower --sites")


def brand(domain: str) -> str:
    """The brand a site calls itself: 'copper-kettle.test' -> 'Copper Kettle'."""
    label = domain.split(".")[0]
    for suffix in sorted({s for v in _NAME_SUFFIXES.values() for s in v}, key=len, reverse=True):
        if label.endswith(suffix) and len(label) > len(suffix) and "-" not in label:
            label = label[: -len(suffix)] + " " + suffix
            break
    return title_case(label.replace("-", " "))


def sentences(rng: random.Random, topic: str, count: int) -> list[str]:
    out = [rng.choice(_OPENERS).format(t=topic)]
    out += rng.sample(_MIDDLES, min(count, len(_MIDDLES)))
    if rng.random() < 0.6:
        out.append(rng.choice(_CLOSERS))
    return out


def headline(rng: random.Random, topic: str) -> str:
    shapes = ("A beginner's guide to {t}", "What I learned from a year of {t}", "{T}: five mistakes to avoid",
              "Why {t} is worth your time", "The honest truth about {t}", "{T} on a budget",
              "How we got started with {t}", "{T}, revisited", "Ten questions about {t}", "Notes on {t}")
    return rng.choice(shapes).format(t=topic, T=topic[:1].upper() + topic[1:])


def slug(text: str) -> str:
    out = []
    for ch in text.lower():
        out.append(ch if ch.isalnum() and ch.isascii() else "-")
    return "-".join(p for p in "".join(out).split("-") if p)[:60].strip("-")
