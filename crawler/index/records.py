"""The records the index's views return. Each has ``to_dict``, which gives exactly the
JSON object ``scrapy backlinks --format json`` prints, so a script and a shell pipeline
see the same data. Backlinks themselves are ``crawler.items.Backlink``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from crawler.items import Backlink
from crawler.vocab import TYPES

#: The fields of the link record (crawler.items.Backlink), in order: what both backends
#: store of every backlink and read back into one.
RECORD_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Backlink))


class _Record:
    """``to_dict`` of a record dataclass: its fields, as ``dataclasses.asdict`` gives them."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)  # type: ignore[call-overload]


@dataclass(frozen=True, slots=True)
class WriteResult(_Record):
    """What one ``LinkIndex.write`` did."""

    #: Backlinks seen for the first time.
    inserted: int = 0
    #: Backlinks already stored and live, seen again (last_seen moved).
    updated: int = 0
    #: Live backlinks that their recrawled source page no longer carries.
    lost: int = 0
    #: Lost backlinks that came back.
    revived: int = 0
    #: Source pages recorded.
    pages: int = 0

    def __add__(self, other: WriteResult) -> WriteResult:
        return WriteResult(
            self.inserted + other.inserted,
            self.updated + other.updated,
            self.lost + other.lost,
            self.revived + other.revived,
            self.pages + other.pages,
        )


@dataclass(frozen=True, slots=True)
class Summary(_Record):
    """The headline numbers of a target. Counts are of live backlinks unless named
    otherwise; ``lost`` counts the lost ones."""

    target: str
    #: site, host, prefix or url: how the target was understood.
    target_kind: str
    backlinks: int
    lost: int
    referring_domains: int
    referring_pages: int
    referring_ips: int
    #: Distinct /24 networks (IPv4) or /48 (IPv6) of the referring pages.
    referring_subnets: int
    dofollow: int
    #: dofollow / backlinks, 0..1, rounded to 4 places (0 when there are no backlinks);
    #: computed from those two, never passed.
    dofollow_share: float = field(init=False)
    #: Backlinks per type, every type of crawler.vocab.TYPES in order.
    types: dict[str, int] = field(default_factory=dict)
    #: Backlinks with toxicity >= 60.
    toxic: int = 0
    #: Backlinks with toxicity 45-59.
    potentially_toxic: int = 0
    #: Earliest first_seen and latest last_seen of all (live or lost) backlinks.
    first_seen: str | None = None
    last_seen: str | None = None

    def __post_init__(self) -> None:
        share = round(self.dofollow / self.backlinks, 4) if self.backlinks else 0.0
        object.__setattr__(self, "dofollow_share", share)

    def to_dict(self) -> dict[str, Any]:
        out = _Record.to_dict(self)
        out["types"] = {name: self.types.get(name, 0) for name in TYPES}
        return out


@dataclass(frozen=True, slots=True)
class DomainRow(_Record):
    """One referring domain of a target."""

    source_site: str
    backlinks: int
    dofollow: int
    first_seen: str
    last_seen: str
    #: The anchor of the domain's strongest link: followed before nofollow, content
    #: before boilerplate, with text before empty, least toxic, then the oldest.
    anchor: str
    #: The highest toxicity among the domain's links to the target.
    toxicity: int


@dataclass(frozen=True, slots=True)
class AnchorRow(_Record):
    """One anchor text and how often it is used."""

    anchor: str
    backlinks: int
    referring_domains: int
    dofollow: int


@dataclass(frozen=True, slots=True)
class PageRow(_Record):
    """One page of the target, ranked by the referring domains linking to it."""

    target_url: str
    referring_domains: int
    backlinks: int
    dofollow: int
    first_seen: str


@dataclass(frozen=True, slots=True)
class BrokenBacklink(_Record):
    """A backlink whose target URL answered with an error when it was fetched."""

    backlink: Backlink
    #: The HTTP status of the target URL (4xx, 5xx), or 0 when the connection failed.
    target_status: int
    target_fetched_at: str

    def to_dict(self) -> dict[str, Any]:
        out = self.backlink.to_dict()
        out["target_status"] = self.target_status
        out["target_fetched_at"] = self.target_fetched_at
        return out


@dataclass(frozen=True, slots=True)
class IntersectRow(_Record):
    """A site that links to competitors but not to the target."""

    source_site: str
    #: The competitors it links to, in the order they were given.
    competitors: list[str]
    #: Its backlinks to those competitors.
    backlinks: int


@dataclass(frozen=True, slots=True)
class DisavowEntry(_Record):
    """One line of a disavow file: a whole referring domain or one source URL."""

    #: "domain" or "url".
    scope: str
    #: The referring site (scope domain) or the source URL (scope url).
    value: str
    #: Toxic links behind this line / all links of that domain to the target.
    toxic_links: int
    links: int
    #: The highest toxicity behind this line.
    toxicity: int

    @property
    def line(self) -> str:
        return f"domain:{self.value}" if self.scope == "domain" else self.value

    def to_dict(self) -> dict[str, Any]:
        out = _Record.to_dict(self)
        out["line"] = self.line
        return out
