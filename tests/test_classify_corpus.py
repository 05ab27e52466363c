"""Classification on real web pages (../shared/corpus/readability, saved by Mozilla's
Readability project): hand-checked cases pinned so that sensible real-world behaviour cannot
silently regress, and floors over the whole corpus.

The pages were saved without their address; they are parsed at Readability's test URL
http://fakehost/test/page.html, so a site's links to its own domain count as outbound here.
"""

from __future__ import annotations

from functools import cache

import pytest

from crawler.backlinks import backlinks_and_links
from crawler.judge import BacklinkJudge
from crawler.links import parse_page
from tests.corpus import CORPUS

BASE_URL = "http://fakehost/test/page.html"

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"corpus not found at {CORPUS}")


@cache
def classified(name: str) -> dict[str, tuple[str, str, str, int, tuple[str, ...]]]:
    """target URL -> (type, origin, reason, toxicity, markers) for one corpus page."""
    judge = BacklinkJudge()
    page = parse_page((CORPUS / name / "source.html").read_bytes(), BASE_URL)
    ctx = judge.page_context(page)
    out = {}
    records, elements = backlinks_and_links(page, source_url=BASE_URL, fetched_at="2026-01-01T00:00:00Z")
    for record, link in zip(records, elements, strict=True):
        cls, tox = judge.judge(record, link, ctx)
        out[record.target_url] = (cls.type, cls.origin, cls.reason, tox.score,
                                  tuple(m.name for m in tox.markers))
    return out


# (page, target URL ("*" at the end: a prefix), type, a piece of the reason); why each is
# right is in the comment.
CASES = [
    # A reference in the body of a Wikipedia article (MediaWiki body classes): editorial.
    ("wikipedia", "https://www.mozilla.org/foundation/moco/", "editorial", "class=mediawiki"),
    # The same article's navbox at the bottom ("Mozilla" template) is navigation: sitewide.
    ("wikipedia", "https://commons.wikimedia.org/wiki/Category:Free_software", "sitewide",
     "position=nav"),
    # WP Tavern (WordPress theme Stargazer, og:type article): a link in the post body.
    ("wordpress", "https://stackoverflow.blog/2017/03/09/developer-hiring-trends-2017/",
     "editorial", "og:type=article"),
    # ... a commenter's website link in the WordPress comment list: comment.
    ("wordpress", "https://wpfangirl.com/", "comment", "position=comment"),
    # ... the site's main menu.
    ("wordpress", "https://wptavern.com/about", "sitewide", "position=nav"),
    # Mozilla Hacks (WordPress body classes single single-post): body link and a commenter.
    ("002", "https://developer.mozilla.org/en-US/docs/Web/API/Fetch_API", "editorial",
     "class=single"),
    ("002", "http://blog.nikhilism.com/", "comment", "position=comment"),
    ("002", "https://hacks.mozilla.org/articles/", "sitewide", "position=nav"),
    # ACLU (Drupal, schema.org Article): a link in the article text; the top banner menu.
    ("aclu", "https://en.wikipedia.org/wiki/Web_bug", "editorial", "schema=Article"),
    ("aclu", "https://www.aclu.org/membership-conference-banner-2018", "sitewide", "position=nav"),
    # BBC and Medium articles: links in the story are editorial.
    ("bbc-1", "http://www.bbc.co.uk/news/uk-politics-33647154", "editorial", "schema=Article"),
    ("medium-1", "http://pippinlee.github.io/open-journalism-project/", "editorial",
     "og:type=article"),
    # A Tumblr post (JSON-LD SocialMediaPosting): a social page.
    ("tumblr", "http://mcupdate.tumblr.com/post/96439224994/minecraft-18-the-bountiful-update",
     "social", "schema=SocialMediaPosting"),
    # Daring Fireball's sidebar link to its Twitter account.
    ("daringfireball-1", "https://twitter.com/daringfireball", "sitewide", "position=sidebar"),
    # The New York Times' "SUBSCRIBE NOW" promo sits in an ad block: sponsored.
    ("nytimes-1", "http://www.nytimes.com/adx/bin/adx_click.html?type=goto&opzn&page=www.nytimes.com/yr/mo/day/*",
     "sponsored", "region=ad"),
]


@pytest.mark.parametrize("name,target,type_,reason", CASES,
                         ids=[f"{c[0]}:{c[2]}:{c[1][:40]}" for c in CASES])
def test_pinned_real_world_cases(name, target, type_, reason):
    links = classified(name)
    if target.endswith("*"):  # a long ad URL: its start is enough
        target = next((url for url in links if url.startswith(target[:-1])), target)
    assert target in links, f"{target} not among the outbound links of {name}"
    got_type, origin, got_reason, _, _ = links[target]
    assert got_type == type_, got_reason
    assert reason in got_reason


def test_an_unmarked_blog_article_is_recognised_by_its_prose():
    # Daring Fireball has no article markup (no og:type, schema.org or CMS classes): its
    # long prose and its article-like URL make it one, so its body links are editorial.
    type_, _, reason, _, _ = classified("daringfireball-1")["http://www.barebones.com/products/bbedit/"]
    assert (type_, reason) == ("editorial", "position=content, article: url~.html, prose=1105 chars")


def test_no_visible_link_on_the_corpus_is_even_potentially_toxic():
    # Real articles from reputable sites: only links their authors hid (collapsed menus,
    # display:none blocks) may score high; every visible link stays below 45.
    flagged = []
    for directory in sorted(CORPUS.iterdir()):
        for target, (_, _, _, score, markers) in classified(directory.name).items():
            if score >= 45 and "hidden_link" not in markers:
                flagged.append((directory.name, target, score, markers))
    assert flagged == []


def test_corpus_type_mix_floor():
    # Over the corpus, article pages are recognised: most content links are editorial, not
    # "other", and no page is mistaken for a forum, directory or link farm.
    types: dict[str, int] = {}
    reasons = []
    for directory in sorted(CORPUS.iterdir()):
        for type_, _, reason, _, _ in classified(directory.name).values():
            types[type_] = types.get(type_, 0) + 1
            reasons.append(reason)
    assert types.get("forum", 0) == types.get("business_profile", 0) == 0
    assert not any(reason.startswith("link farm") for reason in reasons)
    assert types["editorial"] >= 10 * types.get("other", 0)
