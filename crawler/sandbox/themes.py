"""The markup of each CMS-like theme: what wraps each kind of block, and what that wrapper
means under conventions A and B (position, region). Several themes per page family, so an
extractor cannot learn one layout.

A wrapper's position/region is None when the markup is not a recognised block (the link
keeps its ancestors' place). tests/test_sandbox.py re-reads every served page with lxml and
checks that these declarations hold.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from crawler.sandbox.doc import Wrapper as W

_NEUTRAL: dict[str, W] = {
    "logo": W('<div class="site-branding">', "</div>"),
    "topbar": W('<div class="top-links">', "</div>"),
    "section": W('<div class="entry">', "</div>"),
    "entry_header": W('<div class="entry-meta">', "</div>"),
    "entry_footer": W('<div class="entry-tags">', "</div>"),
    "related": W('<div class="related">', "</div>"),
    "hidden": W("<div>", "</div>"),
    "thread_list": W('<div class="topics">', "</div>"),
    "farm": W('<div class="resources">', "</div>"),
    "status": W('<div class="status">', "</div>"),
    "listing": W('<div class="business-listing">', "</div>"),
    "profile_card": W('<div class="profile-card">', "</div>", None, "profile"),
    "bio": W('<div class="author-bio">', "</div>", None, "author_bio"),
    "disclosure": W('<div class="sponsored-label">', "</div>"),
    "signature": W('<div class="signature">', "</div>", None, "signature"),
    "ad": W('<div class="ad">', "</div>", None, "ad"),
    "widget": W('<div class="box">', "</div>"),
    "blogroll": W('<div class="links">', "</div>"),
    "credits": W('<div class="site-info">', "</div>"),
    "comment": W('<div class="comment" id="{id}">', "</div>", "comment"),
    "post": W('<div class="post" id="{id}">', "</div>"),
    "article": W('<div class="post">', "</div>"),
    "main": W('<div id="content">', "</div>"),
    "comment_list": W('<div class="comment-thread">', "</div>"),
    "comments": W('<div class="comments">', "</div>", "comment"),
    "postnav": W('<nav class="pager">', "</nav>", "nav"),
    "sidebar": W('<aside class="sidebar">', "</aside>", "sidebar"),
    "footer_menu": W('<nav class="footer-links">', "</nav>", "nav"),
    "breadcrumb": W('<nav class="breadcrumbs">', "</nav>", "nav"),
}


@dataclass(frozen=True)
class Theme:
    name: str
    wrappers: dict[str, W]
    #: How a plain list of links is written: ul, pipes, div, table, ol.
    list_style: str = "ul"
    #: Block kinds of the page header that sit inside the header wrapper.
    header_kinds: tuple[str, ...] = ("logo", "topbar", "menu")
    sidebar_first: bool = False
    body_open: str = "<body{cls}>"
    body_close: str = "</body>"
    sloppy: bool = False
    generator: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    def wrap(self, kind: str) -> W:
        return self.wrappers.get(kind) or _NEUTRAL[kind]


def _theme(name: str, overrides: dict[str, W], **kwargs) -> Theme:
    return Theme(name, {**_NEUTRAL, **overrides}, **kwargs)


THEMES: dict[str, Theme] = {}


def _add(theme: Theme) -> None:
    THEMES[theme.name] = theme


# --- blogs, news, company sites --------------------------------------------------------------
_add(_theme("wp", {
    "header": W('<header id="masthead" class="site-header">', "</header>", "header"),
    "menu": W('<nav id="site-navigation" class="main-navigation" aria-label="Primary Menu">', "</nav>", "nav"),
    "breadcrumb": W('<nav class="breadcrumb-trail breadcrumbs" aria-label="Breadcrumbs">', "</nav>", "nav"),
    "main": W('<div id="primary" class="content-area"><main id="main" class="site-main">', "</main></div>"),
    "article": W('<article id="{id}" class="{id} post type-post status-publish format-standard hentry">',
                 "</article>"),
    "entry_header": W('<header class="entry-header">', "</header>"),
    "entry_footer": W('<footer class="entry-footer">', "</footer>"),
    "bio": W('<div class="author-bio">', "</div>", None, "author_bio"),
    "postnav": W('<nav class="navigation post-navigation" aria-label="Posts">', "</nav>", "nav"),
    "comments": W('<div id="comments" class="comments-area">', "</div>", "comment"),
    "comment_list": W('<ol class="comment-list">', "</ol>", "comment"),
    "comment": W('<li id="{id}" class="comment even depth-1"><article class="comment-body">',
                 "</article></li>", "comment"),
    "related": W('<div class="jp-relatedposts">', "</div>"),
    "sidebar": W('<aside id="secondary" class="widget-area" aria-label="Sidebar">', "</aside>", "sidebar"),
    "widget": W('<section class="widget widget_text">', "</section>", "sidebar"),
    "blogroll": W('<section class="widget widget_links">', "</section>", "sidebar"),
    "ad": W('<div class="advert">', "</div>", None, "ad"),
    "footer": W('<footer id="colophon" class="site-footer">', "</footer>", "footer"),
    "footer_menu": W('<nav class="footer-navigation" aria-label="Footer Menu">', "</nav>", "nav"),
    "credits": W('<div class="site-info">', "</div>"),
}, body_open='<body{cls}><div id="page" class="site">', body_close="</div></body>",
    header_kinds=("logo", "topbar", "menu"), generator="WordPress 6.4.3"))

_add(_theme("ghost", {
    "header": W('<header id="gh-head" class="gh-head">', "</header>", "header"),
    "menu": W('<nav class="gh-head-menu">', "</nav>", "nav"),
    "breadcrumb": W('<div class="gh-breadcrumbs" role="navigation">', "</div>", "nav"),
    "main": W('<main id="site-main" class="site-main outer">', "</main>"),
    "article": W('<article class="article post {id}">', "</article>"),
    "entry_header": W('<header class="article-header gh-canvas">', "</header>"),
    "entry_footer": W('<footer class="article-footer">', "</footer>"),
    "bio": W('<section class="about-author author-card">', "</section>", None, "author_bio"),
    "disclosure": W('<aside class="disclosure">', "</aside>"),
    "postnav": W('<nav class="read-next-feed">', "</nav>", "nav"),
    "comments": W('<section id="comments" class="article-comments gh-canvas">', "</section>", "comment"),
    "comment_list": W('<ol class="comment-list">', "</ol>", "comment"),
    "comment": W('<li class="comment" id="{id}"><div class="comment-content">', "</div></li>", "comment"),
    "related": W('<section class="read-more-wrap">', "</section>"),
    "sidebar": W('<aside class="gh-sidebar" role="complementary">', "</aside>", "sidebar"),
    "widget": W('<section class="gh-widget">', "</section>"),
    "blogroll": W('<section class="gh-widget blogroll">', "</section>", "sidebar"),
    "ad": W('<div class="sponsor">', "</div>", None, "ad"),
    "footer": W('<footer class="site-footer outer">', "</footer>", "footer"),
    "footer_menu": W('<nav class="site-footer-nav">', "</nav>", "nav"),
    "credits": W('<section class="copyright">', "</section>"),
}, list_style="div", body_open='<body{cls}><div class="viewport">', body_close="</div></body>",
    header_kinds=("logo", "menu"), generator="Ghost 5.75"))

_add(_theme("classic", {
    "header": W('<div id="header">', "</div>", "header"),
    "topbar": W('<div id="top-bar">', "</div>", "header"),
    "menu": W('<div id="menu">', "</div>", "nav"),
    "breadcrumb": W('<div class="breadcrumb">', "</div>", "nav"),
    "main": W('<div id="content">', "</div>"),
    "article": W('<div class="post" id="{id}">', "</div>"),
    "entry_header": W('<div class="post-info">', "</div>"),
    "entry_footer": W('<div class="postmeta">', "</div>"),
    "bio": W('<div class="author-info">', "</div>", None, "author_bio"),
    "disclosure": W('<div class="disclosure">', "</div>"),
    "postnav": W('<div class="navigation">', "</div>", "nav"),
    "comments": W('<div id="comments">', "</div>", "comment"),
    "comment_list": W('<div class="commentlist">', "</div>", "comment"),
    "comment": W('<div class="comment" id="{id}">', "</div>", "comment"),
    "sidebar": W('<div id="sidebar">', "</div>", "sidebar"),
    "widget": W('<div class="box">', "</div>"),
    "blogroll": W('<div class="blogroll">', "</div>", "sidebar"),
    "ad": W('<div class="ads">', "</div>", None, "ad"),
    "footer": W('<div id="footer">', "</div>", "footer"),
    "footer_menu": W('<div class="footer-menu">', "</div>", "nav"),
    "credits": W('<div class="credits">', "</div>"),
}, list_style="pipes", sidebar_first=True, body_open='<body{cls}><div id="wrapper">', body_close="</div>",
    header_kinds=("logo", "topbar"), sloppy=True, generator="Hugo 0.121.1"))

# --- forums ------------------------------------------------------------------------------------
_add(_theme("phpbb", {
    "header": W('<div id="page-header"><div class="headerbar" role="banner">', "</div></div>", "header"),
    "menu": W('<div class="navbar" role="navigation">', "</div>", "nav"),
    "breadcrumb": W('<div id="nav-breadcrumbs" class="nav-breadcrumbs linklist">', "</div>", "nav"),
    "main": W('<div id="page-body" class="page-body" role="main">', "</div>"),
    "post": W('<div id="{id}" class="post has-profile bg2"><div class="inner">', "</div></div>"),
    "signature": W('<div class="signature">', "</div>", None, "signature"),
    "thread_list": W('<div class="forumbg"><div class="topiclist topics">', "</div></div>"),
    "footer": W('<div id="page-footer" class="page-footer" role="contentinfo">', "</div>", "footer"),
    "footer_menu": W('<div id="nav-footer" class="nav-footer linklist">', "</div>", "nav"),
}, list_style="ul", body_open='<body id="phpbb"{cls}><div id="wrap" class="wrap">', body_close="</div></body>",
    header_kinds=("logo",), generator="phpBB"))

_add(_theme("vbulletin", {
    "header": W('<div id="header" class="floatcontainer doc_header">', "</div>", "header"),
    "menu": W('<div id="navbar" class="navbar">', "</div>", "nav"),
    "breadcrumb": W('<div id="breadcrumb" class="breadcrumb">', "</div>", "nav"),
    "main": W('<div id="postlist" class="postlist restrain">', "</div>"),
    "post": W('<table class="tborder" id="{id}"><tr><td class="alt1">', "</td></tr></table>"),
    "signature": W('<div class="after_content"><blockquote class="signature restore">', "</blockquote></div>",
                   None, "signature"),
    "thread_list": W('<table class="tborder threads"><tr><td>', "</td></tr></table>"),
    "footer": W('<div id="footer" class="floatcontainer footer">', "</div>", "footer"),
    "footer_menu": W('<div id="footer_links" class="footer_links nav">', "</div>", "nav"),
}, list_style="pipes", sloppy=True, header_kinds=("logo",), generator="vBulletin 4.2.5"))

_add(_theme("xenforo", {
    "header": W('<header class="p-header" id="header">', "</header>", "header"),
    "menu": W('<nav class="p-nav">', "</nav>", "nav"),
    "breadcrumb": W('<nav aria-label="Breadcrumb"><div class="p-breadcrumbs">', "</div></nav>", "nav"),
    "main": W('<div class="p-body-main"><div class="p-body-content">', "</div></div>"),
    "post": W('<article class="message message--post" id="{id}"><div class="message-inner">',
              "</div></article>"),
    "signature": W('<aside class="message-signature"><div class="signature bbWrapper">', "</div></aside>",
                   None, "signature"),
    "thread_list": W('<div class="structItemContainer">', "</div>"),
    "footer": W('<footer class="p-footer" id="footer">', "</footer>", "footer"),
    "footer_menu": W('<div class="p-footer-linkList">', "</div>"),
}, list_style="div", header_kinds=("logo",), generator="XenForo"))

_add(_theme("discourse", {
    "header": W('<header class="d-header">', "</header>", "header"),
    "menu": W('<nav class="d-header-icons">', "</nav>", "nav"),
    "breadcrumb": W('<div class="topic-category" role="navigation">', "</div>", "nav"),
    "main": W('<div id="main-outlet" class="wrap" role="main">', "</div>"),
    "post": W('<div id="{id}" class="topic-body crawler-post">', "</div>"),
    "signature": W('<div class="user-signature signature">', "</div>", None, "signature"),
    "thread_list": W('<div class="topic-list">', "</div>"),
    "footer": W('<footer class="container wrap">', "</footer>", "footer"),
    "footer_menu": W('<nav class="crawler-nav">', "</nav>", "nav"),
}, list_style="div", header_kinds=("logo", "menu"), generator="Discourse 3.1.3"))

_add(_theme("smf", {
    "header": W('<div id="header">', "</div>", "header"),
    "menu": W('<div id="main_menu">', "</div>", "nav"),
    "breadcrumb": W('<nav class="navigate_section">', "</nav>", "nav"),
    "main": W('<div id="content_section"><div id="main_content_section">', "</div></div>"),
    "post": W('<div class="windowbg" id="{id}"><div class="post_wrapper">', "</div></div>"),
    "signature": W('<div class="signature" id="{id}_signature">', "</div>", None, "signature"),
    "thread_list": W('<div id="messageindex">', "</div>"),
    "footer": W('<div id="footer">', "</div>", "footer"),
    "footer_menu": W('<div class="copyright_links">', "</div>"),
}, list_style="ul", sloppy=True, header_kinds=("logo",), generator="SMF 2.1.4"))

# --- business directories -------------------------------------------------------------------
_add(_theme("yelpish", {
    "header": W('<header class="header" role="banner">', "</header>", "header"),
    "menu": W("<nav>", "</nav>", "nav"),
    "breadcrumb": W('<nav class="breadcrumbs">', "</nav>", "nav"),
    "main": W('<main id="main-content">', "</main>"),
    "listing": W('<div class="business-listing" id="{id}">', "</div>"),
    "sidebar": W('<aside class="sidebar">', "</aside>", "sidebar"),
    "footer": W("<footer>", "</footer>", "footer"),
    "footer_menu": W('<div class="footer-menu">', "</div>", "nav"),
}, list_style="ul", header_kinds=("logo", "menu"), generator=""))

_add(_theme("yellowpages", {
    "header": W('<div id="top-bar" class="top-bar">', "</div>", "header"),
    "menu": W('<div class="menu">', "</div>", "nav"),
    "breadcrumb": W('<div class="breadcrumbs">', "</div>", "nav"),
    "main": W('<div id="results">', "</div>"),
    "listing": W('<div class="listing vcard" id="{id}">', "</div>", None, "profile"),
    "sidebar": W('<div class="sidebar">', "</div>", "sidebar"),
    "ad": W('<div class="sponsored-links">', "</div>", None, "ad"),
    "footer": W('<div id="footer">', "</div>", "footer"),
    "footer_menu": W('<div class="bottom">', "</div>", "footer"),
}, list_style="pipes", sloppy=True, header_kinds=("logo",), generator=""))

_add(_theme("listingpro", {
    "header": W('<header id="masthead" class="site-header">', "</header>", "header"),
    "menu": W('<nav class="main-menu">', "</nav>", "nav"),
    "breadcrumb": W('<div class="breadcrumbs">', "</div>", "nav"),
    "main": W('<div class="lp-content">', "</div>"),
    "listing": W('<article class="lp-listing listing" id="{id}">', "</article>"),
    "sidebar": W('<aside class="widget-area">', "</aside>", "sidebar"),
    "widget": W('<div class="widget">', "</div>", "sidebar"),
    "ad": W('<div class="promo">', "</div>", None, "ad"),
    "footer": W('<footer class="site-footer">', "</footer>", "footer"),
    "footer_menu": W('<div class="footer-nav">', "</div>", "nav"),
}, list_style="div", header_kinds=("logo", "menu"), generator="WordPress 6.3.2"))

# --- social networks ------------------------------------------------------------------------
_add(_theme("mastodon", {
    "header": W('<header class="site-header">', "</header>", "header"),
    "menu": W('<nav class="column-nav">', "</nav>", "nav"),
    "main": W('<main class="public-layout">', "</main>"),
    "profile_card": W('<div class="profile-card account__header">', "</div>", None, "profile"),
    "status": W('<article class="status h-entry" id="{id}">', "</article>"),
    "footer": W('<footer class="site-footer">', "</footer>", "footer"),
    "footer_menu": W('<nav class="footer-links">', "</nav>", "nav"),
}, list_style="div", header_kinds=("logo", "menu"), generator="Mastodon"))

_add(_theme("friendly", {
    "header": W('<div id="top-bar">', "</div>", "header"),
    "menu": W('<div class="navbar">', "</div>", "nav"),
    "main": W('<div id="stream">', "</div>"),
    "profile_card": W('<section class="user-profile">', "</section>", None, "profile"),
    "status": W('<div class="post-card" id="{id}">', "</div>"),
    "sidebar": W('<div class="sidebar">', "</div>", "sidebar"),
    "footer": W('<div class="footer">', "</div>", "footer"),
    "footer_menu": W('<div class="footer-menu">', "</div>", "nav"),
}, list_style="ul", header_kinds=("logo", "menu"), generator=""))

_add(_theme("microblog", {
    "header": W('<header role="banner">', "</header>", "header"),
    "menu": W('<div role="navigation">', "</div>", "nav"),
    "main": W("<main>", "</main>"),
    "profile_card": W('<div class="vcard profile-header">', "</div>", None, "profile"),
    "status": W('<article class="entry" id="{id}">', "</article>"),
    "footer": W('<footer role="contentinfo">', "</footer>", "footer"),
    "footer_menu": W('<div class="links">', "</div>"),
}, list_style="pipes", header_kinds=("logo", "menu"), generator="Pleroma"))

# --- link farms -------------------------------------------------------------------------------
_add(_theme("linktable", {
    "header": W('<div id="header">', "</div>", "header"),
    "menu": W('<div class="nav">', "</div>", "nav"),
    "main": W('<div id="main">', "</div>"),
    "farm": W('<div class="links-table">', "</div>"),
    "footer": W('<div id="footer">', "</div>", "footer"),
}, list_style="table", sloppy=True, header_kinds=("logo", "menu"), generator=""))

_add(_theme("resources", {
    "header": W("<header>", "</header>", "header"),
    "menu": W("<nav>", "</nav>", "nav"),
    "main": W('<main class="resources">', "</main>"),
    "farm": W('<section class="link-list">', "</section>"),
    "footer": W("<footer>", "</footer>", "footer"),
}, list_style="ul", header_kinds=("logo", "menu"), generator="WordPress 5.2.4"))

_add(_theme("partners", {
    "header": W('<div class="masthead">', "</div>", "header"),
    "menu": W('<div class="primary-menu">', "</div>", "nav"),
    "main": W('<div class="container">', "</div>"),
    "farm": W('<div class="partner-grid">', "</div>"),
    "footer": W('<div class="colophon">', "</div>", "footer"),
}, list_style="div", header_kinds=("logo",), generator=""))

#: Themes by site kind (a site's theme is drawn from its family).
FAMILIES: dict[str, tuple[str, ...]] = {
    "blog": ("wp", "ghost", "classic"),
    "news": ("wp", "ghost", "classic"),
    "company": ("wp", "ghost", "classic"),
    "spam": ("wp", "classic", "ghost"),
    "forum": ("phpbb", "vbulletin", "xenforo", "discourse", "smf"),
    "directory": ("yelpish", "yellowpages", "listingpro"),
    "social": ("mastodon", "friendly", "microblog"),
    "farm": ("linktable", "resources", "partners"),
}
