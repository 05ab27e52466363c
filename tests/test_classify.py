"""Backlink type, origin and the evidence, on hand-built page records carrying the markers
real sites carry (generators, schema.org types, og:type, URL patterns, known hosts)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from crawler.classify import Classifier, SiteLanguages
from crawler.items import Link, Page
from crawler.ruleset import PhraseMatcher, load_rules

TARGET = "https://acme-widgets.com/"


def page(url: str, *links: Link, **facts) -> Page:
    return Page(url=url, base_url=url, links=links, **facts)


def link(url: str = TARGET, **fields) -> Link:
    return Link(url=url, **fields)


def farm_links(n: int) -> tuple[Link, ...]:
    return tuple(link(f"https://site{i}.example/", anchor=f"keyword {i}") for i in range(n))


WORDPRESS = dict(generator="WordPress 6.4.2", og_type="article",
                 schema_types=frozenset({"BlogPosting"}),
                 page_classes=frozenset({"single", "single-post", "postid-12"}))

# (name, page, the link to classify, type, origin, a piece of the reason)
CASES = [
    ("phpbb-signature",
     page("https://www.phpbb.com/community/viewtopic.php?t=2345", generator="phpBB"),
     link(region="signature", anchor="Acme Widgets"),
     "forum", "self_created", "generator=phpBB"),
    ("phpbb-url-only",
     page("https://forum.example.org/viewtopic.php?f=3&t=99"),
     link(), "forum", "self_created", "url~/viewtopic.php?"),
    ("discourse-topic",
     page("https://meta.discourse.org/t/how-to-install/12345", generator="Discourse 3.2.0"),
     link(), "forum", "self_created", "generator=Discourse 3.2.0"),
    ("discourse-url-and-host",  # two weak markers: a forum host name and a /t/slug/id path
     page("https://community.example.com/t/how-to-install/12345"),
     link(), "forum", "self_created", "/t/how-to-install/12345"),
    ("xenforo-thread-url",
     page("https://forums.example.net/threads/best-widgets.4821/"),
     link(), "forum", "self_created", "url~/threads/best-widgets.4821/"),
    ("smf-topic",
     page("https://example.org/index.php?topic=5521.0", generator="SMF 2.1"),
     link(), "forum", "self_created", "generator=SMF 2.1"),
    ("vbulletin-showthread",
     page("https://www.example.com/showthread.php?t=12"),
     link(), "forum", "self_created", "url~/showthread.php"),
    ("yelp-biz",
     page("https://www.yelp.com/biz/acme-widgets-san-francisco",
          schema_types=frozenset({"LocalBusiness"}), title="Acme Widgets - Reviews - Yelp"),
     link(anchor="acme-widgets.com"), "business_profile", "manual", "domain=yelp.com"),
    ("trustpilot",
     page("https://www.trustpilot.com/review/acme-widgets.com"),
     link(), "business_profile", "manual", "domain=trustpilot.com"),
    ("google-business-profile",
     page("https://www.google.com/maps/place/Acme+Widgets/@37.7,-122.4,17z"),
     link(), "business_profile", "manual", "url~https://www.google.com/maps/place/"),
    ("industry-directory-local-business",
     page("https://plumbers-guide.example/listing/acme", schema_types=frozenset({"Plumber"})),
     link(), "business_profile", "manual", "schema=Plumber"),
    ("directory-organization-on-listing",  # Organization alone is weak: + a /company/ URL
     page("https://startups.example/company/acme", schema_types=frozenset({"Organization"})),
     link(), "business_profile", "manual", "schema=Organization"),
    ("news-story-in-business-section",  # /business/ + Organization are weak: the article wins
     page("https://news.example.com/business/2024/05/acme-results",
          schema_types=frozenset({"NewsArticle", "Organization"}), og_type="article"),
     link(), "editorial", "natural", "schema=NewsArticle"),
    ("twitter-profile",
     page("https://twitter.com/acme", og_type="profile"),
     link(region="profile"), "social", "self_created", "domain=twitter.com"),
    ("x-post",
     page("https://x.com/acme/status/1790000000000000000",
          schema_types=frozenset({"SocialMediaPosting"})),
     link(), "social", "self_created", "domain=x.com"),
    ("facebook-page",
     page("https://www.facebook.com/acmewidgets"), link(), "social", "self_created",
     "domain=facebook.com"),
    ("linkedin-profile",
     page("https://www.linkedin.com/in/jane-doe-123/"), link(), "social", "self_created",
     "domain=linkedin.com"),
    ("linkedin-company",  # /company/ is a directory URL, but the social host decides first
     page("https://www.linkedin.com/company/acme/"), link(), "social", "self_created",
     "domain=linkedin.com"),
    ("mastodon-instance",
     page("https://fosstodon.org/@jane", generator="Mastodon 4.2", og_type="profile",
          schema_types=frozenset({"ProfilePage"})),
     link(region="profile"), "social", "self_created", "generator=Mastodon 4.2"),
    ("hand-made-blog-long-prose",  # no article markup: a dated URL and 500+ chars of prose
     page("https://daringfireball.net/2017/03/widgets", main_prose=1105),
     link(), "editorial", "natural", "url~/2017/03/, prose=1105 chars"),
    ("long-prose-alone-is-weak",  # an about page or a product description can be long too
     page("https://acme-partner.example/about-us", main_prose=2400),
     link(), "other", "natural", "not an article page"),
    ("short-prose-dated-url",  # a category page's excerpts: titles and "Read more" links
     page("https://blog.example.org/2017/03/", main_prose=340),
     link(), "other", "natural", "not an article page"),
    ("wordpress-post-content",
     page("https://blog.example.com/2024/05/widgets/", **WORDPRESS),
     link(anchor="a great widget maker"), "editorial", "natural", "og:type=article"),
    ("wordpress-post-comment",
     page("https://blog.example.com/2024/05/widgets/", **WORDPRESS),
     link(position="comment", rel=frozenset({"ugc", "nofollow"}), ugc=True, nofollow=True,
          anchor="Jane"), "comment", "self_created", "position=comment"),
    ("ugc-outside-comment-block",
     page("https://blog.example.com/2024/05/widgets/", **WORDPRESS),
     link(rel=frozenset({"external", "nofollow", "ugc"}), ugc=True), "comment", "self_created",
     "rel=ugc"),
    ("wordpress-footer",
     page("https://blog.example.com/2024/05/widgets/", **WORDPRESS),
     link(position="footer", anchor="Theme by Acme"), "sitewide", "natural", "position=footer"),
    ("blogroll-sidebar",
     page("https://blog.example.com/", **WORDPRESS),
     link(position="sidebar"), "sitewide", "natural", "position=sidebar"),
    ("guest-post-author-bio",
     page("https://blog.example.com/2024/05/guest/", text="This is a guest post by Jane Doe.",
          **WORDPRESS),
     link(region="author_bio", anchor="Jane Doe"), "guest_post", "manual",
     "region=author_bio, guest post: text~This is a guest post"),
    ("author-bio-without-guest-markers",
     page("https://blog.example.com/2024/05/own/", **WORDPRESS),
     link(region="author_bio"), "guest_post", "manual", "region=author_bio"),
    ("german-guest-post-byline-in-context",
     page("https://blog.example.de/2024/05/gast/", text="Ein Gastbeitrag von Jana Schmidt",
          lang="de", **WORDPRESS),
     link(context="Ein Gastbeitrag von Jana Schmidt, Gründerin von Acme"), "guest_post",
     "manual", "context~Ein Gastbeitrag"),
    ("guest-post-content-link-is-editorial",
     page("https://blog.example.com/2024/05/guest/", text="This is a guest post by Jane Doe.",
          **WORDPRESS),
     link(context="widgets are made by many companies"), "editorial", "natural",
     "position=content"),
    ("advertorial-unmarked",
     page("https://news.example.com/2024/05/advert/",
          text="Sponsored post. This post is sponsored by Acme.", **WORDPRESS),
     link(), "sponsored", "manual", "sponsored post: text~Sponsored post"),
    ("french-advertorial",
     page("https://news.example.fr/2024/05/pub/", text="Publireportage : Acme", **WORDPRESS),
     link(), "sponsored", "manual", "text~Publireportage"),
    ("rel-sponsored",
     page("https://blog.example.com/2024/05/widgets/", **WORDPRESS),
     link(rel=frozenset({"sponsored"}), sponsored=True), "sponsored", "manual",
     "rel=sponsored"),
    ("ad-block",
     page("https://blog.example.com/2024/05/widgets/", **WORDPRESS),
     link(region="ad"), "sponsored", "manual", "region=ad"),
    ("link-farm",
     page("https://links.example.com/resources.html", *farm_links(150), title="Resources"),
     link(), "other", "natural", "link farm: 150 outbound sites"),
    ("plain-home-page",
     page("https://shop.example.com/"), link(), "other", "natural", "not an article page"),
    ("meta-refresh",
     page("https://blog.example.com/2024/05/moved/", **WORDPRESS),
     link(kind="redirect"), "other", "natural", "kind=redirect"),
    ("share-button-in-an-article",  # "Tweet this" in the article text: a widget
     page("https://blog.example.com/2024/05/widgets/", **WORDPRESS),
     link("https://twitter.com/intent/tweet?url=https%3A%2F%2Fblog.example.com%2F&text=Widgets",
          anchor="Tweet this"), "other", "natural", "share button: twitter.com/intent/"),
    ("share-button-www-and-case",
     page("https://blog.example.com/2024/05/widgets/", **WORDPRESS),
     link("https://www.LinkedIn.com/shareArticle?mini=true&url=x", anchor="Share"), "other",
     "natural", "share button: linkedin.com/sharearticle"),
    ("profile-link-in-an-article",  # a link to a profile on a network is editorial
     page("https://blog.example.com/2024/05/widgets/", **WORDPRESS),
     link("https://twitter.com/acmewidgets", anchor="Acme on Twitter"), "editorial", "natural",
     "article"),
    ("whatsapp-contact-in-an-article",  # wa.me/<number> is a contact, wa.me/?text= a share
     page("https://blog.example.com/2024/05/widgets/", **WORDPRESS),
     link("https://wa.me/15551234567", anchor="Chat with us"), "editorial", "natural",
     "article"),
    ("wikipedia-article",  # MediaWiki, many references but internal links dominate
     page("https://en.wikipedia.org/wiki/Widget",
          *farm_links(120),
          *(link(f"https://en.wikipedia.org/wiki/Page_{i}") for i in range(400)),
          generator="MediaWiki 1.43.0-wmf.5"),
     link(anchor="Widgets Inc. annual report"), "editorial", "natural",
     "generator=MediaWiki"),
]


@pytest.mark.parametrize(
    "page_,link_,type_,origin,reason", [case[1:] for case in CASES], ids=[c[0] for c in CASES]
)
def test_type_origin_and_evidence(page_, link_, type_, origin, reason):
    classifier = Classifier()
    ctx = classifier.page_context(page_)
    cls = classifier.classify(link_, ctx)
    assert (cls.type, cls.origin) == (type_, origin), cls.reason
    assert reason.lower() in cls.reason.lower()


def test_page_context_evidence_and_counts():
    classifier = Classifier()
    ctx = classifier.page_context(
        page("https://links.example.com/partners", *farm_links(101), lang="en-GB",
             robots=frozenset({"noindex", "follow"}), title="Our Partners")
    )
    assert ctx.site == "example.com"
    assert ctx.lang == "en"
    assert ctx.noindex is True
    assert ctx.outbound_sites == 101
    assert ctx.link_farm == "101 outbound sites, 101/101 links outbound, title~partners"
    assert (ctx.forum, ctx.social, ctx.directory) == ("", "", "")


def test_just_under_link_farm_threshold():
    ctx = Classifier().page_context(page("https://links.example.com/", *farm_links(99)))
    assert ctx.outbound_sites == 99
    assert ctx.link_farm == ""


def test_one_weak_marker_is_not_enough():
    # A blog article titled "... Reviews" is not a directory: a title word alone is weak.
    ctx = Classifier().page_context(
        page("https://blog.example.com/2024/05/headphones/", title="Headphone Reviews 2024")
    )
    assert ctx.directory == ""


def test_site_languages_majority():
    languages = SiteLanguages()
    for lang in ("de", "en", "en"):
        languages.note("example.com", lang)
    languages.note("example.com", "")
    assert languages.get("example.com") == "en"
    assert languages.get("unknown.com") == ""


def test_page_context_fills_the_crawl_language_map():
    classifier = Classifier()
    classifier.page_context(page("https://www.beispiel.de/", lang="de-DE"))
    assert classifier.languages.get("beispiel.de") == "de"


def test_every_type_has_its_origin():
    classifier = Classifier()
    ctx = classifier.page_context(page("https://blog.example.com/x", **WORDPRESS))
    cls = classifier.classify(link(), ctx)
    assert (cls.type, cls.origin, cls.rule) == ("editorial", "natural", "editorial")


# -- the operator's rule overlay (BACKLINKS_RULES_DIR) ---------------------------------------------


def test_overlay_adds_and_removes_entries(tmp_path: Path):
    (tmp_path / "forum_domains.txt").write_text("# ours\nboards.example-hoster.net\n")
    (tmp_path / "spam_tlds.txt").write_text("!xyz\n")
    (tmp_path / "toxicity.toml").write_text("[markers.hidden_link]\nweight = 70\n")
    rules = load_rules(str(tmp_path))
    assert "xyz" not in rules.spam_tlds and "top" in rules.spam_tlds
    assert rules.markers["hidden_link"].weight == 70
    assert rules.markers["hidden_link"].explanation.startswith("the link is hidden")
    classifier = Classifier(rules)
    ctx = classifier.page_context(page("https://a.boards.example-hoster.net/topic"))
    assert ctx.forum == "domain=boards.example-hoster.net"


@pytest.mark.parametrize(
    "files,message",
    [
        ({"forum_domain.txt": "x.com\n"}, "unknown rule file"),
        ({"page_kinds.toml": "[forum.strong]\nurl_patterns = ['(']\n"}, "bad url pattern '('"),
        ({"page_kinds.toml": "[forum.strong]\ngenerator = ['x']\n"}, "unknown key(s) ['generator']"),
        ({"page_kinds.toml": "[blogs]\nmin_weak = 1\n"}, "unknown page kind(s) ['blogs']"),
        ({"toxicity.toml": "[markers.x]\nweight = 'heavy'\n"}, "needs an integer weight"),
        ({"page_kinds.toml": "[forum]\nweak_yields_to = ['blog']\n"},
         "names unknown page kind(s) ['blog']"),
        ({"toxicity.toml": "[markers\n"}, "is not valid TOML"),
        ({"page_kinds.toml": "[article.weak]\nmin_prose = 'long'\n"},
         "[article].weak.min_prose must be a whole number of characters >= 0, not 'long'"),
    ],
)
def test_overlay_errors_say_what_to_fix(tmp_path: Path, files, message):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    with pytest.raises(ValueError) as error:
        load_rules(str(tmp_path))
    assert message in str(error.value)


def test_overlay_dir_must_exist(tmp_path: Path):
    with pytest.raises(ValueError, match="is not a directory"):
        load_rules(str(tmp_path / "missing"))


def test_site_languages_switch_to_the_majority_and_back():
    languages = SiteLanguages()
    languages.note("example.com", "de")
    languages.note("example.com", "de")
    languages.note("example.com", "en")
    assert languages.get("example.com") == "de"
    languages.note("example.com", "en")
    languages.note("example.com", "en")
    assert languages.get("example.com") == "en"
    languages.note("other.com", "fr")
    assert (languages.get("other.com"), len(languages)) == ("fr", 2)


def test_pipeline_reads_the_operators_rules_dir(tmp_path: Path):
    from scrapy.utils.test import get_crawler

    from pipelines.classify import ClassifyPipeline

    (tmp_path / "toxicity.toml").write_text("[markers.sitewide_link]\nweight = 0\n")
    crawler = get_crawler(settings_dict={"BACKLINKS_RULES_DIR": str(tmp_path)})
    pipeline = ClassifyPipeline.from_crawler(crawler)
    assert pipeline.classifier.rules is pipeline.scorer.rules
    assert pipeline.scorer.rules.markers["sitewide_link"].weight == 0


@pytest.mark.parametrize("url", [
    "https://twitter.com/SharePoint",  # a profile, not twitter.com/share
    "https://twitter.com/sharethis",
    "https://x.com/ShareFile",
    "https://t.me/shareit_official",
    "https://www.facebook.com/sharerplus",
    "https://getpocket.com/saved",
])  # fmt: skip
def test_a_profile_named_like_a_share_endpoint_is_not_a_share_button(url):
    assert Classifier().share_button(url) == ""


@pytest.mark.parametrize(("url", "entry"), [
    ("https://twitter.com/share?url=x", "twitter.com/share"),
    ("https://twitter.com/share", "twitter.com/share"),
    ("https://m.facebook.com/sharer/sharer.php?u=x", "facebook.com/sharer"),
    ("https://facebook.com/sharer.php?u=x", "facebook.com/sharer"),
    ("https://wa.me/?text=hello", "wa.me/?"),
])  # fmt: skip
def test_share_endpoints_match_whole_segments(url, entry):
    assert Classifier().share_button(url) == entry


def test_an_operators_share_entries_may_carry_a_scheme_or_www(tmp_path: Path):
    (tmp_path / "share_urls.txt").write_text("https://www.example-share.com/post\n!reddit.com/submit\n")
    classifier = Classifier(load_rules(str(tmp_path)))
    assert classifier.share_button("https://example-share.com/post?u=x") == "example-share.com/post"
    assert classifier.share_button("https://www.reddit.com/submit?url=x") == ""


def reference_search(phrases: tuple[str, ...], text: str) -> str:
    """PhraseMatcher.search as first written: every phrase, longest first."""
    best, best_at = "", len(text) + 1
    for phrase in phrases:
        at = text.find(phrase)
        while 0 <= at < best_at:
            end = at + len(phrase)
            if (at == 0 or not text[at - 1].isalnum()) and (end == len(text) or not text[end].isalnum()):
                best, best_at = phrase, at
                break
            at = text.find(phrase, at + 1)
    return best


def test_grouped_phrase_search_finds_what_searching_each_phrase_finds():
    words = ["guest", "post", "guest-post", "by", "author", "guests", "sponsored", "in", "paid", "é", "x1"]
    phrases = ["guest post", "guest post by", "post by", "guest", "sponsored post", "in paid", "paid",
               "author", "guest author", "é"]
    matcher = PhraseMatcher(phrases)
    assert {phrase for _, group in matcher.groups for phrase in group} == set(matcher.phrases)
    rng = random.Random(7)
    for _ in range(3000):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(0, 8)))
        assert matcher.search(text) == reference_search(matcher.phrases, text), text


def test_collapsed_text_is_the_text_split_and_joined():
    from crawler.classify import _collapsed

    pieces = ["a", "B", " ", "  ", "\xa0", "\t", "\n", "\u2003", "\u3000", "\x1f", "é", ".", ""]
    rng = random.Random(11)
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 9)))
        assert _collapsed(text) == " ".join(text.split()), repr(text)
