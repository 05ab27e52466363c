"""Which view of a parsed tree the extractor walks: compiled or pure Python.

The extractor's heuristics (main content, placement, clean-up, context) walk the tree
through a small node interface: ``tag``, ``attributes``, ``parent``, ``child``, ``next``,
``mem_id``, ``is_element_node``, ``is_text_node``, ``text_content``, ``text()``, ``css()``,
``css_first()``. selectolax's ``LexborNode`` provides it, but each access from Python builds
a new wrapper (0.1-0.35 us). ``crawler._fastdom`` (Cython, optional, built by setup.py)
provides the same interface with one cached object per node and compiled text reading;
:func:`view` returns it when it is installed and enabled, else a plain adapter over the
lexbor tree. Both give the same answers: ``tests/test_treeview.py`` compares the links of
every corpus page through both.

``BACKLINKS_PURE_PYTHON=1`` in the environment (read at import) selects the pure-Python
view; :func:`set_compiled` switches at run time (tests, benchmarks).
"""

from __future__ import annotations

import os
from importlib.util import find_spec
from typing import Any

import selectolax

from crawler import compiled
from crawler.pagefacts import HeadFacts

__all__ = ["FAST_NODE", "compiled_available", "head_facts", "head_walk", "placer", "set_compiled", "strip",
           "using_compiled", "view"]

#: The compiled modules; the view is used only when all of them are there (the others are
#: imported where they are used: they import the modules that use them).
COMPILED_MODULES = ("crawler._fastdom", "crawler._fastmain", "crawler._fastplace", "crawler._fastlinks")

try:
    if not all(find_spec(name) for name in COMPILED_MODULES[1:]):
        raise ImportError("not every compiled module is built")
    from crawler import _fastdom
except ImportError:  # not built: no compiler, no headers, BACKLINKS_NO_COMPILE at install
    _fastdom = None
else:
    if getattr(_fastdom, "SELECTOLAX_VERSION", None) != selectolax.__version__:
        # Built against another release's struct layouts: unsafe to use.
        _fastdom = None
    elif compiled.stale_build():
        # Built from other sources (pulled without `make`): the Python code would call it
        # with other arguments. The pure path runs until `make install` rebuilds it.
        _fastdom = None

_enabled = _fastdom is not None and not os.environ.get("BACKLINKS_PURE_PYTHON")
#: The compiled view's node class (crawler.nodetext reads its text facts in C), or None.
FAST_NODE: type | None = _fastdom.FastNode if _fastdom is not None else None


class PureView:
    """The lexbor tree itself, behind the same three names as the compiled view."""

    __slots__ = ("parser",)

    def __init__(self, parser: Any) -> None:
        self.parser = parser

    @property
    def body(self) -> Any:
        return self.parser.body

    def css(self, query: str) -> list[Any]:
        return self.parser.css(query)

    def release(self) -> None:
        pass


def compiled_available() -> bool:
    """Whether crawler._fastdom is built and matches the installed selectolax."""
    return _fastdom is not None


def using_compiled() -> bool:
    """Whether :func:`view` gives the compiled view."""
    return _enabled


def set_compiled(enabled: bool) -> bool:
    """Use the compiled view (when available) or not; returns the previous setting."""
    global _enabled
    previous = _enabled
    _enabled = bool(enabled) and _fastdom is not None
    return previous


def view(parser: Any) -> Any:
    """A node view of ``parser`` (a LexborHTMLParser): ``body``, ``css(query)``, ``release()``."""
    if _enabled:
        return _fastdom.FastDoc(parser)  # type: ignore[union-attr]
    return PureView(parser)


def head_walk(parser: Any, query: str, stripped: tuple[str, ...], dom: Any,
              queries: list[tuple[str, Any]]) -> tuple[list[Any], list[list[Any]], Any] | None:
    """(``parser.css(query)`` as nodes of ``dom`` (less the ``<meta>`` elements whose name,
    property and http-equiv values name no fact the compiled HeadFacts reads), the elements
    ``parser.strip_tags(list(stripped))`` will remove, ``dom``) for the page facts' selector
    (crawler.pagefacts.FACTS_SELECTOR) and the extractor's stripped tags, found by one
    compiled walk, which also answers ``dom.prefetch(queries)`` as the tree will be after
    :func:`strip` (``dom``: a new compiled view of ``parser``); or None (pure path, or a
    selector or tags the walk does not know). The nodes of stripped elements serve until
    :func:`strip`."""
    if _enabled and query == _fastdom.FACTS_QUERY and stripped == _fastdom.STRIP_TAGS:  # type: ignore[union-attr]
        return _fastdom.head_walk(parser, dom, queries)  # type: ignore[union-attr]
    return None


def head_facts(parser: Any, walked: tuple[list[Any], list[list[Any]], Any] | None) -> Any:
    """``HeadFacts(parser)`` (crawler.pagefacts), compiled (crawler._fastdom.FastHeadFacts,
    reading the elements ``walked[0]``) when :func:`head_walk` found them; its answers serve
    until :func:`strip`."""
    if walked is None:
        return HeadFacts(parser)
    return _fastdom.FastHeadFacts(parser, walked)  # type: ignore[union-attr]


def strip(parser: Any, stripped: tuple[str, ...], walked: tuple[list[Any], list[list[Any]], Any] | None) -> None:
    """``parser.strip_tags(list(stripped))``, with the elements :func:`head_walk` found
    when it found them."""
    if walked is None:
        parser.strip_tags(list(stripped))
    else:
        _fastdom.strip_walked(walked)  # type: ignore[union-attr]


def placer(dom: Any, placement: Any) -> Any:
    """``placement.place`` (crawler.placement.Placement), compiled for a compiled view."""
    if _fastdom is not None and dom.__class__ is _fastdom.FastDoc:
        return _fastplace()[0](placement).place
    return placement.place


# crawler._fastplace imports crawler.placement, which needs this module.
_fastplace = compiled.imported_later("crawler._fastplace", "FastPlacement")
