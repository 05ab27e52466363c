"""How toxic a backlink looks: a score from 0 to 100 built from named markers.

Each marker that fires adds its weight; the score is the sum, capped at 100. Bands follow
the convention of SEO tools (``crawler.vocab``): 60 and above "toxic", 45 to 59
"potentially_toxic", below that "ok". Every marker carries a one-line explanation, so a
user can see why a link scored as it did.

Markers (weights and explanations in ``crawler/rules/toxicity.toml``):

=======================  ==============================================================
hidden_link              the link is hidden from readers
link_farm                the source page links out to very many sites
paid_without_sponsored   a paid link on a sponsored post without rel=sponsored
spam_money_anchor        a spam domain with an exact-match money anchor (the pair)
spam_domain              spam words, or a digit- and hyphen-heavy source domain name
commercial_anchor        exact-match commercial anchor text
spam_tld                 the source domain's TLD is much abused by spammers
subnet_network           many referring domains of the target in one IP /24 (/48)
noindex_source           the source page is marked noindex
sitewide_link            a site-wide footer or sidebar link
unrelated_anchor         no word in common between the anchor and the target's name
language_mismatch        source page and target site in different languages (fires only
                         once the target site has been crawled and classified)
=======================  ==============================================================
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from crawler.classify import Classification, PageContext, SiteLanguages
from crawler.items import Backlink, Link
from crawler.ruleset import Rules, load_rules
from crawler.urls import is_ip
from crawler.vocab import POTENTIALLY_TOXIC_MIN, TOXIC_MIN

#: Positions whose links repeat across a site and count as site-wide for toxicity.
SITEWIDE_TOXIC_POSITIONS: frozenset[str] = frozenset({"footer", "sidebar"})
_WORD_RE = re.compile(r"[^\W_]+")
_NAME_PART_RE = re.compile(r"[^\W\d_]+")
_NAKED_URL_RE = re.compile(
    r"^(?:https?://)?(?:www\.)?[\w-]+(?:\.[\w-]+)+(?::\d+)?(?:[/?#]\S*)?$", re.IGNORECASE
)
#: Spam words shorter than this only match a whole part of the domain name ("seo" must
#: not fire on "seoul"); longer ones also match inside a part ("cheappills").
_SUBSTRING_MIN = 5


def band_of(score: int) -> str:
    if score >= TOXIC_MIN:
        return "toxic"
    if score >= POTENTIALLY_TOXIC_MIN:
        return "potentially_toxic"
    return "ok"


@dataclass(frozen=True, slots=True)
class Marker:
    name: str
    weight: int
    explanation: str


@dataclass(frozen=True, slots=True)
class Toxicity:
    #: 0-100.
    score: int
    #: The markers that fired, heaviest first.
    markers: tuple[Marker, ...] = ()

    @property
    def band(self) -> str:
        return band_of(self.score)


@dataclass(frozen=True, slots=True)
class DomainFacts:
    """What the name of a source site says (computed once per site)."""

    tld: str = ""
    spam_tld: bool = False
    spam_words: tuple[str, ...] = ()
    digits: int = 0
    hyphens: int = 0
    heavy: bool = False

    @property
    def spammy(self) -> bool:
        return bool(self.spam_words) or self.heavy


@dataclass(frozen=True, slots=True)
class AnchorFacts:
    """What an anchor text says, whatever it points at (cached per anchor)."""

    words: tuple[str, ...] = ()
    #: "click here", "website", a naked URL ...
    generic: bool = True
    #: Shaped like an exact-match commercial anchor (before checking the target's name).
    commercial: bool = False


@dataclass(frozen=True, slots=True)
class TargetFacts:
    """The name of a target site, prepared for anchor checks (cached per site)."""

    #: "acme-tools" of acme-tools.co.uk; "" for an IP address.
    brand: str = ""
    compact: str = ""
    parts: frozenset[str] = frozenset()
    #: The distinctive parts of the name (without money words), for brand anchors.
    fragments: tuple[str, ...] = ()

    def named_by(self, words: tuple[str, ...]) -> bool:
        """Whether the anchor words name the brand: a word of 3+ letters inside it ("Acme"
        for acme-tools), the brand inside the joined words ("Acme Tools" for acmetools),
        or a shared part of a hyphenated brand."""
        compact = self.compact
        if compact in "".join(words):
            return True
        parts = self.parts
        for word in words:
            if word in parts or (len(word) >= 3 and word in compact):
                return True
        return False


@dataclass(frozen=True, slots=True)
class PageMarkers:
    """What every link of one page from one source site shares in scoring: the page's
    and the source domain's markers, as parts of a fired-marker key (``ToxicityScorer._score``;
    None when they do not fire)."""

    link_farm: tuple | None
    #: The key of paid_without_sponsored, which fires on the links of a sponsored post.
    paid_without_sponsored: tuple
    #: A spam-shaped source name (spam words with digits or hyphens), for spam_money_anchor.
    spam_source: bool
    spam_domain: tuple | None
    spam_tld: tuple | None
    noindex: bool
    #: The page's language, and the crawl's site -> language map (language_mismatch).
    lang: str
    languages: SiteLanguages


class SubnetTracker:
    """Referring domains per target per IPv4 /24 (IPv6 /48) within one crawl.

    Many referring domains of one target from one subnet look like a link network (one
    host selling links from many domains). Loopback, private, link-local, multicast,
    reserved and unspecified addresses are ignored: they say nothing about who hosts a
    site (and every sandbox response comes through a loopback proxy)."""

    __slots__ = ("_sources",)

    def __init__(self) -> None:
        self._sources: dict[tuple[str, str], set[str]] = {}

    @staticmethod
    @lru_cache(maxsize=65536)
    def subnet_of(ip: str | None) -> str:
        """The /24 (IPv4) or /48 (IPv6) network of ``ip``, or "" when it is missing,
        malformed or not a public address."""
        if not ip:
            return ""
        try:
            address = ipaddress.ip_address(ip.strip().strip("[]"))
        except ValueError:
            return ""
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        if (
            address.is_loopback
            or address.is_private
            or address.is_link_local
            or address.is_multicast
            or address.is_reserved
            or address.is_unspecified
            or not address.is_global
        ):
            return ""
        prefix = 24 if address.version == 4 else 48
        return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))

    def add(self, ip: str | None, source_site: str, target_site: str) -> None:
        self.add_in(self.subnet_of(ip), source_site, target_site)

    def add_in(self, subnet: str, source_site: str, target_site: str) -> int:
        """``add`` for an address already turned into its ``subnet`` (``subnet_of``); then
        how many referring domains of ``target_site`` the subnet holds (0 without one)."""
        if not subnet:
            return 0
        key = (subnet, target_site)
        sources = self._sources.get(key)
        if source_site and target_site and source_site != target_site:
            if sources is None:
                sources = self._sources[key] = set()
            sources.add(source_site)
        return 0 if sources is None else len(sources)

    def referring_domains(self, ip: str | None, target_site: str) -> tuple[str, int]:
        """The subnet of ``ip`` and how many referring domains of ``target_site`` it holds."""
        subnet = self.subnet_of(ip)
        if not subnet:
            return "", 0
        return subnet, len(self._sources.get((subnet, target_site), ()))


_CLEAN = Toxicity(0, ())
#: The explanation fields of each marker, in the order a fired-marker key gives their
#: values (``ToxicityScorer._score``).
MARKER_FIELDS: dict[str, tuple[str, ...]] = {
    "hidden_link": (),
    "link_farm": ("sites",),
    "paid_without_sponsored": ("evidence",),
    "spam_money_anchor": (),
    "spam_domain": ("domain", "evidence"),
    "commercial_anchor": ("anchor",),
    "spam_tld": ("tld",),
    "subnet_network": ("count", "target", "subnet"),
    "noindex_source": (),
    "sitewide_link": ("position",),
    "unrelated_anchor": ("anchor", "target"),
    "language_mismatch": ("source_lang", "target_lang"),
}
#: Toxicity results kept per scorer (by the markers that fired); past this the map restarts.
RESULT_CACHE = 100_000


class ToxicityScorer:
    def __init__(self, rules: Rules | None = None, *, rules_dir: str | None = None) -> None:
        self.rules = rules if rules is not None else load_rules(rules_dir or None)
        self._weights = self.rules.markers
        self._domains: dict[str, DomainFacts] = {}
        # Anchors and target sites repeat across a crawl (site-wide blocks, popular
        # targets): their analysis is cached, bounded.
        self.anchor_facts = lru_cache(maxsize=65536)(self._anchor_facts)
        self.target_facts = lru_cache(maxsize=65536)(self._target_facts)
        self.anchor_verdict = lru_cache(maxsize=65536)(self._anchor_verdict)
        self._toxicities: dict[tuple, Toxicity] = {}
        rules = self.rules
        self._money_vocabulary = sorted(
            {w for w in (*rules.commercial_words, *rules.commercial_intent, *rules.spam_words)
             if len(w) >= 3},
            key=len,
            reverse=True,
        )

    # -- facts ------------------------------------------------------------------------------------

    def domain_facts(self, site: str) -> DomainFacts:
        """What the name of ``site`` (a registered domain) says; cached per site."""
        facts = self._domains.get(site)
        if facts is None:
            facts = self._domain_facts(site)
            if len(self._domains) < 200_000:
                self._domains[site] = facts
        return facts

    def _domain_facts(self, site: str) -> DomainFacts:
        site = site.strip().lower().rstrip(".")
        if not site or site.startswith("[") or is_ip(site):
            return DomainFacts()
        name, _, suffix = site.partition(".")
        tld = site.rsplit(".", 1)[-1] if suffix else ""
        rules = self.rules
        parts = _NAME_PART_RE.findall(name)
        # No list entry holds a newline, so an entry is inside one of the parts exactly
        # when it is inside the parts joined by newlines.
        joined = "\n".join(parts)
        words = []
        for word in rules.spam_words:
            if word in parts or (len(word) >= _SUBSTRING_MIN and word in joined):
                words.append(word)
        digits = sum(ch.isdigit() for ch in name)
        hyphens = name.count("-")
        return DomainFacts(
            tld=tld,
            spam_tld=tld in rules.spam_tlds,
            spam_words=tuple(words),
            digits=digits,
            hyphens=hyphens,
            heavy=digits >= rules.domain_min_digits or hyphens >= rules.domain_min_hyphens,
        )

    def anchor_words(self, anchor: str) -> list[str]:
        return _WORD_RE.findall(anchor.lower())

    def _anchor_facts(self, anchor: str) -> AnchorFacts:
        words = tuple(self.anchor_words(anchor))
        generic = self.is_generic(anchor)
        return AnchorFacts(words, generic, not generic and self._commercial_shape(words))

    def is_generic(self, anchor: str) -> bool:
        text = " ".join(anchor.lower().split()).strip(" .:!?»›>-–")
        return not text or text in self.rules.generic_anchors or bool(_NAKED_URL_RE.match(text))

    def is_commercial(self, anchor: str, target_site: str) -> bool:
        """Whether ``anchor`` is an exact-match commercial anchor for ``target_site``, as
        ``score`` judges it: a short anchor built around a money word or a buying-intent
        word that does not name the distinctive part of the target's brand ("Acme loans"
        for acmeloans.com is a brand anchor; "payday loans" for paydayloans.com is not). A
        spam-shaped target name (spam words with digits or hyphens) has no brand to name."""
        return self.anchor_verdict(anchor, target_site)[0]

    def _brand_fragments(self, brand: str) -> tuple[str, ...]:
        """The distinctive parts of a brand: its name without commercial and spam words
        ("acme" of "acme-loans-24"; nothing of "payday-loans")."""
        text = " ".join(_NAME_PART_RE.findall(brand))
        for word in self._money_vocabulary:
            if word in text:
                text = text.replace(word, " ")
        return tuple(fragment for fragment in text.split() if len(fragment) >= 3)

    def _commercial_shape(self, words: tuple[str, ...]) -> bool:
        rules = self.rules
        if not words or len(words) > rules.commercial_max_words:
            return False
        if any(word in rules.commercial_words for word in words):
            return True
        intent = sum(word in rules.commercial_intent for word in words)
        if not intent:
            text = " ".join(words)
            intent = sum(f" {p} " in f" {text} " for p in rules.commercial_intent_phrases)
        return bool(intent) and len(words) >= 2

    # -- score ------------------------------------------------------------------------------------

    def score(
        self,
        link: Link,
        ctx: PageContext,
        cls: Classification,
        *,
        source_site: str,
        target_site: str,
        source_ip: str | None,
        subnets: SubnetTracker,
    ) -> Toxicity:
        """The toxicity of ``link`` (one outbound link of the page ``ctx`` describes)."""
        subnet, count = subnets.referring_domains(source_ip, target_site)
        return self._score(link, cls, target_site, self.page_markers(ctx, source_site), subnet, count)

    def score_links(
        self,
        records: Sequence[Backlink],
        links: Sequence[Link],
        classifications: Sequence[Classification],
        ctx: PageContext,
        subnets: SubnetTracker,
    ) -> list[Toxicity]:
        """The toxicity of each backlink of one page (``ctx``): the record, the link
        element it was made from and its classification. Each record's source is added
        to ``subnets`` just before it is scored, as judging the links one by one does;
        what the page and its source site share is worked out once."""
        scores: list[Toxicity] = []
        source: tuple[str, str | None] | None = None
        for record, link, cls in zip(records, links, classifications, strict=True):
            source_site, target_site = record.source_site, record.target_site
            if source != (source_site, record.source_ip):
                source = (source_site, record.source_ip)
                page = self.page_markers(ctx, source_site)
                subnet = subnets.subnet_of(record.source_ip)
            count = subnets.add_in(subnet, source_site, target_site)
            scores.append(self._score(link, cls, target_site, page, subnet, count))
        return scores

    def page_markers(self, ctx: PageContext, source_site: str) -> PageMarkers:
        """The markers that every link of the page ``ctx`` from ``source_site`` shares."""
        domain = self.domain_facts(source_site)
        return PageMarkers(
            link_farm=("link_farm", ctx.outbound_sites) if ctx.link_farm else None,
            paid_without_sponsored=("paid_without_sponsored", ctx.sponsored_post),
            spam_source=bool(domain.spam_words) and domain.heavy,
            spam_domain=(
                ("spam_domain", source_site, _domain_evidence(domain))
                if domain.spammy
                else None
            ),
            spam_tld=("spam_tld", domain.tld) if domain.spam_tld else None,
            noindex=ctx.noindex,
            lang=ctx.lang,
            languages=ctx.languages,
        )

    def _score(
        self, link: Link, cls: Classification, target_site: str, page: PageMarkers, subnet: str, count: int
    ) -> Toxicity:
        """The toxicity of ``link`` to ``target_site`` on the page ``page`` describes, whose
        source's ``subnet`` holds ``count`` referring domains of the target."""
        # The markers that fire, in a fixed order, as one flat key: each marker's name and
        # then its explanation fields' values (MARKER_FIELDS). The Toxicity of a key is
        # built once and reused (``_toxicity``).
        fired: list = []
        if link.hidden:
            fired.append("hidden_link")
        if page.link_farm is not None:
            fired += page.link_farm
        if cls.rule == "sponsored_post" and not (link.sponsored or "sponsored" in link.rel):
            fired += page.paid_without_sponsored
        if link.kind != "redirect":
            commercial, unrelated = self.anchor_verdict(link.anchor, target_site)
        else:  # a meta refresh has no anchor
            commercial = unrelated = False
        if commercial and page.spam_source:
            fired.append("spam_money_anchor")
        if page.spam_domain is not None:
            fired += page.spam_domain
        if commercial:
            fired += ("commercial_anchor", link.anchor)
        if page.spam_tld is not None:
            fired += page.spam_tld
        if count >= self.rules.subnet_min_domains:
            fired += ("subnet_network", count, target_site, subnet)
        if page.noindex:
            fired.append("noindex_source")
        if link.position in SITEWIDE_TOXIC_POSITIONS:
            fired += ("sitewide_link", link.position)
        if unrelated:
            fired += ("unrelated_anchor", link.anchor, target_site)
        target_lang = page.languages.get(target_site) if page.lang else ""
        if target_lang and target_lang != page.lang:
            fired += ("language_mismatch", page.lang, target_lang)
        if not fired:
            return _CLEAN
        key = tuple(fired)
        found = self._toxicities.get(key)
        if found is None:
            found = self._toxicity(key)
            if len(self._toxicities) >= RESULT_CACHE:
                self._toxicities.clear()
            self._toxicities[key] = found
        return found

    def _toxicity(self, key: tuple) -> Toxicity:
        """The Toxicity of a fired-marker key (see ``_score``): markers with a weight,
        heaviest first (in firing order among equal weights)."""
        markers: list[Marker] = []
        at = 0
        while at < len(key):
            name = key[at]
            fields = MARKER_FIELDS[name]
            values = key[at + 1 : at + 1 + len(fields)]
            at += 1 + len(fields)
            rule = self._weights.get(name)
            if rule is not None and rule.weight:
                explanation = rule.explanation.format(**dict(zip(fields, values, strict=True)))
                markers.append(Marker(name, rule.weight, explanation))
        if not markers:
            return _CLEAN
        markers.sort(key=lambda m: -m.weight)
        return Toxicity(min(100, sum(m.weight for m in markers)), tuple(markers))

    def _anchor_verdict(self, anchor: str, target_site: str) -> tuple[bool, bool]:
        """(commercial, unrelated) of an anchor pointing at ``target_site``:
        whether it is an exact-match commercial anchor (not naming the brand's distinctive
        parts), and whether it names something other than the target's brand."""
        target = self.target_facts(target_site)
        anchor_facts = self.anchor_facts(anchor)
        words = anchor_facts.words
        names_brand = bool(words) and bool(target.brand) and target.named_by(words)
        commercial = anchor_facts.commercial and not (
            names_brand and _names_fragments(words, target.fragments)
        )
        unrelated = bool(words) and bool(target.brand) and not names_brand and not anchor_facts.generic
        return commercial, unrelated

    def _target_facts(self, site: str) -> TargetFacts:
        brand = _brand(site)
        if not brand:
            return TargetFacts()
        facts = self.domain_facts(site)
        return TargetFacts(
            brand=brand,
            compact=brand.replace("-", ""),
            parts=frozenset(_NAME_PART_RE.findall(brand)),
            # A spam-shaped name (spam words, digits, hyphens) is no brand to protect:
            # "replica watches" to replica-watches-24.test is an exact-match anchor.
            fragments=() if facts.spam_words and facts.heavy else self._brand_fragments(brand),
        )


def _brand(site: str) -> str:
    """The name part of a registered domain ("example" of "example.co.uk"); "" for IPs."""
    if not site or site.startswith("[") or is_ip(site):
        return ""
    return site.split(".", 1)[0].lower()


def _names_fragments(words: tuple[str, ...], fragments: tuple[str, ...]) -> bool:
    """Whether an anchor word names one of the brand's distinctive fragments."""
    return any(
        word == fragment
        or (len(word) >= 4 and word in fragment)
        or (len(fragment) >= 4 and fragment in word)
        for word in words
        for fragment in fragments
    )


def _domain_evidence(domain: DomainFacts) -> str:
    evidence = []
    if domain.spam_words:
        evidence.append("spam words " + ", ".join(domain.spam_words))
    if domain.digits:
        evidence.append(f"{domain.digits} digits")
    if domain.hyphens:
        evidence.append(f"{domain.hyphens} hyphens")
    return "; ".join(evidence)
