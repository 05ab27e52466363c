"""A document builder that writes HTML and, in the same pass, records every link with where
it sits: the ground truth can never drift from the markup because both come from one walk.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from crawler.sandbox.model import Link

#: Inline hiding, by method (convention D).
HIDE_ATTRS: dict[str, str] = {
    "display": ' style="display:none"',
    "visibility": ' style="visibility: hidden"',
    "font": ' style="font-size:0"',
    "attr": " hidden",
    "indent": ' style="text-indent:-9999px;overflow:hidden"',
    "left": ' style="position:absolute; left:-5000px"',
}


@dataclass(frozen=True, slots=True)
class Wrapper:
    """The markup a theme writes around a block, and what it means (None: inherited)."""

    open: str
    close: str
    position: str | None = None
    region: str | None = None


@dataclass(frozen=True, slots=True)
class Placed:
    """A link element as written on the page, with its place."""

    href: str
    url: str
    anchor: str
    rel: tuple[str, ...]
    kind: str
    position: str
    region: str
    hidden: bool


def collapse(text: str) -> str:
    return " ".join(text.split())


def rel_tokens(rel: str) -> tuple[str, ...]:
    return tuple(sorted({token.lower() for token in rel.split()}))


def with_attrs(open_html: str, attrs: str) -> str:
    """Insert ``attrs`` into the first tag of ``open_html``."""
    if not attrs or not open_html:
        return open_html
    end = open_html.index(">")
    return open_html[:end] + attrs + open_html[end:]


class Doc:
    def __init__(self, sloppy: bool = False) -> None:
        self.sloppy = sloppy
        self.out: list[str] = []
        self.links: list[Placed] = []
        self._stack: list[tuple[str, str, bool, str]] = [("content", "", False, "")]

    # -- writing ----------------------------------------------------------------------------
    def raw(self, html: str) -> None:
        self.out.append(html)

    def text(self, text: str) -> None:
        self.out.append(escape(text, quote=False))

    def open(self, wrapper: Wrapper, hide: str = "", ident: str = "") -> None:
        position, region, hidden, _ = self._stack[-1]
        html = wrapper.open.replace("{id}", escape(ident))
        self.out.append(with_attrs(html, HIDE_ATTRS[hide]) if hide else html)
        self._stack.append((wrapper.position or position, wrapper.region or region, hidden or bool(hide),
                            wrapper.close))

    def close(self) -> None:
        self.out.append(self._stack.pop()[3])

    def record(self, href: str, url: str, anchor: str, rel: str, kind: str, hidden: bool = False) -> None:
        position, region, inherited, _ = self._stack[-1]
        self.links.append(Placed(href, url, collapse(anchor), rel_tokens(rel), kind, position, region,
                                 hidden or inherited))

    def link(self, link: Link, attrs: str = "", pad: bool = False, tag: str = "a") -> None:
        """Write ``<a>`` for ``link`` and record it."""
        parts = [f'<{tag} href="{escape(link.href)}"' if not (self.sloppy and _bare(link.href))
                 else f"<{tag.upper()} HREF={link.href}"]
        if link.rel:
            parts.append(f' rel="{escape(link.rel)}"')
        if link.attrs:
            parts.append(" " + link.attrs)
        if attrs:
            parts.append(" " + attrs)
        if link.hide:
            parts.append(HIDE_ATTRS[link.hide])
        parts.append(">")
        inner = escape(link.text, quote=False)
        if link.img:
            image = f'<img src="{escape(link.img)}" alt="{escape(link.alt)}">'
            inner = f"{image} {inner}" if inner else image
        parts.append(f"\n  {inner}\n" if pad else inner)
        parts.append(f"</{tag.upper()}>" if self.sloppy and _bare(link.href) else f"</{tag}>")
        self.out.append("".join(parts))
        kind = "text" if collapse(link.text) else ("image" if link.img else "text")
        anchor = link.text if collapse(link.text) else link.alt
        self.record(link.href, link.url, anchor, link.rel, kind, bool(link.hide))

    def area(self, link: Link) -> None:
        rel = f' rel="{escape(link.rel)}"' if link.rel else ""
        self.out.append(f'<area shape="rect" coords="0,0,80,40" href="{escape(link.href)}"{rel} '
                        f'alt="{escape(link.alt)}">')
        self.record(link.href, link.url, link.alt, link.rel, "area", bool(link.hide))

    def frame(self, link: Link) -> None:
        self.out.append(f'<iframe src="{escape(link.href)}" title="{escape(link.alt)}" width="300" '
                        f'height="120"></iframe>')
        self.record(link.href, link.url, "", "", "frame", bool(link.hide))

    def html(self) -> str:
        return "".join(self.out)


def _bare(href: str) -> bool:
    """An href that may be written without quotes (sloppy pages do)."""
    return bool(href) and all(c.isalnum() or c in "/.-_" for c in href)
