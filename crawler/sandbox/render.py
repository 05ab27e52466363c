"""Page model -> HTML bytes in the page's encoding, with the links recorded in document order."""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape

from crawler.sandbox.doc import Doc, Placed
from crawler.sandbox.model import Block, Frame, Heading, ImageMap, Links, Page, Para, Raw
from crawler.sandbox.themes import THEMES, Theme

_DOCTYPE = "<!DOCTYPE html>\n"
_OLD_DOCTYPE = '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">\n'


@dataclass(frozen=True, slots=True)
class Rendered:
    body: bytes
    content_type: str
    links: tuple[Placed, ...]


def render_page(page: Page) -> Rendered:
    theme = THEMES[page.theme]
    doc = Doc(sloppy=theme.sloppy)
    doc.raw(_OLD_DOCTYPE if theme.sloppy else _DOCTYPE)
    doc.raw(f'<html lang="{page.lang}">\n<head>\n')
    _head(doc, page, theme)
    doc.raw("</head>\n")
    cls = f' class="{escape(page.body_class)}"' if page.body_class else ""
    doc.raw(theme.body_open.replace("{cls}", cls) + "\n")
    _header(doc, page, theme)
    if theme.sidebar_first:
        _sidebar(doc, page, theme)
        _main(doc, page, theme)
    else:
        _main(doc, page, theme)
        _sidebar(doc, page, theme)
    if page.footer:
        doc.open(theme.wrap("footer"))
        for block in page.footer:
            _block(doc, theme, block)
        doc.close()
    doc.raw("\n" + theme.body_close)
    if theme.sloppy:
        doc.raw("\n</div>\n")  # a stray end tag, as old templates leave them; no </html>
    else:
        doc.raw("\n</html>\n")
    text = doc.html()
    if page.declared == "bom":
        body = b"\xef\xbb\xbf" + text.encode("utf-8")
    else:
        body = text.encode(page.encoding, errors="xmlcharrefreplace")
    if page.declared == "header":
        content_type = f"text/html; charset={page.encoding}"
    else:
        content_type = "text/html"
    return Rendered(body, content_type, tuple(doc.links))


def _head(doc: Doc, page: Page, theme: Theme) -> None:
    if page.declared == "meta":
        doc.raw(f'<meta charset="{page.encoding}">\n')
    elif page.declared == "header" and page.encoding == "utf-8":
        doc.raw('<meta charset="utf-8">\n')
    doc.raw(f"<title>{escape(page.title, quote=False)}</title>\n")
    doc.raw('<meta name="viewport" content="width=device-width, initial-scale=1">\n')
    generator = theme.generator
    if generator:
        doc.raw(f'<meta name="generator" content="{escape(generator)}">\n')
    if page.description:
        doc.raw(f'<meta name="description" content="{escape(page.description)}">\n')
    doc.raw(f'<meta property="og:type" content="{page.og_type}">\n'
            f'<meta property="og:title" content="{escape(page.title)}">\n'
            f'<link rel="canonical" href="{escape(page.url)}">\n'
            '<link rel="stylesheet" href="/assets/style.css">\n')
    if page.base:
        doc.raw(f'<base href="{escape(page.base)}">\n')
    if page.refresh is not None:
        delay = page.refresh.alt or "0"
        doc.raw(f'<meta http-equiv="refresh" content="{delay}; url={escape(page.refresh.href)}">\n')
        doc.record(page.refresh.href, page.refresh.url, "", "", "redirect")
    if page.schema:
        data: dict = {"@context": "https://schema.org", "@type": page.schema[0] if len(page.schema) == 1
                      else list(page.schema), "name": page.title, "url": page.url}
        if page.author:
            data["author"] = {"@type": "Person", "name": page.author}
        if page.date:
            data["datePublished"] = page.date
        doc.raw('<script type="application/ld+json">' + json.dumps(data, ensure_ascii=False) + "</script>\n")


def _header(doc: Doc, page: Page, theme: Theme) -> None:
    inside = [b for b in page.header if b.kind in theme.header_kinds]
    outside = [b for b in page.header if b.kind not in theme.header_kinds]
    if inside:
        doc.open(theme.wrap("header"))
        for block in inside:
            _block(doc, theme, block)
        doc.close()
    for block in outside:
        _block(doc, theme, block)


def _main(doc: Doc, page: Page, theme: Theme) -> None:
    doc.open(theme.wrap("main"))
    for block in page.main:
        _block(doc, theme, block)
    doc.close()


def _sidebar(doc: Doc, page: Page, theme: Theme) -> None:
    if page.sidebar:
        doc.open(theme.wrap("sidebar"))
        for block in page.sidebar:
            _block(doc, theme, block)
        doc.close()


def _block(doc: Doc, theme: Theme, block: Block) -> None:
    doc.open(theme.wrap(block.kind), block.hide, block.ident)
    for item in block.items:
        _item(doc, theme, item)
    doc.close()


def _item(doc: Doc, theme: Theme, item) -> None:
    if isinstance(item, Block):
        _block(doc, theme, item)
    elif isinstance(item, Para):
        doc.raw("<p>")
        for part in item.parts:
            if isinstance(part, str):
                doc.text(part)
            else:
                doc.link(part)
        doc.raw("\n" if theme.sloppy else "</p>\n")
    elif isinstance(item, Links):
        _links(doc, theme, item)
    elif isinstance(item, Heading):
        doc.raw(f"<h{item.level}>")
        if item.link is not None:
            doc.link(item.link)
        else:
            doc.text(item.text)
        doc.raw(f"</h{item.level}>\n")
    elif isinstance(item, Raw):
        doc.raw(item.html)
    elif isinstance(item, Frame):
        doc.frame(item.link)
    elif isinstance(item, ImageMap):
        doc.raw(f'<img src="{escape(item.img)}" usemap="#{item.name}" alt="" width="400" height="80">'
                f'<map name="{item.name}">')
        for area in item.areas:
            doc.area(area)
        doc.raw("</map>\n")
    else:  # pragma: no cover - a programming error
        raise TypeError(f"cannot render {type(item).__name__}")


def _links(doc: Doc, theme: Theme, item: Links) -> None:
    if item.title:
        doc.raw(f'<h3 class="widget-title">{escape(item.title, quote=False)}</h3>\n')
    style = theme.list_style
    if style == "pipes":
        doc.raw('<div class="linkline">')
        for index, link in enumerate(item.links):
            if index:
                doc.raw(" | ")
            doc.link(link)
        doc.raw("</div>\n")
    elif style == "div":
        for link in item.links:
            doc.raw('<div class="item">')
            doc.link(link, pad=True)
            doc.raw("</div>\n")
    elif style == "table":
        doc.raw('<table class="links" width="100%">\n')
        for link in item.links:
            doc.raw("<tr><td>")
            doc.link(link)
            doc.raw("</td>\n" if theme.sloppy else "</td></tr>\n")
        doc.raw("</table>\n")
    else:
        doc.raw("<ul>\n")
        for link in item.links:
            doc.raw("<li>")
            doc.link(link)
            doc.raw("\n" if theme.sloppy else "</li>\n")
        doc.raw("</ul>\n")
