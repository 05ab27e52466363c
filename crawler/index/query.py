"""What a query asks for: a target (site, host, URL prefix or exact URL), filters on the
link record, a sort and a page.

How a target string is recognised (``parse_target``):

============================  =======  =====================================================
``example.com``               site     the registered domain and all its subdomains
``blog.example.com``          host     exactly that host (``www.example.com`` too)
``example.com/blog/``         prefix   URLs on that host whose path starts with ``/blog/``,
                                       any scheme
``https://example.com/blog/`` prefix   the same, https only (a scheme restricts the prefix)
``example.com/blog*``         prefix   a trailing ``*`` makes anything a prefix
``https://example.com``       prefix   the whole host, https only
``https://example.com/a.html`` url     exactly that URL (after WHATWG normalisation)
``example.com/a.html``        url      a path not ending in ``/``: exactly that URL, any
                                       scheme
============================  =======  =====================================================

``mode`` overrides the guess: ``parse_target("https://example.com/", mode="url")`` is the
home page only. Every value ends up as a plain string compared for equality or range, never
as a query operator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from crawler.urls import host_of, normalize, path_of, site_of
from crawler.vocab import POSITIONS, STATUSES, TYPES

TARGET_MODES: tuple[str, ...] = ("site", "host", "prefix", "url")
SORT_FIELDS: tuple[str, ...] = ("first_seen", "last_seen", "toxicity", "lost_at")

_HOST_RE = re.compile(r"^(\[[0-9a-f:.]+\]|[a-z0-9_]([a-z0-9_-]{0,62}\.?)*)$")
_REL_RE = re.compile(r"^[a-z0-9][a-z0-9._:-]{0,63}$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z?)?$")


@dataclass(frozen=True, slots=True)
class Target:
    """A parsed target. ``kind`` is one of site, host, prefix, url."""

    kind: str
    #: What the user typed, for messages and reports.
    text: str
    #: The registered domain of the target (every kind has one: it picks the shard).
    site: str
    #: The host (host, prefix and url kinds).
    host: str = ""
    #: The path (+query) prefix, or the exact path of a url target.
    path: str = ""
    #: "http" or "https" when the target names a scheme (prefix and url kinds), else "".
    scheme: str = ""
    #: The exact normalised URL (url kind with a scheme).
    url: str = ""

    @property
    def path_end(self) -> str:
        """Exclusive upper bound of the path range of a prefix target ("" = unbounded)."""
        if not self.path:
            return ""
        return self.path[:-1] + chr(ord(self.path[-1]) + 1)


def _bad_target(text: str, why: str) -> ValueError:
    return ValueError(
        f"target {text!r} {why}: give a site (example.com), a host (blog.example.com), "
        "a URL prefix (example.com/blog/) or a URL (https://example.com/page)"
    )


def parse_target(text: str, mode: str | None = None) -> Target:
    """Recognise ``text`` as a site, host, URL prefix or exact URL (see the module doc)."""
    if not isinstance(text, str):
        raise TypeError(f"target must be a string, not {type(text).__name__}")
    if mode is not None and mode not in TARGET_MODES:
        raise ValueError(f"unknown target mode {mode!r}: use one of {', '.join(TARGET_MODES)}")
    raw = text.strip()
    if not raw or any(ch.isspace() for ch in raw) or len(raw) > 2048:
        raise _bad_target(text, "is empty, too long or has spaces")
    star = raw.endswith("*")
    if star:
        raw = raw[:-1]
    lowered = raw.lower()
    scheme = ""
    if "://" in raw:
        scheme = lowered.split("://", 1)[0]
        if scheme not in ("http", "https"):
            raise _bad_target(text, "has a scheme other than http or https")
        candidate = raw
    else:
        candidate = "http://" + raw
    url = normalize(candidate)
    if url is None:
        raise _bad_target(text, "is not a valid host or URL")
    host = host_of(url)
    if not host or not _HOST_RE.match(host) or "." not in host and not host.startswith("["):
        raise _bad_target(text, "has no valid host name")
    site = site_of(host)
    rest = raw.split("://", 1)[1] if scheme else raw
    has_path = any(sep in rest for sep in "/?")
    path = path_of(url)
    if mode is None:
        if star or (has_path and path.endswith("/")):
            mode = "prefix"
        elif has_path:
            mode = "url"
        elif scheme:
            mode = "prefix"
        else:
            mode = "site" if host == site else "host"
    if mode == "site":
        return Target("site", text, site)
    if mode == "host":
        return Target("host", text, site, host=host)
    if mode == "prefix":
        prefix_path = path if (has_path or star) else "/"
        if star and not has_path:
            prefix_path = ""
        return Target("prefix", text, site, host=host, path=prefix_path, scheme=scheme)
    return Target("url", text, site, host=host, path=path, scheme=scheme,
                  url=url if scheme else "")


def _choices(name: str, values: str | tuple[str, ...] | list[str] | None,
             allowed: tuple[str, ...]) -> tuple[str, ...]:
    if values is None:
        return ()
    if isinstance(values, str):
        values = tuple(v for v in values.split(",") if v.strip())
    out = []
    for value in values:
        if not isinstance(value, str) or value.strip() not in allowed:
            raise ValueError(f"unknown {name} {value!r}: use one of {', '.join(allowed)}")
        out.append(value.strip())
    return tuple(dict.fromkeys(out))


def _toxicity(name: str, value: int | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise ValueError(f"{name} must be a whole number from 0 to 100, not {value!r}")
    return value


def check_date(value: str | None, name: str = "date") -> str | None:
    """An ISO date or date-time ("2026-11-01", "2026-11-01T12:00:00Z"); as stored times
    are ISO strings in UTC, a string comparison orders them."""
    if value is None:
        return None
    if not isinstance(value, str) or not _DATE_RE.match(value.strip()):
        raise ValueError(f"{name} {value!r} is not a date: use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ")
    return value.strip().replace(" ", "T")


@dataclass(frozen=True, slots=True)
class LinkFilter:
    """Filters on the link record; every view applies them. Built through ``make``."""

    types: tuple[str, ...] = ()
    #: True: followed links only; False: nofollow links only; None: both.
    dofollow: bool | None = None
    #: A rel token the link must carry (nofollow, ugc, sponsored, noopener ...).
    rel: str = ""
    positions: tuple[str, ...] = ()
    #: "live", "lost" or None for both.
    status: str | None = "live"
    min_toxicity: int | None = None
    max_toxicity: int | None = None
    #: Only links from this referring site.
    source_site: str = ""
    #: first_seen >= this (the "new" view), lost_at >= this (the "lost" view).
    first_seen_since: str = ""
    lost_since: str = ""

    @classmethod
    def make(
        cls,
        *,
        type: str | tuple[str, ...] | list[str] | None = None,  # noqa: A002 - the record's name
        dofollow: bool | None = None,
        rel: str | None = None,
        position: str | tuple[str, ...] | list[str] | None = None,
        status: str | None = "live",
        min_toxicity: int | None = None,
        max_toxicity: int | None = None,
        source_site: str | None = None,
        first_seen_since: str | None = None,
        lost_since: str | None = None,
    ) -> LinkFilter:
        """Check every value and build the filter; a bad value is a ValueError."""
        if status is not None and status not in STATUSES:
            raise ValueError(f"unknown status {status!r}: use live, lost or None for both")
        if dofollow is not None and not isinstance(dofollow, bool):
            raise ValueError(f"dofollow must be True, False or None, not {dofollow!r}")
        rel_token = ""
        if rel is not None:
            if not isinstance(rel, str) or not _REL_RE.match(rel.strip().lower()):
                raise ValueError(f"rel {rel!r} is not a rel token (e.g. nofollow, ugc, sponsored)")
            rel_token = rel.strip().lower()
        site = ""
        if source_site is not None:
            if not isinstance(source_site, str):
                raise ValueError(f"source_site must be a site name, not {source_site!r}")
            site = parse_target(source_site, mode="site").site
        low = _toxicity("min_toxicity", min_toxicity)
        high = _toxicity("max_toxicity", max_toxicity)
        if low is not None and high is not None and low > high:
            raise ValueError(f"min_toxicity {low} is above max_toxicity {high}")
        return cls(
            types=_choices("type", type, TYPES),
            dofollow=dofollow,
            rel=rel_token,
            positions=_choices("position", position, POSITIONS),
            status=status,
            min_toxicity=low,
            max_toxicity=high,
            source_site=site,
            first_seen_since=check_date(first_seen_since, "since") or "",
            lost_since=check_date(lost_since, "since") or "",
        )


@dataclass(frozen=True, slots=True)
class Sort:
    field: str = "first_seen"
    descending: bool = True

    @classmethod
    def parse(cls, text: str | None) -> Sort:
        """``first_seen``, ``toxicity:asc``, ``-last_seen`` (descending) ...; descending
        unless ``:asc`` is given."""
        if text is None or text == "":
            return cls()
        name, _, direction = text.strip().lstrip("-").partition(":")
        if name not in SORT_FIELDS or direction not in ("", "asc", "desc"):
            raise ValueError(
                f"unknown sort {text!r}: use one of {', '.join(SORT_FIELDS)}, "
                "optionally with :asc or :desc"
            )
        return cls(name, direction != "asc")


def check_page(limit: int, offset: int) -> tuple[int, int]:
    for name, value in (("limit", limit), ("offset", offset)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{name} must be a whole number >= 0, not {value!r}")
    return limit, offset
