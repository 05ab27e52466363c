"""Toxicity: which markers fire, their weights, the score, the band, the subnet tracker."""

from __future__ import annotations

import pytest

from crawler.classify import Classifier
from crawler.items import Link, Page
from crawler.toxicity import SubnetTracker, ToxicityScorer, band_of
from crawler.urls import host_of, site_of

WORDPRESS = dict(generator="WordPress 6.4", og_type="article")


def farm(n: int) -> tuple[Link, ...]:
    return tuple(Link(url=f"https://site{i}.example/", anchor=f"word {i}") for i in range(n))


def score(page: Page, link: Link, target_site: str, *, ip: str | None = None,
          subnets: SubnetTracker | None = None, classifier: Classifier | None = None):
    classifier = classifier or Classifier()
    ctx = classifier.page_context(page)
    source_site = site_of(host_of(page.url))
    cls = classifier.classify(link, ctx)
    subnets = subnets or SubnetTracker()
    subnets.add(ip, source_site, target_site)
    return ToxicityScorer().score(
        link, ctx, cls, source_site=source_site, target_site=target_site,
        source_ip=ip, subnets=subnets,
    )


POST = "https://blog.example.com/2024/05/post/"

# (name, page, link, target site, markers that fire (heaviest first), score, band)
CASES = [
    ("editorial-brand-anchor",
     Page(url=POST, base_url=POST, **WORDPRESS),
     Link(url="https://acme.com/", anchor="Acme's new widget"), "acme.com",
     [], 0, "ok"),
    ("naked-url-anchor-is-not-unrelated",
     Page(url=POST, base_url=POST, **WORDPRESS),
     Link(url="https://acme.com/", anchor="https://www.widgets.org/page"), "acme.com",
     [], 0, "ok"),
    ("generic-anchor-is-not-unrelated",
     Page(url=POST, base_url=POST, **WORDPRESS),
     Link(url="https://acme.com/", anchor="Click here"), "acme.com", [], 0, "ok"),
    ("unrelated-anchor",
     Page(url=POST, base_url=POST, **WORDPRESS),
     Link(url="https://acme.com/", anchor="a study from last year"), "acme.com",
     ["unrelated_anchor"], 5, "ok"),
    ("hidden",
     Page(url=POST, base_url=POST, **WORDPRESS),
     Link(url="https://acme.com/", anchor="Acme", hidden=True), "acme.com",
     ["hidden_link"], 60, "toxic"),
    ("link-farm",
     Page(url="https://links.example.com/", base_url="https://links.example.com/",
          links=farm(120)),
     Link(url="https://acme.com/", anchor="acme"), "acme.com", ["link_farm"], 60, "toxic"),
    ("paid-without-rel-sponsored",
     Page(url=POST, base_url=POST, text="Sponsored post", **WORDPRESS),
     Link(url="https://acme.com/", anchor="acme"), "acme.com",
     ["paid_without_sponsored"], 60, "toxic"),
    ("paid-with-rel-sponsored",
     Page(url=POST, base_url=POST, text="Sponsored post", **WORDPRESS),
     Link(url="https://acme.com/", anchor="acme", rel=frozenset({"sponsored"}), sponsored=True),
     "acme.com", [], 0, "ok"),
    ("spam-site-money-anchor",
     Page(url="https://cheap-pills-24x7.test/a", base_url="https://cheap-pills-24x7.test/a"),
     Link(url="https://acme.com/", anchor="buy cheap viagra"), "acme.com",
     ["spam_money_anchor", "spam_domain", "commercial_anchor", "unrelated_anchor"], 65,
     "toxic"),
    ("spam-site-brand-anchor",
     Page(url="https://cheap-pills-24x7.test/a", base_url="https://cheap-pills-24x7.test/a"),
     Link(url="https://acme.com/", anchor="Acme"), "acme.com", ["spam_domain"], 20, "ok"),
    ("commercial-anchor-from-clean-site",
     Page(url=POST, base_url=POST, **WORDPRESS),
     Link(url="https://acme.com/", anchor="best payday loans"), "acme.com",
     ["commercial_anchor", "unrelated_anchor"], 25, "ok"),
    ("spam-words-without-digits-or-hyphens",  # not the full spam shape: no money-anchor pair
     Page(url="https://casinoreviews.test/a", base_url="https://casinoreviews.test/a"),
     Link(url="https://acme.com/", anchor="online casino"), "acme.com",
     ["spam_domain", "commercial_anchor", "unrelated_anchor"], 45, "potentially_toxic"),
    ("spam-tld-noindex-footer",
     Page(url="https://widgets.xyz/", base_url="https://widgets.xyz/",
          robots=frozenset({"noindex"})),
     Link(url="https://acme.com/", anchor="Acme", position="footer"), "acme.com",
     ["spam_tld", "noindex_source", "sitewide_link"], 30, "ok"),
    ("seo-is-not-seoul",
     Page(url="https://seoul-food.com/", base_url="https://seoul-food.com/"),
     Link(url="https://acme.com/", anchor="Acme"), "acme.com", [], 0, "ok"),
]


@pytest.mark.parametrize(
    "page,link,target,markers,total,band", [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_markers_score_and_band(page, link, target, markers, total, band):
    tox = score(page, link, target)
    assert [m.name for m in tox.markers] == markers
    assert tox.score == total
    assert tox.band == band


def test_markers_explain_themselves():
    page = Page(url="https://cheap-pills-24x7.test/a", base_url="https://cheap-pills-24x7.test/a")
    tox = score(page, Link(url="https://acme.com/", anchor="buy cheap viagra"), "acme.com")
    assert {m.name: m.explanation for m in tox.markers} == {
        "spam_money_anchor": "a spam domain links with an exact-match money anchor",
        "spam_domain": "the source domain cheap-pills-24x7.test looks spammy "
        "(spam words pills, cheap; 3 digits; 2 hyphens)",
        "commercial_anchor": 'exact-match commercial anchor text "buy cheap viagra"',
        "unrelated_anchor": 'the anchor "buy cheap viagra" has nothing in common with the '
        "target acme.com",
    }


def test_score_is_capped_at_100():
    page = Page(url="https://cheap-pills-24x7.xyz/", base_url="https://cheap-pills-24x7.xyz/",
                links=farm(150), robots=frozenset({"noindex"}))
    tox = score(page, Link(url="https://acme.com/", anchor="casino bonus", hidden=True), "acme.com")
    assert tox.score == 100
    assert tox.markers[0].weight == 60


def test_language_mismatch_only_once_target_is_known():
    classifier = Classifier()
    page = Page(url=POST, base_url=POST, lang="en", **WORDPRESS)
    link = Link(url="https://beispiel.de/", anchor="Beispiel")
    assert [m.name for m in score(page, link, "beispiel.de", classifier=classifier).markers] == []
    classifier.page_context(Page(url="https://beispiel.de/", base_url="", lang="de"))
    tox = score(page, link, "beispiel.de", classifier=classifier)
    assert [(m.name, m.explanation) for m in tox.markers] == [
        ("language_mismatch", "the source page is in en but the target site is in de")
    ]


def test_subnet_network_marker():
    subnets = SubnetTracker()
    for i, site in enumerate(("one.com", "two.com")):
        subnets.add(f"93.184.216.{10 + i}", site, "acme.com")
    page = Page(url="https://three.com/", base_url="https://three.com/")
    tox = score(page, Link(url="https://acme.com/", anchor="Acme"), "acme.com",
                ip="93.184.216.77", subnets=subnets)
    assert [(m.name, m.weight, m.explanation) for m in tox.markers] == [
        ("subnet_network", 15, "3 referring domains of acme.com sit in the same network "
         "93.184.216.0/24")
    ]


@pytest.mark.parametrize(
    "ip,subnet",
    [
        ("8.8.8.8", "8.8.8.0/24"),
        ("2a00:1450:4001:80b::200e", "2a00:1450:4001::/48"),
        ("::ffff:8.8.4.4", "8.8.4.0/24"),
        ("127.0.0.1", ""),
        ("10.1.2.3", ""),
        ("192.168.0.10", ""),
        ("172.16.5.4", ""),
        ("169.254.1.1", ""),
        ("100.64.0.1", ""),  # carrier-grade NAT: not global
        ("::1", ""),
        ("fe80::1", ""),
        ("0.0.0.0", ""),
        ("240.0.0.1", ""),
        ("203.0.113.9", ""),  # documentation range (TEST-NET-3)
        ("not-an-ip", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_subnet_of(ip, subnet):
    assert SubnetTracker.subnet_of(ip) == subnet


def test_subnet_tracker_counts_distinct_referring_domains():
    subnets = SubnetTracker()
    subnets.add("93.184.216.5", "one.com", "acme.com")
    subnets.add("93.184.216.6", "one.com", "acme.com")  # same domain again
    subnets.add("93.184.216.7", "two.com", "acme.com")
    subnets.add("93.184.217.7", "three.com", "acme.com")  # another /24
    subnets.add("127.0.0.1", "four.com", "acme.com")  # loopback: ignored
    subnets.add("93.184.216.8", "acme.com", "acme.com")  # internal: ignored
    assert subnets.referring_domains("93.184.216.200", "acme.com") == ("93.184.216.0/24", 2)
    assert subnets.referring_domains("93.184.217.1", "acme.com") == ("93.184.217.0/24", 1)
    assert subnets.referring_domains("127.0.0.1", "acme.com") == ("", 0)
    assert subnets.referring_domains("93.184.216.1", "other.com") == ("93.184.216.0/24", 0)


@pytest.mark.parametrize("value,band", [(0, "ok"), (44, "ok"), (45, "potentially_toxic"),
                                        (59, "potentially_toxic"), (60, "toxic"), (100, "toxic")])
def test_bands(value, band):
    assert band_of(value) == band


@pytest.mark.parametrize(
    "anchor,commercial",
    [
        ("best payday loans", True),
        ("buy cheap viagra", True),
        ("casino bonus", True),
        ("cheap flights", True),
        ("günstig kaufen", True),
        ("assurance auto pas cher", True),
        ("loans", True),
        ("Acme loans", False),  # names the target
        ("best", False),  # a lone intent word
        ("click here", False),
        ("the best way to bake bread at home in winter months", False),  # too long
        ("sourdough starter", False),
    ],
)
def test_commercial_anchor(anchor, commercial):
    assert ToxicityScorer().is_commercial(anchor, "acme.com") is commercial


@pytest.mark.parametrize(
    "anchor,site,commercial",
    [
        ("payday loans", "paydayloans.com", True),  # an exact-match domain is still exact-match
        ("poker bonus", "casino-bonus-1.test", True),
        ("Acme loans", "acmeloans.com", False),  # the brand
        # A spam-shaped name (a money word with digits or hyphens) has no brand to protect,
        # as for "replica watches" to replica-watches-24.test: score() calls it commercial.
        ("Acme loans", "acme-loans-24.test", True),
        ("cheap flights", "skyscanner.net", True),
    ],
)
def test_commercial_anchor_against_the_targets_brand(anchor, site, commercial):
    assert ToxicityScorer().is_commercial(anchor, site) is commercial
