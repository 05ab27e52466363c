# cython: language_level=3, boundscheck=False, wraparound=False
"""crawler.placement's per-element walk, compiled, for the nodes of the compiled view.

``FastPlacement(placement)`` takes a built ``crawler.placement.Placement`` (its zones,
listing items and clean-up judge, all decided before any link is placed) and answers
``place(node)`` as ``placement.place(node)`` does, with the same facts tuple, but keeps each
element's facts on its FastNode instead of a dict keyed by mem_id, reads the attributes it
judges an element by from lexbor without decoding them, and keeps what follows from an
element's tag, class, id and role in C (_fastnaming.pxi). The facts are a ``Place`` (C
fields, no tuple to unpack and box per element); ``at(node)`` hands them to
crawler._fastlinks.emit without a Python call, and ``place(node)`` turns them into
placement's tuple. ``Placement.of``, ``Placement._derive``, ``cleanup.Cleaner.dropped`` and
``Cleaner._clean_conditionally`` (which asks the clean-up's TextCache for text lengths and
link density, and cleanup._data_table about tables) are the reference: any change there
must be made here too (tests/test_treeview.py compares both on the corpus and a sandbox web).
"""

cimport cython

from libc.stdlib cimport calloc, free, realloc

from crawler._fastdom cimport FastDoc, FastNode, after_subtree, anchors_below, wrapped
from crawler._fastmain cimport _cached_piece, _density
from selectolax.lexbor cimport (
    LXB_DOM_NODE_TYPE_ELEMENT,
    LXB_TAG_EMBED,
    LXB_TAG_H1,
    LXB_TAG_H2,
    LXB_TAG_H3,
    LXB_TAG_H4,
    LXB_TAG_H5,
    LXB_TAG_H6,
    LXB_TAG_IFRAME,
    LXB_TAG_IMG,
    LXB_TAG_INPUT,
    LXB_TAG_LI,
    LXB_TAG_OBJECT,
    LXB_TAG_OL,
    LXB_TAG_P,
    LXB_TAG_UL,
    lxb_dom_node_t,
)

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
)
from crawler.cleanup import (
    CONDITIONAL_TAGS,
    DROPPED_TAGS,
    F_BYLINE,
    F_SHARE,
    F_WIDGET,
    HEADINGS,
    MIN_WIDGET_LINKS,
    _data_table,
)
from crawler.mainblock import VIDEOS

include "_fastnames.pxi"
include "_fasthidden.pxi"
include "_fastnaming.pxi"

cdef frozenset _BLOCK_TAGS = BLOCK_TAGS
cdef frozenset _LANDMARKS = _LANDMARK_TAGS
cdef frozenset _MARKED = _MARKED_TAGS
cdef long _Z_PATH = Z_PATH, _Z_IN = Z_IN, _Z_BOILER = Z_BOILER
cdef long _IN_ARTICLE_TAG = IN_ARTICLE_TAG, _IN_MAIN_BLOCK = IN_MAIN_BLOCK, _IN_LISTED = IN_LISTED
cdef long _MAX_CLEAN_DEPTH = MAX_CLEAN_DEPTH
cdef frozenset _DROPPED = DROPPED_TAGS
cdef frozenset _CONDITIONAL = CONDITIONAL_TAGS
cdef frozenset _HEADINGS = HEADINGS
cdef long _F_BYLINE = F_BYLINE, _F_WIDGET = F_WIDGET, _F_SHARE = F_SHARE
cdef Py_ssize_t _MIN_WIDGET_LINKS = MIN_WIDGET_LINKS
cdef object _data_table_of = _data_table
cdef object _videos = VIDEOS

#: What a tag is to placement and to the clean-up, as bits.
cdef enum:
    T_BLOCK = 1  # placement.BLOCK_TAGS
    T_MARKED = 2  # placement._MARKED_TAGS
    T_TABLE = 4  # table, code
    T_PAGE = 8  # html, body
    T_LANDMARK = 16  # placement._LANDMARK_TAGS
    T_ARTICLE = 32  # article, main
    T_DROPPED = 64  # cleanup.DROPPED_TAGS
    T_ASIDE = 128  # footer, aside
    T_CONDITIONAL = 256  # cleanup.CONDITIONAL_TAGS
    T_HEADING = 512  # cleanup.HEADINGS

#: Tag name -> its T_* bits; cleared when it holds _TAGS_KEPT names (custom elements can
#: have any name).
cdef dict _tag_kinds = {}
cdef Py_ssize_t _TAGS_KEPT = 4096


cdef int _kinds_named(str tag) except -1:
    """The T_* bits of ``tag``: which of placement's and the clean-up's tag sets hold it."""
    found = _tag_kinds.get(tag)
    if found is None:
        if len(_tag_kinds) >= _TAGS_KEPT:
            _tag_kinds.clear()
        found = _tag_kinds[tag] = (
            (T_BLOCK if tag in _BLOCK_TAGS else 0)
            | (T_MARKED if tag in _MARKED else 0)
            | (T_TABLE if tag == "table" or tag == "code" else 0)
            | (T_PAGE if tag == "html" or tag == "body" else 0)
            | (T_LANDMARK if tag in _LANDMARKS else 0)
            | (T_ARTICLE if tag == "article" or tag == "main" else 0)
            | (T_DROPPED if tag in _DROPPED else 0)
            | (T_ASIDE if tag == "footer" or tag == "aside" else 0)
            | (T_CONDITIONAL if tag in _CONDITIONAL else 0)
            | (T_HEADING if tag in _HEADINGS else 0)
        )
    return found


cdef bint _has_ancestor(FastNode node, str tag) except -1:
    """cleanup._has_ancestor (its limit: 3 levels up)."""
    cdef FastNode current = node.get_parent()
    cdef int depth = 0
    while current is not None and depth < 3:
        if current.get_tag() == tag:
            return True
        current = current.get_parent()
        depth += 1
    return False


cdef struct Tally:
    # What cleanup.Cleaner._clean_conditionally counts of the elements its selector
    # (cleanup._TALLIED) finds.
    Py_ssize_t paragraphs
    Py_ssize_t items
    Py_ssize_t images
    Py_ssize_t inputs
    Py_ssize_t embeds
    Py_ssize_t heading_length


cdef int _tally(FastNode origin, dict pieces, Tally *tally, list lists) except -1:
    """Cleaner._clean_conditionally's loop over ``node.css(cleanup._TALLIED)``, on lexbor's
    nodes in the order FastNode.css finds them (``origin`` and the elements below it):
    only the headings (their text length), lists (added to ``lists``) and embeds are
    wrapped."""
    cdef lxb_dom_node_t *root = origin.ptr
    cdef lxb_dom_node_t *ptr = root
    cdef uintptr_t tag
    memset(tally, 0, sizeof(Tally))
    while True:
        if ptr.type == LXB_DOM_NODE_TYPE_ELEMENT:
            tag = ptr.local_name
            if tag == LXB_TAG_P:
                tally.paragraphs += 1
            elif tag == LXB_TAG_LI:
                tally.items += 1
            elif tag == LXB_TAG_IMG:
                tally.images += 1
            elif tag == LXB_TAG_INPUT:
                tally.inputs += 1
            elif (tag == LXB_TAG_H1 or tag == LXB_TAG_H2 or tag == LXB_TAG_H3 or tag == LXB_TAG_H4
                  or tag == LXB_TAG_H5 or tag == LXB_TAG_H6):
                tally.heading_length += <Py_ssize_t> _cached_piece(pieces, origin.doc.wrap(ptr), 0)[0]
            elif tag == LXB_TAG_UL or tag == LXB_TAG_OL:
                lists.append(origin.doc.wrap(ptr))
            elif tag == LXB_TAG_OBJECT or tag == LXB_TAG_EMBED or tag == LXB_TAG_IFRAME:
                embed = origin.doc.wrap(ptr).get_attributes()
                if _videos.search(embed.get("src") or embed.get("data") or ""):
                    tally.embeds += 1
        if ptr.first_child != NULL:
            ptr = ptr.first_child
            continue
        ptr = after_subtree(ptr, root)
        if ptr == NULL:
            return 0


@cython.final
@cython.no_gc
@cython.freelist(512)
cdef class Place:
    """One element's placement facts: crawler.placement's Info tuple as C fields. (Not
    tracked by the garbage collector: it refers to strings and FastNodes only, and its one
    cycle, through the FastNode whose memo it is, ends at FastDoc.release. Its free list
    holds a page's worth: a page makes a few hundred, all freed together at its release.)"""

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
        self._mark_all(placement)
        cleaner = placement.cleaner
        if cleaner is not None:
            self.strip_unlikely = cleaner.strip_unlikely
            self.scores = cleaner.scores
            texts = cleaner.texts
            self.pieces = texts.pieces
            self.links = texts.links
            self.densities = texts.densities
        self.root = placement.root
        self.root_place = _place_of(self.root)

    cdef int _mark_all(self, placement) except -1:
        """Fill ``marks`` from the placement's main_ids, listed and child_zone."""
        cdef frozenset main_ids = placement.main_ids
        cdef frozenset listed = placement.listed
        cdef dict child_zone = placement.child_zone
        cdef size_t count = len(main_ids) + len(listed) + len(child_zone)
        cdef size_t room = 8
        free(self.marks)  # (a table of an earlier __init__ call)
        self.marks = NULL
        if count == 0:
            return 0
        while room < 2 * count:
            room *= 2
        self.marks = <Marks *> calloc(room, sizeof(Marks))
        if self.marks == NULL:
            raise MemoryError()
        self.marks_mask = room - 1
        self.any_listed = len(listed) != 0
        for key in main_ids:
            self._marked(key, True).main = True
        for key in listed:
            self._marked(key, True).listed = True
        for key, zone in child_zone.items():
            self._marked(key, True).zone = zone
        return 0

    cdef Marks *_marked(self, size_t key, bint adding) noexcept:
        """The marks of the element at ``key`` (a new slot for it when ``adding``), or NULL."""
        cdef size_t slot
        if self.marks == NULL:
            return NULL
        slot = (key * 11400714819323198485ULL >> 32) & self.marks_mask
        while self.marks[slot].key != key:
            if self.marks[slot].key == 0:
                if not adding:
                    return NULL
                self.marks[slot].key = key
                self.marks[slot].zone = _Z_PATH
                break
            slot = (slot + 1) & self.marks_mask
        return &self.marks[slot]

    cdef bint dropped(self, FastNode node, str tag, int kinds, Naming *naming, Answers *answers, bint in_table,
                      bint in_article, bint listed) except -1:
        """cleanup.Cleaner.dropped (``kinds``: the tag's T_* bits; ``answers``: those of
        the element's names, NULL when it has no attributes)."""
        cdef int flags
        if kinds & T_DROPPED:
            return True
        if kinds & T_ASIDE:
            if not in_article:
                return True
            return self.clean_conditionally(node, tag, naming, answers)
        if listed:
            in_table = True
        if not naming.any:
            return kinds & T_CONDITIONAL and not in_table and self.clean_conditionally(node, tag, naming, answers)
        if _equals(&naming.aria_hidden, "true", 4):
            return True
        flags = _flags_of(answers, naming)
        # TextCache.length, compiled (crawler._fastmain): collapsed lengths, as in cleanup.
        if (flags & _F_BYLINE or _equals(&naming.rel, "author", 6)
                or (naming.itemprop.data != NULL and "author" in _decoded(&naming.itemprop))):
            if _cached_piece(self.pieces, node, 0)[0] < 100:
                return True
        if self.strip_unlikely and not in_table:
            if in_article:
                if flags & _F_WIDGET and _cached_piece(self.pieces, node, 0)[0] < 500:
                    return True
            elif _unlikely_of(answers, tag, naming):
                return True
        if kinds & T_HEADING and _weight_of(answers, naming) < 0:
            return True
        if flags & _F_SHARE and _cached_piece(self.pieces, node, 0)[0] < 500:
            return True
        if kinds & T_CONDITIONAL and not in_table:
            return self.clean_conditionally(node, tag, naming, answers)
        return False

    cdef bint clean_conditionally(self, FastNode node, str tag, Naming *naming, Answers *answers) except -1:
        """cleanup.Cleaner._clean_conditionally (``answers``: those of the element's names,
        NULL when it has no attributes)."""
        cdef long weight = _weight_of(answers, naming) if naming.any else 0
        cdef Py_ssize_t content_length, items, list_length = 0
        cdef double heading_density, density
        cdef bint is_list
        cdef FastNode element
        cdef list lists = []
        cdef lxb_dom_node_t **first_anchor
        cdef Py_ssize_t anchors
        cdef Tally tally
        if _is(tag, "table") and _data_table_of(node, node.get_attributes()):
            return False
        if weight + self.scores.get(<size_t> node.ptr, 0) < 0:
            return True
        anchors = anchors_below(node, &first_anchor)  # len(node.css("a")), without the list
        if anchors < 0:
            anchors = len(node.css("a"))
        if anchors < _MIN_WIDGET_LINKS:
            return False
        # TextCache.commas, length and density, compiled (crawler._fastmain).
        if _cached_piece(self.pieces, node, 0)[4] >= 10:
            return False
        content_length = _cached_piece(self.pieces, node, 0)[0]
        _tally(node, self.pieces, &tally, lists)
        items = tally.items - 100
        heading_density = tally.heading_length / content_length if content_length else 0
        is_list = _is(tag, "ul") or _is(tag, "ol")
        if not is_list and content_length:
            for element in lists:
                list_length += <Py_ssize_t> _cached_piece(self.pieces, element, 0)[0]
            is_list = list_length / content_length > 0.9
        density = _density(self.pieces, self.links, self.densities, node)
        return (
            (tally.images > 1 and tally.paragraphs / tally.images < 0.5 and not _has_ancestor(node, "figure"))
            or (not is_list and items > tally.paragraphs)
            or (tally.inputs > tally.paragraphs // 3)
            or (
                not is_list
                and heading_density < 0.9
                and content_length < 25
                and (tally.images == 0 or tally.images > 2)
                and density > 0
            )
            or (not is_list and weight < 25 and density > 0.2)
            or (weight >= 25 and density > 0.5)
            or (tally.embeds == 1 and content_length < 75)
            or tally.embeds > 1
        )

    def __dealloc__(self):
        cdef Py_ssize_t tag_id
        free(self.chain)
        free(self.marks)
        for tag_id in range(LXB_TAG__LAST_ENTRY):
            Py_XDECREF(self.tags[tag_id].tag)

    cdef str _tag(self, FastNode element, int *kinds):
        """``element.get_tag()``, its T_* bits in ``kinds``; kept by lexbor's tag id for the
        tags of the page whose name that id decides (FastDoc.tag_of: a fixed id, no
        qualified name), so that the element is not asked."""
        cdef uintptr_t tag_id = element.ptr.local_name
        cdef TagKinds *known
        cdef str tag
        if tag_id >= LXB_TAG__LAST_ENTRY or (<_element_t *> element.ptr).qualified_name != 0:
            tag = element.get_tag()
            kinds[0] = _kinds_named(tag)
            return tag
        known = &self.tags[tag_id]
        if known.tag == NULL:
            tag = element.get_tag()
            known.kinds = _kinds_named(tag)
            Py_INCREF(tag)
            known.tag = <PyObject *> tag
        kinds[0] = known.kinds
        return <str> known.tag

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
        """``Placement.of``. The ancestors up to the nearest one placed already are found on
        lexbor's parent pointers, their FastNodes looked up rather than made (a node without
        one has no memo), then placed top down."""
        cdef FastDoc doc = node.doc
        cdef lxb_dom_node_t *ptr = node.ptr
        cdef FastNode current = None
        cdef Place info = None
        cdef size_t count = 0
        # Whether ``current`` is the FastNode of ``ptr.parent`` already (or None: it has none).
        cdef bint looked_up = ptr.parent != NULL and ptr.type == 1
        if looked_up:
            current = wrapped(doc, ptr.parent)
            if current is not None and current.memo is not None:
                info = self._derive(node, <Place> current.memo)
                node.memo = info
                return info
        if node.memo is not None:
            return <Place> node.memo
        while True:
            if count == self.chain_room:
                self._grow_chain()
            self.chain[count] = ptr
            count += 1
            ptr = ptr.parent
            if ptr == NULL:
                break
            if not looked_up:
                current = wrapped(doc, ptr)
            looked_up = False
            if current is not None and current.memo is not None:
                info = <Place> current.memo
                break
        if info is None:
            info = self.root_place
        while count:
            count -= 1
            current = node if count == 0 else doc.wrap(self.chain[count])
            if current.ptr.type == 1:
                info = self._derive(current, info)
            current.memo = info
        return info

    cdef int _grow_chain(self) except -1:
        """Twice the room for the ancestors ``_of`` walks up (their depth has no bound)."""
        cdef size_t room = 2 * self.chain_room if self.chain_room else 64
        cdef lxb_dom_node_t **grown = <lxb_dom_node_t **> realloc(self.chain, room * sizeof(lxb_dom_node_t *))
        if grown == NULL:
            raise MemoryError()
        self.chain = grown
        self.chain_room = room
        return 0

    cdef Place _derive(self, FastNode element, Place parent):
        cdef object landmark = parent.landmark
        cdef str region = parent.region
        cdef bint hidden = parent.hidden
        cdef long in_article = parent.in_article
        cdef long zone = parent.zone
        cdef bint in_table = parent.in_table
        cdef FastNode block = parent.block
        cdef long depth = parent.depth
        cdef int kinds
        cdef str tag = self._tag(element, &kinds)
        cdef Naming naming
        cdef Answers *answers = NULL
        cdef bint entering_main = False
        cdef bint judged = False
        cdef object own = None
        cdef str own_region = ""
        cdef Marks *marks
        cdef AnswersKey key
        _read_naming(element, &naming)
        if naming.any:
            # Its answers' slot is loaded while the marks are read.
            _key_of(tag, &naming, &key)
        if zone == _Z_PATH:
            marks = self._marked(<size_t> element.ptr, False)
            if marks != NULL and marks.main:
                zone = _Z_IN
                entering_main = True
                if marks.listed:
                    in_article |= _IN_LISTED
            elif marks != NULL:
                zone = marks.zone
        elif zone == _Z_IN:
            depth += 1
            if self.any_listed:
                marks = self._marked(<size_t> element.ptr, False)
                if marks != NULL and marks.listed:
                    in_article |= _IN_LISTED
            judged = depth <= _MAX_CLEAN_DEPTH
        if naming.any:
            # Its landmark and region are taken now: the clean-up's link-density judgement
            # below is Python, and the answers are valid only until the next look-up.
            answers = _answers_by(&key, tag, &naming, in_article != 0 or entering_main)
            own = <object> answers.landmark
            own_region = <str> answers.region
        if judged and self.dropped(
            element, tag, kinds, &naming, answers, in_table, in_article & _IN_ARTICLE_TAG, in_article & _IN_LISTED
        ):
            zone = _Z_BOILER
        if kinds & T_BLOCK:
            block = element
        if kinds & T_MARKED:
            if kinds & T_TABLE:
                in_table = True
            elif kinds & T_PAGE:
                if not hidden and _hidden_named(&naming):
                    hidden = True
                return _changed(parent, landmark, region, hidden, in_article, zone, in_table, block, depth)
        if entering_main:
            in_article |= _IN_MAIN_BLOCK
            if landmark != "comment":
                landmark = None
        if naming.any:
            if not hidden and _hidden_named(&naming):
                hidden = True
            if own_region:
                region = own_region
        elif kinds & T_LANDMARK:
            own = _landmark_named(tag, [], "", "", in_article != 0)
        if own is not None and not (entering_main and own != "comment"):
            landmark = own
        if kinds & T_ARTICLE:
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
