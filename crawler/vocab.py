"""The closed vocabularies of the link record, shared by extraction, classification,
the sandbox web and the index.

Every value a field may take is listed here once, so that a typo is an error and the
sandbox's ground truth and our classifier speak the same language.
"""

from __future__ import annotations

#: Where on the page a link sits (``Link.position``).
POSITIONS: tuple[str, ...] = ("content", "nav", "header", "footer", "sidebar", "comment")

#: What kind of reference a link is (``Link.kind``). ``redirect`` covers both an HTTP 3xx
#: answer and a ``<meta http-equiv="refresh">``.
KINDS: tuple[str, ...] = ("text", "image", "area", "redirect", "canonical", "frame", "form")

#: Finer block labels inside a position (``Link.region``), found from class/id names of
#: the link's ancestors: an author bio box, a forum signature, a sponsor/ad block.
REGIONS: tuple[str, ...] = ("", "author_bio", "signature", "ad", "profile")

#: Backlink types (``type`` of the link record).
TYPES: tuple[str, ...] = (
    "editorial",
    "guest_post",
    "business_profile",
    "social",
    "forum",
    "comment",
    "sponsored",
    "sitewide",
    "other",
)

#: Backlink origins (``origin`` of the link record).
ORIGINS: tuple[str, ...] = ("natural", "manual", "self_created")

#: The origin that follows from a type. Editorial links are given freely (natural);
#: directory listings, guest posts and paid placements are built by someone on purpose
#: (manual); profiles, forum signatures and comments are made by the linked party itself
#: (self_created). Blogroll / partner links in site-wide blocks are the site owner's own
#: choice and count as natural; ``other`` is natural unless evidence says otherwise.
ORIGIN_OF_TYPE: dict[str, str] = {
    "editorial": "natural",
    "guest_post": "manual",
    "business_profile": "manual",
    "social": "self_created",
    "forum": "self_created",
    "comment": "self_created",
    "sponsored": "manual",
    "sitewide": "natural",
    "other": "natural",
}

#: Toxicity bands (score 0-100), the convention of SEO tools.
TOXIC_MIN = 60
POTENTIALLY_TOXIC_MIN = 45

#: Live/lost status of a stored backlink.
STATUSES: tuple[str, ...] = ("live", "lost")
