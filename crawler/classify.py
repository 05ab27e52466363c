"""Backlink type and origin, decided from the source page and the link's place in it.

Classification works only from the records extraction produced (``crawler.items.Page``
and ``Link``): it never parses HTML again. The page-level facts (is this a forum? a social
network? a business listing? an article? a guest post? an advertorial? a link farm?) are
computed once per page in :meth:`Classifier.page_context`; :meth:`Classifier.classify`
then applies the rules below to each outbound link, first match wins, and keeps the
evidence that decided (``Classification.reason``):

 1. rel=sponsored, or an ad block                       -> sponsored
 2. navigation, header, footer or sidebar               -> sitewide
 3. a share button (share_urls.txt: twitter.com/intent/) -> other
 4. a forum page                                        -> forum
 5. a social-network page                               -> social
 6. a comment section, or rel=ugc                       -> comment
 7. a business directory / review / listing page        -> business_profile
 8. an author bio box, or the guest-post byline         -> guest_post
 9. the content of a sponsored post / advertorial       -> sponsored
10. a link-farm page                                    -> other
11. a redirect (meta refresh / HTTP 3xx)                -> other
12. the main content of an article-like page            -> editorial
13. anything else                                       -> other

The markers behind each page kind are data (``crawler/rules/page_kinds.toml`` and the
``*_domains.txt`` lists, see ``crawler/rules/README.md``), and so are the share buttons'
endpoints (``share_urls.txt``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from crawler.items import Link, Page
from crawler.ruleset import KindRules, MarkerSet, Rules, load_rules, share_host
from crawler.urls import host_of, path_of, site_of
from crawler.vocab import ORIGIN_OF_TYPE

#: Positions of site-wide boilerplate: links there repeat on every page of a site.
SITEWIDE_POSITIONS: frozenset[str] = frozenset({"nav", "header", "footer", "sidebar"})
#: Link kinds that count as outbound links of a page (as in crawler.backlinks).
OUTBOUND_KINDS: frozenset[str] = frozenset({"text", "image", "area", "redirect"})


class SiteLanguages:
    """Per-crawl map site -> language, filled as pages are classified: the language most
    of a site's classified pages declared. Used by the language-mismatch marker, which
    therefore only fires once the target site has been crawled.

    Most sites speak one language: they cost one dict entry (language, pages); a Counter
    is kept only for sites seen with several."""

    __slots__ = ("_single", "_mixed", "_best")

    def __init__(self) -> None:
        self._single: dict[str, tuple[str, int]] = {}
        self._mixed: dict[str, Counter[str]] = {}
        self._best: dict[str, str] = {}

    def note(self, site: str, lang: str) -> None:
        if not site or not lang:
            return
        counts = self._mixed.get(site)
        if counts is None:
            seen = self._single.get(site)
            if seen is None or seen[0] == lang:
                self._single[site] = (lang, seen[1] + 1 if seen else 1)
                return
            counts = self._mixed[site] = Counter({seen[0]: seen[1]})
            del self._single[site]
            self._best[site] = seen[0]
        counts[lang] += 1
        best = self._best[site]
        if best != lang and counts[lang] > counts[best]:
            self._best[site] = lang

    def get(self, site: str) -> str:
        seen = self._single.get(site)
        if seen is not None:
            return seen[0]
        return self._best.get(site, "")

    def __len__(self) -> int:
        return len(self._single) + len(self._mixed)


@dataclass(frozen=True, slots=True)
class PageContext:
    """What the page is, computed once per page. Each kind field holds the evidence that
    made the page that kind ("generator=phpBB 3.3, url~/viewtopic.php?") or "" when it
    is not."""

    url: str
    host: str
    site: str
    #: Primary language tag of the page ("en"), or "".
    lang: str = ""
    noindex: bool = False
    forum: str = ""
    social: str = ""
    directory: str = ""
    article: str = ""
    guest_post: str = ""
    sponsored_post: str = ""
    link_farm: str = ""
    #: Distinct sites other than the page's own that the page links to.
    outbound_sites: int = 0
    #: The per-crawl site -> language map (shared with the classifier, for toxicity).
    languages: SiteLanguages = field(default_factory=SiteLanguages, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Classification:
    """A backlink's type and origin, and why."""

    type: str
    origin: str
    #: The evidence, e.g. "rel=ugc", "forum: generator=phpBB", "position=footer".
    reason: str
    #: Which rule decided: rel_sponsored, ad_block, sitewide, share_button, forum, social, comment,
    #: business_profile, guest_post, sponsored_post, link_farm, redirect, editorial, other.
    rule: str = ""


@lru_cache(maxsize=4096)
def _make(type_: str, rule: str, *reason: str) -> Classification:
    """The (frozen, so shared) Classification whose reason is the ``reason`` parts joined.
    A page's links repeat a few reasons, often built around the page's evidence (the same
    string for each link): looking the parts up costs less than joining them first."""
    return Classification(type_, ORIGIN_OF_TYPE[type_], "".join(reason), rule)


def _host_matches(host: str, domains: frozenset[str]) -> str:
    """The entry of ``domains`` that ``host`` is or is a subdomain of, else ""."""
    if not domains or not host:
        return ""
    if host in domains:
        return host
    dot = host.find(".")
    while dot >= 0:
        suffix = host[dot + 1 :]
        if suffix in domains:
            return suffix
        dot = host.find(".", dot + 1)
    return ""


def _collapsed(text: str) -> str:
    """``text`` with each run of whitespace made one space, stripped: ``" ".join(text.split())``
    without splitting a text that already is (extraction collapses the page's text). Every
    whitespace character but the space is unprintable, so a printable text is collapsed
    when it has no double space and no space at either end."""
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())


class _Facts:
    """The page facts the markers look at, lower-cased once."""

    __slots__ = ("url", "host", "generator", "generator_lower", "schema", "og_type", "classes",
                 "title", "text", "prose")

    def __init__(self, page: Page, host: str) -> None:
        self.url = page.url
        self.host = host
        self.generator = page.generator.strip()
        self.generator_lower = self.generator.lower()
        self.schema = {s.lower(): s for s in page.schema_types}
        self.og_type = page.og_type.strip().lower()
        self.classes = frozenset(c.lower() for c in page.page_classes)
        self.title = _collapsed(page.title.lower())
        self.text = _collapsed(page.text.lower())
        self.prose = page.main_prose


def _evidence(markers: MarkerSet, facts: _Facts) -> list[str]:
    """Every marker of ``markers`` the page carries, as evidence strings."""
    found: list[str] = []
    if markers.generators and facts.generator_lower:
        for generator in markers.generators:
            if generator in facts.generator_lower:
                found.append(f"generator={facts.generator[:40]}")
                break
    if markers.domains:
        domain = _host_matches(facts.host, markers.domains)
        if domain:
            found.append(f"domain={domain}")
    for schema in sorted(markers.schema_types.intersection(facts.schema)):
        found.append(f"schema={facts.schema[schema]}")
    if facts.og_type and facts.og_type in markers.og_types:
        found.append(f"og:type={facts.og_type}")
    for token in sorted(markers.page_classes.intersection(facts.classes)):
        found.append(f"class={token}")
    if markers.url_any is not None and markers.url_any.search(facts.url):
        for pattern in markers.url_patterns:
            match = pattern.search(facts.url)
            if match:
                found.append(f"url~{match.group(0)}")
    if markers.title_words is not None and facts.title:
        phrase = markers.title_words.search(facts.title)
        if phrase:
            found.append(f"title~{phrase}")
    if markers.text_phrases is not None and facts.text:
        phrase = markers.text_phrases.search(facts.text)
        if phrase:
            found.append(f"text~{phrase}")
    if markers.min_prose and facts.prose >= markers.min_prose:
        found.append(f"prose={facts.prose} chars")
    return found


def _kind_evidence(kind: KindRules, facts: _Facts) -> tuple[str, bool]:
    """The evidence that the page is of ``kind`` ("" when it is not), and whether it is
    strong (one strong marker) rather than weak (``min_weak`` weak markers)."""
    strong = _evidence(kind.strong, facts)
    if strong:
        return ", ".join(strong[:3]), True
    weak = _evidence(kind.weak, facts)
    if len(weak) >= kind.min_weak:
        return ", ".join(weak[:3]), False
    return "", False


class Classifier:
    """Decides the type and origin of backlinks. One per crawl: it also keeps the
    crawl's site -> language map (``languages``)."""

    def __init__(self, rules: Rules | None = None, *, rules_dir: str | None = None) -> None:
        self.rules = rules if rules is not None else load_rules(rules_dir or None)
        self.languages = SiteLanguages()
        kinds = self.rules.kinds
        self._forum = kinds["forum"]
        self._social = kinds["social"]
        self._directory = kinds["directory"]
        self._article = kinds["article"]
        self._guest = kinds["guest_post"]
        self._sponsored = kinds["sponsored_post"]
        self._farm = kinds["link_farm"]

    # -- per page -------------------------------------------------------------------------------

    def page_context(self, page: Page) -> PageContext:
        """The facts about ``page`` that every one of its links shares, with evidence."""
        host = host_of(page.url)
        site = site_of(host)
        lang = page.lang.split("-", 1)[0].strip().lower()
        self.languages.note(site, lang)
        facts = _Facts(page, host)
        outbound_sites, link_farm = self._link_farm(page, site, facts)
        article, article_strong = _kind_evidence(self._article, facts)
        strong_kinds = frozenset({"article"}) if article_strong else frozenset()
        return PageContext(
            url=page.url,
            host=host,
            site=site,
            lang=lang,
            noindex="noindex" in page.robots or "none" in page.robots,
            forum=self._yielding(self._forum, facts, strong_kinds),
            social=self._yielding(self._social, facts, strong_kinds),
            directory=self._yielding(self._directory, facts, strong_kinds),
            article=article,
            guest_post=_kind_evidence(self._guest, facts)[0],
            sponsored_post=_kind_evidence(self._sponsored, facts)[0],
            link_farm=link_farm,
            outbound_sites=outbound_sites,
            languages=self.languages,
        )

    @staticmethod
    def _yielding(kind: KindRules, facts: _Facts, strong_kinds: frozenset[str]) -> str:
        """A kind's evidence, unless it is only weak and the page is strongly one of the
        kinds it yields to (a news story under /business/ with an Organization in its
        schema graph is an article, not a directory listing)."""
        evidence, strong = _kind_evidence(kind, facts)
        if evidence and not strong and strong_kinds.intersection(kind.weak_yields_to):
            return ""
        return evidence

    def _link_farm(self, page: Page, site: str, facts: _Facts) -> tuple[int, str]:
        # A page repeats its links: the elements are counted per URL (at C speed), then
        # each URL's site is worked out once, and each origin's (they are few) once.
        elements_of = Counter([link.url for link in page.links if link.kind in OUTBOUND_KINDS])
        sites: set[str] = set()
        outbound = 0
        site_of_origin: dict[str, str] = {}
        for url, elements in elements_of.items():
            slash = url.find("/", 8)  # past "http://" and a host's first character
            origin = url if slash < 0 else url[:slash]
            target = site_of_origin.get(origin)
            if target is None:
                target = site_of_origin[origin] = site_of(host_of(url))
            if target != site:
                outbound += elements
                sites.add(target)
        total = elements_of.total()
        farm = self._farm
        if len(sites) < farm.min_outbound_sites or outbound < farm.min_outbound_share * total:
            return len(sites), ""
        evidence = [f"{len(sites)} outbound sites", f"{outbound}/{total} links outbound"]
        evidence.extend(_evidence(farm.weak, facts)[:1])
        return len(sites), ", ".join(evidence)

    # -- per link -------------------------------------------------------------------------------

    def share_button(self, url: str) -> str:
        """The entry of share_urls.txt that ``url`` is a share button of, else ""."""
        shares = self.rules.share_urls
        if not shares:
            return ""
        host = share_host(host_of(url))
        starts = shares.get(host)
        if starts is None:
            return ""
        path = path_of(url).lower()
        for start in starts:
            if path.startswith(start):
                # A whole path segment (twitter.com/share, not twitter.com/sharepoint),
                # unless the entry itself ends at a separator (twitter.com/intent/, wa.me/?).
                after = path[len(start) : len(start) + 1]
                if start[-1] in "/?.=&" or not (after.isalnum() or after in ("_", "-")):
                    return host + start
        return ""

    def classify(
        self, link: Link, ctx: PageContext
    ) -> Classification:
        """The type and origin of ``link`` (one outbound link of the page of ``ctx``)."""
        if link.sponsored or "sponsored" in link.rel:
            return _make("sponsored", "rel_sponsored", "rel=sponsored")
        if link.region == "ad":
            return _make("sponsored", "ad_block", "region=ad")
        if link.position in SITEWIDE_POSITIONS:
            return _make("sitewide", "sitewide", "position=", link.position)
        share = self.share_button(link.url)
        if share:
            return _make("other", "share_button", "share button: ", share)
        if ctx.forum:
            detail = ", region=signature" if link.region == "signature" else ""
            return _make("forum", "forum", "forum: ", ctx.forum, detail)
        if ctx.social:
            detail = ", region=profile" if link.region == "profile" else ""
            return _make("social", "social", "social: ", ctx.social, detail)
        if link.position == "comment":
            return _make("comment", "comment", "position=comment")
        if link.ugc or "ugc" in link.rel:
            return _make("comment", "comment", "rel=ugc")
        if ctx.directory:
            return _make("business_profile", "business_profile", "directory: ", ctx.directory)
        if link.region == "author_bio":
            detail = f", guest post: {ctx.guest_post}" if ctx.guest_post else ""
            return _make("guest_post", "guest_post", "region=author_bio", detail)
        if ctx.guest_post and link.context and self._guest.strong.text_phrases is not None:
            phrase = self._guest.strong.text_phrases.search(" ".join(link.context.lower().split()))
            if phrase:
                return _make("guest_post", "guest_post", "context~", phrase)
        if ctx.sponsored_post:
            return _make("sponsored", "sponsored_post", "sponsored post: ", ctx.sponsored_post)
        if ctx.link_farm:
            return _make("other", "link_farm", "link farm: ", ctx.link_farm)
        if link.kind == "redirect":
            return _make("other", "redirect", "kind=redirect")
        if link.position == "content" and ctx.article:
            return _make("editorial", "editorial", "position=content, article: ", ctx.article)
        return _make("other", "other", "position=", link.position, ", not an article page")
