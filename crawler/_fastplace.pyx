# cython: language_level=3, boundscheck=False, wraparound=False
"""crawler.placement's per-element walk, compiled, for the nodes of the compiled view.

``FastPlacement(placement)`` takes a built ``crawler.placement.Placement`` (its zones,
listing items and clean-up judge, all decided before any link is placed) and answers
``place(node)`` as ``placement.place(node)`` does, with the same facts tuple, but keeps each
element's facts on its FastNode instead of a dict keyed by mem_id and reads tags and
attributes without Python attribute look-ups. The facts are a ``Place`` (C fields, no tuple
to unpack and box per element); ``at(node)`` hands them to crawler._fastlinks.emit without a
Python call, and ``place(node)`` turns them into placement's tuple. ``Placement.of``, ``Placement._derive`` and
``cleanup.Cleaner.dropped`` (its first, cheap tests; the link-density judgement stays in
Python) are the reference: any change there must be made here too (tests/test_treeview.py
compares both on the corpus and a sandbox web).
"""

cimport cython

from crawler._fastdom cimport Facts, FastNode

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
from crawler.positions import landmark_of

include "_fastnames.pxi"
include "_fasthidden.pxi"

cdef frozenset _BLOCK_TAGS = BLOCK_TAGS
cdef frozenset _LANDMARKS = _LANDMARK_TAGS
cdef frozenset _MARKED = _MARKED_TAGS
cdef long _Z_PATH = Z_PATH, _Z_IN = Z_IN, _Z_BOILER = Z_BOILER
cdef long _IN_ARTICLE_TAG = IN_ARTICLE_TAG, _IN_MAIN_BLOCK = IN_MAIN_BLOCK, _IN_LISTED = IN_LISTED
cdef long _MAX_CLEAN_DEPTH = MAX_CLEAN_DEPTH
cdef object _markers_of = _markers
cdef object _landmark_of = landmark_of
cdef frozenset _DROPPED = DROPPED_TAGS
cdef frozenset _CONDITIONAL = CONDITIONAL_TAGS
cdef frozenset _HEADINGS = HEADINGS
cdef long _F_BYLINE = F_BYLINE, _F_WIDGET = F_WIDGET, _F_SHARE = F_SHARE

#: placement._markers' answers by its arguments, looked up in C: the lru_cache wrapper's call
#: and bookkeeping cost more than the look-up (about 180 elements a page ask). Cleared when
#: it holds _MARKS_KEPT answers, as the lru_cache is bounded.
cdef dict _marks = {}
cdef Py_ssize_t _MARKS_KEPT = 16384


cdef tuple _marks_of(str tag, tuple naming, bint in_article):
    """placement._markers(tag, class, id, role, in_article) (``naming``: the element's
    FastNode.naming_attributes)."""
    cdef tuple key = (tag, naming[1], naming[2], naming[3], in_article)
    cdef object found = _marks.get(key)
    if found is None:
        if len(_marks) >= _MARKS_KEPT:
            _marks.clear()
        found = _marks[key] = _markers_of(*key)
    return <tuple> found


cdef Py_ssize_t _text_length(FastNode node) except -1:
    """nodetext.text_length: FastNode.text_length read in C, else the text's length."""
    cdef Facts scratch
    cdef Facts *facts = node.facts(True, &scratch)
    if not facts.invalid:
        return facts.chars
    return len(node.text())


@cython.final
@cython.no_gc
@cython.freelist(64)
cdef class Place:
    """One element's placement facts: crawler.placement's Info tuple as C fields. (Not
    tracked by the garbage collector: it refers to strings and FastNodes only, and its one
    cycle, through the FastNode whose memo it is, ends at FastDoc.release.)"""

    def as_tuple(self):
        """placement's Info tuple."""
        return (self.landmark, self.region, self.hidden, self.in_article, self.zone, self.in_table, self.block,
                self.depth)


cdef Place _place_of(tuple info):
    """The Place of an Info tuple (the root's)."""
    cdef Place place = Place.__new__(Place)
    place.landmark, place.region, place.hidden, place.in_article, place.zone, place.in_table, place.block, \
        place.depth = info
    return place


@cython.final
cdef class FastPlacement:
    """Placement facts of the FastNodes of one page (see crawler.placement.Placement)."""

    def __init__(self, placement):
        self.main_ids = placement.main_ids
        self.listed = placement.listed
        self.child_zone = placement.child_zone
        cleaner = placement.cleaner
        if cleaner is not None:
            self.strip_unlikely = cleaner.strip_unlikely
            self.clean_conditionally = cleaner._clean_conditionally
        self.root = placement.root
        self.root_place = _place_of(self.root)

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
        return self.at(node).as_tuple()

    cdef Place at(self, FastNode node):
        """``Placement.place`` as a Place."""
        if node.memo is not None:
            return <Place> node.memo
        return self._of(node)

    def of(self, FastNode node):
        """``Placement.of``."""
        if node is None:
            raise TypeError("FastPlacement.of needs a FastNode, not None")
        return self._of(node).as_tuple()

    cdef Place _of(self, FastNode node):
        cdef FastNode parent
        cdef FastNode current
        cdef Place info
        cdef list chain
        cdef Py_ssize_t index
        parent = node.get_parent()
        if parent is not None and node.ptr.type == 1:
            if parent.memo is not None:
                info = self._derive(node, <Place> parent.memo)
                node.memo = info
                return info
        chain = []
        current = node
        info = None
        while current is not None:
            if current.memo is not None:
                info = <Place> current.memo
                break
            chain.append(current)
            current = current.get_parent()
        if info is None:
            info = self.root_place
        for index in range(len(chain) - 1, -1, -1):
            current = <FastNode> chain[index]
            if current.ptr.type == 1:
                info = self._derive(current, info)
            current.memo = info
        return info

    cdef Place _derive(self, FastNode element, Place parent):
        cdef object landmark = parent.landmark
        cdef str region = parent.region
        cdef bint hidden = parent.hidden
        cdef long in_article = parent.in_article
        cdef long zone = parent.zone
        cdef bint in_table = parent.in_table
        cdef FastNode block = parent.block
        cdef long depth = parent.depth
        cdef str tag = element.get_tag()
        cdef tuple naming
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
                element, tag, element.get_attributes(), in_table, in_article & _IN_ARTICLE_TAG, in_article & _IN_LISTED
            ):
                zone = _Z_BOILER
        if tag in _BLOCK_TAGS:
            block = element
        if tag in _MARKED:
            if tag == "table" or tag == "code":
                in_table = True
            elif tag == "html" or tag == "body":
                if not hidden and _hidden_by(element.get_attributes()):
                    hidden = True
                return _changed(parent, landmark, region, hidden, in_article, zone, in_table, block, depth)
        if entering_main:
            in_article |= _IN_MAIN_BLOCK
            if landmark != "comment":
                landmark = None
        # Most elements here need only their naming attributes, not the attribute dict.
        naming = element.naming_attributes()
        if naming[0]:
            if not hidden and naming[4] and _hidden_by(element.get_attributes()):
                hidden = True
            own, own_region = _marks_of(tag, naming, in_article != 0)
            if own_region:
                region = own_region
        elif tag in _LANDMARKS:
            own = _landmark_of(tag, [], "", "", in_article != 0)
        else:
            own = None
        if own is not None and not (entering_main and own != "comment"):
            landmark = own
        if tag == "article" or tag == "main":
            in_article |= _IN_ARTICLE_TAG
        return _changed(parent, landmark, region, hidden, in_article, zone, in_table, block, depth)


cdef inline Place _changed(Place parent, object landmark, str region, bint hidden, long in_article, long zone,
                           bint in_table, FastNode block, long depth):
    """``parent`` itself when an element changes none of its facts (most inline elements
    outside the main content), else a new Place."""
    cdef Place place
    if (landmark is parent.landmark and region is parent.region and hidden == parent.hidden
            and in_article == parent.in_article and zone == parent.zone and in_table == parent.in_table
            and block is parent.block and depth == parent.depth):
        return parent
    place = Place.__new__(Place)
    place.landmark = landmark
    place.region = region
    place.hidden = hidden
    place.in_article = in_article
    place.zone = zone
    place.in_table = in_table
    place.block = block
    place.depth = depth
    return place
