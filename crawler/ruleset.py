"""The classification and toxicity rules, loaded from the data files in ``crawler/rules/``.

Rules are data: domain lists, URL patterns, HTML markers, word lists and marker weights
live in documented files (``crawler/rules/README.md``) that an operator can extend without
touching code, by pointing ``BACKLINKS_RULES_DIR`` at a directory of files with the same
names: their entries are added to the shipped ones (``!entry`` in a list removes one),
their scalars (weights, thresholds) replace the shipped ones.

``load_rules()`` reads and compiles everything once (regexes compiled, lists turned into
frozensets) and caches the result per overlay directory.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

#: Plain-text list files: one entry a line, "#" comments.
LIST_FILES: tuple[str, ...] = (
    "spam_tlds.txt",
    "spam_words.txt",
    "commercial_words.txt",
    "commercial_intent.txt",
    "generic_anchors.txt",
    "social_domains.txt",
    "directory_domains.txt",
    "forum_domains.txt",
    "share_urls.txt",
)
TOML_FILES: tuple[str, ...] = ("page_kinds.toml", "toxicity.toml")
#: The page kinds of page_kinds.toml, in the order classification consults them.
PAGE_KINDS: tuple[str, ...] = (
    "forum",
    "social",
    "directory",
    "article",
    "guest_post",
    "sponsored_post",
    "link_farm",
)
#: Page kinds that also take a host list from ``<kind>_domains.txt``.
DOMAIN_KINDS: dict[str, str] = {
    "forum": "forum_domains.txt",
    "social": "social_domains.txt",
    "directory": "directory_domains.txt",
}
MARKER_KEYS: frozenset[str] = frozenset(
    {"generators", "schema_types", "og_types", "page_classes", "url_patterns", "title_words",
     "text_phrases", "min_prose"}
)
KIND_SCALARS: frozenset[str] = frozenset(
    {"min_weak", "min_outbound_sites", "min_outbound_share", "weak_yields_to"}
)


@dataclass(frozen=True, slots=True)
class MarkerSet:
    """The markers of one strength (strong or weak) of one page kind, compiled."""

    generators: tuple[str, ...] = ()
    schema_types: frozenset[str] = frozenset()
    og_types: frozenset[str] = frozenset()
    page_classes: frozenset[str] = frozenset()
    url_patterns: tuple[re.Pattern[str], ...] = ()
    #: All url_patterns in one alternation: one search tells whether any can match.
    url_any: re.Pattern[str] | None = None
    #: The title words / text phrases, whole words, case-insensitive.
    title_words: PhraseMatcher | None = None
    text_phrases: PhraseMatcher | None = None
    #: Hosts (a subdomain matches too); only the strong set of forum/social/directory.
    domains: frozenset[str] = frozenset()
    #: The page's main content has at least this many characters of prose (text outside
    #: links); 0: not a marker.
    min_prose: int = 0


@dataclass(frozen=True, slots=True)
class KindRules:
    name: str
    strong: MarkerSet
    weak: MarkerSet
    #: How many different weak markers make the kind without a strong one.
    min_weak: int = 2
    #: Page kinds whose STRONG evidence overrides this kind's WEAK evidence.
    weak_yields_to: tuple[str, ...] = ()
    #: link_farm only.
    min_outbound_sites: int = 100
    min_outbound_share: float = 0.5


@dataclass(frozen=True, slots=True)
class MarkerRule:
    """One toxicity marker: its weight and its explanation template."""

    name: str
    weight: int
    explanation: str


@dataclass(frozen=True, slots=True)
class Rules:
    kinds: Mapping[str, KindRules]
    spam_tlds: frozenset[str]
    spam_words: tuple[str, ...]
    commercial_words: frozenset[str]
    commercial_intent: frozenset[str]
    #: Multi-word intent phrases ("pas cher"), matched inside the anchor.
    commercial_intent_phrases: tuple[str, ...]
    generic_anchors: frozenset[str]
    markers: Mapping[str, MarkerRule]
    subnet_min_domains: int
    domain_min_digits: int
    domain_min_hyphens: int
    commercial_max_words: int
    #: Share-button endpoints: host -> the starts of their paths (share_urls.txt).
    share_urls: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


# -- reading and merging ----------------------------------------------------------------------


def _read_list(text: str) -> list[str]:
    entries = []
    for line in text.splitlines():
        entry = line.split("#", 1)[0].strip().lower()
        if entry:
            entries.append(" ".join(entry.split()))
    return entries


def _merge_list(base: Iterable[str], extra: Iterable[str]) -> list[str]:
    merged = list(dict.fromkeys(base))
    for entry in extra:
        if entry.startswith("!"):
            merged = [item for item in merged if item != entry[1:].strip()]
        elif entry not in merged:
            merged.append(entry)
    return merged


def _merge_toml(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        old = merged.get(key)
        if isinstance(old, dict) and isinstance(value, Mapping):
            merged[key] = _merge_toml(old, value)
        elif isinstance(old, list) and isinstance(value, list):
            merged[key] = _merge_list(old, value)
        else:
            merged[key] = value
    return merged


def _shipped_text(name: str) -> str:
    return resources.files("crawler").joinpath("rules", name).read_text(encoding="utf-8")


def _overlay_files(extra_dir: Path) -> dict[str, str]:
    if not extra_dir.is_dir():
        raise ValueError(
            f"BACKLINKS_RULES_DIR {str(extra_dir)!r} is not a directory: "
            "point it at a directory of rule files or leave it empty"
        )
    known = set(LIST_FILES) | set(TOML_FILES)
    found: dict[str, str] = {}
    for path in sorted(extra_dir.iterdir()):
        if path.suffix not in (".txt", ".toml"):
            continue
        if path.name not in known:
            raise ValueError(
                f"unknown rule file {str(path)!r}: name it after one of the shipped files "
                f"({', '.join(sorted(known))})"
            )
        found[path.name] = path.read_text(encoding="utf-8")
    return found


def _parse_toml(text: str, where: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"rule file {where} is not valid TOML: {error}") from error


# -- compiling ---------------------------------------------------------------------------------


class PhraseMatcher:
    """Finds whole-word phrases in text, case-insensitively.

    ``str.find`` per phrase on the lower-cased text, then a word-boundary check: several
    times faster than one regex alternation with look-arounds on pages of a few thousand
    characters. Whitespace inside a phrase matches one space (page text is collapsed).

    Phrases that share a word fragment ("guest" of "guest author" and "guest post by")
    are grouped under it: when the fragment is not in the text, which is the common
    case, one scan rules out the whole group."""

    __slots__ = ("phrases", "groups")

    def __init__(self, phrases: Iterable[str]) -> None:
        unique = {" ".join(p.lower().split()) for p in phrases}
        self.phrases: tuple[str, ...] = tuple(sorted((p for p in unique if p), key=len, reverse=True))
        #: (fragment, the phrases that contain it, longest first); a phrase that shares
        #: no fragment is its own.
        self.groups: tuple[tuple[str, tuple[str, ...]], ...] = _phrase_groups(self.phrases)

    def __bool__(self) -> bool:
        return bool(self.phrases)

    def search(self, text_lower: str) -> str:
        """The phrase found earliest in ``text_lower`` (already lower-cased; the longest of
        those starting at the same place), or ""."""
        best, best_at = "", len(text_lower) + 1
        for fragment, phrases in self.groups:
            if fragment not in text_lower:
                continue
            for phrase in phrases:
                at = text_lower.find(phrase)
                while 0 <= at <= best_at:
                    if at == best_at and len(phrase) <= len(best):
                        break  # a longer phrase of another group starts here
                    end = at + len(phrase)
                    if (at == 0 or not text_lower[at - 1].isalnum()) and (
                        end == len(text_lower) or not text_lower[end].isalnum()
                    ):
                        best, best_at = phrase, at
                        break
                    at = text_lower.find(phrase, at + 1)
        return best


#: The shortest word fragment that groups phrases (shorter ones are in most texts).
GROUP_FRAGMENT_MIN = 4


def _phrase_groups(phrases: tuple[str, ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``phrases`` (longest first) grouped greedily: the fragment of a word (no spaces,
    at least GROUP_FRAGMENT_MIN characters) that the most phrases not yet grouped contain
    (the longer of equals) makes a group, while one is shared by two phrases or more; each
    other phrase is a group of its own, under itself."""
    groups = []
    left = list(phrases)
    while left:
        counts: dict[str, int] = {}
        for phrase in left:
            for fragment in _word_fragments(phrase):
                counts[fragment] = counts.get(fragment, 0) + 1
        fragment = max(counts, key=lambda f: (counts[f], len(f), f), default="")
        if not fragment or counts[fragment] < 2:
            break
        groups.append((fragment, tuple(p for p in left if fragment in p)))
        left = [p for p in left if fragment not in p]
    groups.extend((phrase, (phrase,)) for phrase in left)
    return tuple(groups)


def _word_fragments(phrase: str) -> set[str]:
    """The distinct substrings of the words of ``phrase`` with GROUP_FRAGMENT_MIN
    characters or more."""
    return {
        word[start:end]
        for word in phrase.split()
        for start in range(len(word))
        for end in range(start + GROUP_FRAGMENT_MIN, len(word) + 1)
    }


def _phrases(value: Any) -> list[str]:
    if isinstance(value, Mapping):
        return [phrase for phrases in value.values() for phrase in phrases]
    return list(value)


def _marker_set(table: Mapping[str, Any], where: str, domains: Iterable[str] = ()) -> MarkerSet:
    unknown = set(table) - MARKER_KEYS
    if unknown:
        raise ValueError(
            f"unknown key(s) {sorted(unknown)} in {where}: use {sorted(MARKER_KEYS)}"
        )
    patterns = []
    for pattern in table.get("url_patterns", ()):
        try:
            patterns.append(re.compile(pattern, re.IGNORECASE))
        except re.error as error:
            raise ValueError(f"bad url pattern {pattern!r} in {where}: {error}") from error
    return MarkerSet(
        generators=tuple(g.lower() for g in table.get("generators", ())),
        schema_types=frozenset(s.lower() for s in table.get("schema_types", ())),
        og_types=frozenset(o.lower() for o in table.get("og_types", ())),
        page_classes=frozenset(c.lower() for c in table.get("page_classes", ())),
        url_patterns=tuple(patterns),
        url_any=(
            re.compile("|".join(f"(?:{p.pattern})" for p in patterns), re.IGNORECASE)
            if patterns
            else None
        ),
        title_words=PhraseMatcher(table.get("title_words", ())) or None,
        text_phrases=PhraseMatcher(_phrases(table.get("text_phrases", ()))) or None,
        domains=frozenset(domains),
        min_prose=_count(table.get("min_prose", 0), f"{where}.min_prose"),
    )


def _count(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{where} must be a whole number of characters >= 0, not {value!r}")
    return value


def _kind_rules(name: str, table: Mapping[str, Any], domains: Iterable[str]) -> KindRules:
    where = f"page_kinds.toml [{name}]"
    unknown = set(table) - KIND_SCALARS - {"strong", "weak"}
    if unknown:
        raise ValueError(
            f"unknown key(s) {sorted(unknown)} in {where}: use strong, weak, "
            f"{', '.join(sorted(KIND_SCALARS))}"
        )
    return KindRules(
        name=name,
        strong=_marker_set(table.get("strong", {}), f"{where}.strong", domains),
        weak=_marker_set(table.get("weak", {}), f"{where}.weak"),
        min_weak=int(table.get("min_weak", 2)),
        weak_yields_to=_yields_to(table.get("weak_yields_to", ()), where),
        min_outbound_sites=int(table.get("min_outbound_sites", 100)),
        min_outbound_share=float(table.get("min_outbound_share", 0.5)),
    )


def _yields_to(value: Any, where: str) -> tuple[str, ...]:
    kinds = tuple(value)
    unknown = set(kinds) - set(PAGE_KINDS)
    if unknown:
        raise ValueError(f"weak_yields_to in {where} names unknown page kind(s) {sorted(unknown)}")
    return kinds


def _markers(table: Mapping[str, Any]) -> dict[str, MarkerRule]:
    markers = {}
    for name, spec in table.items():
        try:
            markers[name] = MarkerRule(name, int(spec["weight"]), str(spec["explanation"]))
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(
                f"toxicity.toml [markers.{name}] needs an integer weight and an explanation"
            ) from error
    return markers


@lru_cache(maxsize=8)
def load_rules(extra_dir: str | None = None) -> Rules:
    """The shipped rules, with the files of ``extra_dir`` (an operator's
    ``BACKLINKS_RULES_DIR``) merged on top. Read and compiled once per directory."""
    overlay = _overlay_files(Path(extra_dir)) if extra_dir else {}
    lists: dict[str, list[str]] = {}
    for name in LIST_FILES:
        lists[name] = _merge_list(_read_list(_shipped_text(name)), _read_list(overlay.get(name, "")))
    tables: dict[str, dict[str, Any]] = {}
    for name in TOML_FILES:
        table = _parse_toml(_shipped_text(name), name)
        if name in overlay:
            table = _merge_toml(table, _parse_toml(overlay[name], f"{extra_dir}/{name}"))
        tables[name] = table
    kinds_table = tables["page_kinds.toml"]
    unknown = set(kinds_table) - set(PAGE_KINDS)
    if unknown:
        raise ValueError(
            f"unknown page kind(s) {sorted(unknown)} in page_kinds.toml: use {list(PAGE_KINDS)}"
        )
    kinds = {
        name: _kind_rules(
            name, kinds_table.get(name, {}), lists.get(DOMAIN_KINDS.get(name, ""), ())
        )
        for name in PAGE_KINDS
    }
    tox = tables["toxicity.toml"]
    thresholds = tox.get("thresholds", {})
    intent = lists["commercial_intent.txt"]
    return Rules(
        kinds=kinds,
        spam_tlds=frozenset(t.lstrip(".") for t in lists["spam_tlds.txt"]),
        spam_words=tuple(lists["spam_words.txt"]),
        commercial_words=frozenset(lists["commercial_words.txt"]),
        commercial_intent=frozenset(w for w in intent if " " not in w),
        commercial_intent_phrases=tuple(w for w in intent if " " in w),
        generic_anchors=frozenset(lists["generic_anchors.txt"]),
        markers=_markers(tox.get("markers", {})),
        subnet_min_domains=int(thresholds.get("subnet_min_domains", 3)),
        domain_min_digits=int(thresholds.get("domain_min_digits", 2)),
        domain_min_hyphens=int(thresholds.get("domain_min_hyphens", 2)),
        commercial_max_words=int(thresholds.get("commercial_max_words", 6)),
        share_urls=_share_urls(lists["share_urls.txt"]),
    )


def share_host(host: str) -> str:
    """A host as share_urls.txt names it: without a leading "www." or "m."."""
    for prefix in ("www.", "m."):
        if host.startswith(prefix):
            return host[len(prefix) :]
    return host


def _share_urls(entries: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """share_urls.txt's "host/path-start" entries as host -> path starts (a scheme dropped,
    the host as ``share_host`` gives it)."""
    found: dict[str, list[str]] = {}
    for entry in entries:
        host, slash, path = entry.split("://", 1)[-1].partition("/")
        found.setdefault(share_host(host), []).append(slash + path)
    return {host: tuple(paths) for host, paths in found.items()}
