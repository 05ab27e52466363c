"""The semantic markers of an element: which page landmark it opens (nav, header, footer,
sidebar, comment), which finer region (author bio, signature, ad, profile), and whether
inline markup hides it. These follow the shared conventions (/work/shared conventions A, B,
D), which are modelled on how real themes, forums and CMSs mark their blocks up.
(crawler/_fastnaming.pxi has compiled copies of class_id_tokens, landmark_of and region_of,
as placement._markers uses them: change both.)
"""

from __future__ import annotations

import re

__all__ = [
    "AUTHOR_BIO_TOKENS",
    "class_id_tokens",
    "is_hidden",
    "landmark_of",
    "region_of",
]

NAV_TOKENS = frozenset(
    {"nav", "navbar", "navigation", "menu", "main-menu", "primary-menu", "breadcrumb", "breadcrumbs"}
)
#: Parts of a dash/underscore-separated token that make it a nav token ("site-nav", "menu-main").
NAV_PARTS = frozenset({"nav", "menu", "navbar", "navigation", "menubar", "breadcrumb", "breadcrumbs"})
HEADER_TOKENS = frozenset({"site-header", "masthead", "header", "top-bar"})
FOOTER_TOKENS = frozenset({"site-footer", "footer", "colophon", "bottom"})
SIDEBAR_TOKENS = frozenset({"sidebar", "widget-area", "widget", "blogroll", "secondary"})
COMMENT_TOKENS = frozenset({"comments", "comment-list", "commentlist", "comment", "comment-body", "responses"})

#: Class (or id) names of an author bio box.
AUTHOR_BIO_TOKENS = ("author-bio", "author-box", "about-author", "author-info", "bio-box")
REGION_TOKENS: dict[str, str] = {
    **dict.fromkeys(AUTHOR_BIO_TOKENS, "author_bio"),
    **dict.fromkeys(("signature", "post-signature", "sig"), "signature"),
    **dict.fromkeys(("ad", "ads", "advert", "advertisement", "sponsor", "sponsored-links", "promo"), "ad"),
    **dict.fromkeys(("profile", "profile-card", "user-profile", "vcard"), "profile"),
}

ROLE_LANDMARKS: dict[str, str] = {
    "navigation": "nav",
    "banner": "header",
    "contentinfo": "footer",
    "complementary": "sidebar",
}

#: The landmarks class and id tokens name when nothing else has (header before footer
#: before sidebar).
_TOKEN_LANDMARKS: dict[str, str] = {
    **dict.fromkeys(SIDEBAR_TOKENS, "sidebar"),
    **dict.fromkeys(FOOTER_TOKENS, "footer"),
    **dict.fromkeys(HEADER_TOKENS, "header"),
}
#: The landmarks these tags open outside an article.
_TAG_LANDMARKS = {"header": "header", "footer": "footer", "aside": "sidebar"}


def class_id_tokens(classes: str | None, ident: str | None) -> tuple[list[str], str]:
    """Lower-cased class tokens plus the id (as one token), and the lower-cased id."""
    ident = (ident or "").strip().lower()
    tokens = classes.lower().split() if classes else []
    if ident:
        tokens.append(ident)
    return tokens, ident


def _has_nav_token(tokens: list[str]) -> bool:
    """Whether a token is a nav token, or joins a nav part to others by dashes or underscores."""
    if not NAV_TOKENS.isdisjoint(tokens):
        return True
    for token in tokens:
        if ("-" in token or "_" in token) and not NAV_PARTS.isdisjoint(token.replace("_", "-").split("-")):
            return True
    return False


def landmark_of(tag: str, tokens: list[str], ident: str, role: str, in_article: bool) -> str | None:
    """The position an element opens, or None. ``in_article``: the element sits inside an
    ``<article>``/``<main>`` (or the detected main content), where ``<header>``,
    ``<footer>`` and ``<aside>`` belong to the article, not to the page."""
    if tag == "nav":
        return "nav"
    if role:
        landmark = ROLE_LANDMARKS.get(role)
        if landmark is not None:
            return landmark
    if ident == "comments" or ident.startswith("comment-"):
        return "comment"
    if tokens:
        if not COMMENT_TOKENS.isdisjoint(tokens):  # (<article class="comment"> included)
            return "comment"
        if _has_nav_token(tokens):
            return "nav"
    if not in_article:
        landmark = _TAG_LANDMARKS.get(tag)
        if landmark is not None:
            return landmark
    for token in tokens:
        landmark = _TOKEN_LANDMARKS.get(token)
        if landmark is not None:
            return landmark
    return None


def region_of(tokens: list[str]) -> str:
    """The region a class/id token names, or ""."""
    for token in tokens:
        region = REGION_TOKENS.get(token)
        if region is not None:
            return region
    return ""


_HIDING_STYLE = re.compile(
    r"display\s*:\s*none"
    r"|visibility\s*:\s*hidden"
    r"|font-size\s*:\s*0(?:\.0*)?(?:px|pt|em|rem|%|vw|vh)?\s*(?:;|!|$)"
    r"|(?:^|[;\s])(?:left|text-indent)\s*:\s*-\s*(\d{4,}|999)(?:\.\d*)?(?:px)?\s*(?:;|!|$)"
)


def is_hidden(attrs: dict[str, str | None]) -> bool:
    """Hidden by the ``hidden`` attribute or by inline style: display:none,
    visibility:hidden, zero font size, or an indent/left offset of -999px or further."""
    if "hidden" in attrs:
        return True
    style = attrs.get("style")
    if not style:
        return False
    return _HIDING_STYLE.search(style.lower()) is not None
