# cython: language_level=3, boundscheck=False, wraparound=False
"""crawler.placement's per-element walk, compiled, for the nodes of the compiled view.

``FastPlacement(placement)`` takes a built ``crawler.placement.Placement`` (its zones,
listing items and clean-up judge, all decided before any link is placed) and answers
``place(node)`` as ``placement.place(node)`` does, with the same facts tuple, but keeps each
element's facts on its FastNode instead of a dict keyed by mem_id and reads tags and
attributes without Python attribute look-ups. ``Placement.of``, ``Placement._derive`` and
``cleanup.Cleaner.dropped`` (its first, cheap tests; the link-density judgement stays in
Python) are the reference: any change there must be made here too (tests/test_treeview.py
compares both on the corpus and a sandbox web).
"""

from crawler._fastdom cimport FastNode

from crawler.placement import (
    BLOCK_TAGS,
    IN_ARTICLE_TAG,
    IN_LISTED,
    IN_MAIN_BLOCK,
    MAX_CLEAN_DEPTH,
    Z_BOILER,
    Z_IN,
    Z_PATH,
    _LANDMARK_TAGS,
    _MARKED_TAGS,
    _markers,
)
from crawler.cleanup import CONDITIONAL_TAGS, DROPPED_TAGS, F_BYLINE, F_SHARE, F_WIDGET, HEADINGS, _name_flags
from crawler.positions import is_hidden, landmark_of

include "_fastnames.pxi"

cdef frozenset _BLOCK_TAGS = BLOCK_TAGS
cdef frozenset _LANDMARKS = _LANDMARK_TAGS
cdef frozenset _MARKED = _MARKED_TAGS
cdef long _Z_PATH = Z_PATH, _Z_IN = Z_IN, _Z_BOILER = Z_BOILER
cdef long _IN_ARTICLE_TAG = IN_ARTICLE_TAG, _IN_MAIN_BLOCK = IN_MAIN_BLOCK, _IN_LISTED = IN_LISTED
cdef long _MAX_CLEAN_DEPTH = MAX_CLEAN_DEPTH
cdef object _markers_of = _markers
cdef object _is_hidden = is_hidden
cdef object _landmark_of = landmark_of
cdef frozenset _DROPPED = DROPPED_TAGS
cdef frozenset _CONDITIONAL = CONDITIONAL_TAGS
cdef frozenset _HEADINGS = HEADINGS
cdef long _F_BYLINE = F_BYLINE, _F_WIDGET = F_WIDGET, _F_SHARE = F_SHARE


cdef Py_ssize_t _text_length(FastNode node) except -1:
    found = node.text_length()
    return found if found is not None else len(node.text())


cdef class FastPlacement:
    """Placement facts of the FastNodes of one page (see crawler.placement.Placement)."""

    cdef frozenset main_ids
    cdef frozenset listed
    cdef dict child_zone
    cdef bint strip_unlikely
    cdef object clean_conditionally
    cdef readonly tuple root

    def __init__(self, placement):
        self.main_ids = placement.main_ids
        self.listed = placement.listed
        self.child_zone = placement.child_zone
        cleaner = placement.cleaner
        if cleaner is not None:
            self.strip_unlikely = cleaner.strip_unlikely
            self.clean_conditionally = cleaner._clean_conditionally
        self.root = placement.root

    cdef bint dropped(self, FastNode node, str tag, dict attrs, bint in_table, bint in_article,
                      bint listed) except -1:
        """cleanup.Cleaner.dropped."""
        cdef long flags = 0
        if tag in _DROPPED:
            return True
        if tag == "footer" or tag == "aside":
            if not in_article:
                return True
            return self.clean_conditionally(node, tag, attrs)
        if listed:
            in_table = True
        if not attrs:
            return tag in _CONDITIONAL and not in_table and self.clean_conditionally(node, tag, attrs)
        if attrs.get("aria-hidden") == "true":
            return True
        classes = attrs.get("class")
        ident = attrs.get("id")
        if classes or ident:
            flags = _name_flags(f"{classes or ''} {ident or ''}")
        if flags & _F_BYLINE or attrs.get("rel") == "author" or "author" in (attrs.get("itemprop") or ""):
            if _text_length(node) < 100:
                return True
        if self.strip_unlikely and not in_table:
            if in_article:
                if flags & _F_WIDGET and _text_length(node) < 500:
                    return True
            elif _unlikely_candidate(tag, attrs):
                return True
        if tag in _HEADINGS and _class_weight(attrs) < 0:
            return True
        if flags & _F_SHARE and _text_length(node) < 500:
            return True
        if tag in _CONDITIONAL and not in_table:
            return self.clean_conditionally(node, tag, attrs)
        return False

    def place(self, FastNode node not None):
        """``Placement.place``: the memoised facts of ``node``."""
        if node.memo is not None:
            return node.memo
        return self.of(node)

    cpdef tuple of(self, FastNode node):
        """``Placement.of``."""
        cdef FastNode parent
        cdef FastNode current
        cdef tuple info
        cdef list chain
        cdef Py_ssize_t index
        if node is None:
            raise TypeError("FastPlacement.of needs a FastNode, not None")
        parent = node.get_parent()
        if parent is not None and node.ptr.type == 1:
            if parent.memo is not None:
                info = self._derive(node, <tuple> parent.memo)
                node.memo = info
                return info
        chain = []
        current = node
        info = None
        while current is not None:
            if current.memo is not None:
                info = <tuple> current.memo
                break
            chain.append(current)
            current = current.get_parent()
        if info is None:
            info = self.root
        for index in range(len(chain) - 1, -1, -1):
            current = <FastNode> chain[index]
            if current.ptr.type == 1:
                info = self._derive(current, info)
            current.memo = info
        return info

    cdef tuple _derive(self, FastNode element, tuple parent):
        landmark, region, hidden, in_article_, zone_, in_table, block, depth_ = parent
        cdef long in_article = in_article_
        cdef long zone = zone_
        cdef long depth = depth_
        cdef str tag = element.get_tag()
        cdef dict attrs = element.get_attributes()
        cdef bint entering_main = False
        cdef object key
        if zone == _Z_PATH:
            key = <size_t> element.ptr
            if key in self.main_ids:
                zone = _Z_IN
                entering_main = True
                if key in self.listed:
                    in_article |= _IN_LISTED
            else:
                zone = self.child_zone.get(key, _Z_PATH)
        elif zone == _Z_IN:
            depth += 1
            if (<size_t> element.ptr) in self.listed:
                in_article |= _IN_LISTED
            if depth <= _MAX_CLEAN_DEPTH and self.dropped(
                element, tag, attrs, in_table, in_article & _IN_ARTICLE_TAG, in_article & _IN_LISTED
            ):
                zone = _Z_BOILER
        if tag in _BLOCK_TAGS:
            block = element
        if tag in _MARKED:
            if tag == "table" or tag == "code":
                in_table = True
            elif tag == "html" or tag == "body":
                if attrs and not hidden and _is_hidden(attrs):
                    hidden = True
                return (landmark, region, hidden, in_article, zone, in_table, block, depth)
        if entering_main:
            in_article |= _IN_MAIN_BLOCK
            if landmark != "comment":
                landmark = None
        if attrs:
            if not hidden and ("style" in attrs or "hidden" in attrs) and _is_hidden(attrs):
                hidden = True
            own, own_region = _markers_of(tag, attrs.get("class"), attrs.get("id"), attrs.get("role"),
                                          bool(in_article))
            if own_region:
                region = own_region
        elif tag in _LANDMARKS:
            own = _landmark_of(tag, [], "", "", bool(in_article))
        else:
            own = None
        if own is not None and not (entering_main and own != "comment"):
            landmark = own
        if tag == "article" or tag == "main":
            in_article |= _IN_ARTICLE_TAG
        return (landmark, region, hidden, in_article, zone, in_table, block, depth)
