# cython: language_level=3, boundscheck=False, wraparound=False
"""crawler.mainblock's paragraph scoring pass, compiled, for the nodes of the compiled view.

``score_paragraphs(body, ctx)`` does what ``mainblock._score_paragraphs`` does, with the
same caches (``ctx.scores``, ``texts.paragraphs``, ``texts.pieces`` through
``texts.note``) filled with the same values, so the rest of the main-content finder, in
Python, cannot tell which one ran (``ctx.alive`` stays empty: the compiled passes keep an
element's state on its node; ``texts.chains`` too: the ancestors are walked again rather
than looked up; and ``ctx.nodes``: the compiled _top_candidate finds a scored node by its
key, the node's address, in the view). It reads a
paragraph's text facts with one C scan per element instead of building its text, and an
element's class, id and role from lexbor, judged by the answers table of _fastnaming.pxi
rather than through an attribute dict. The Python functions ``_score_paragraphs``,
``_alive``, ``_paragraph``, ``_chain``, ``_initial``, ``_has_block_child``, ``_visible``
and ``TextCache.note`` (and, in _fastnames.pxi, ``class_weight`` and
``unlikely_candidate``) are the reference: a change there must be made here too
(tests/test_treeview.py compares both paths on the corpus and a sandbox web).

Further down, the other per-page steps of the main-content finder and of placement that walk
the nodes, compiled alike: TextCache's text and link lengths, ``_top_candidate``,
``_siblings``, and placement's ``_listing_items`` and ``Placement._map_zones``.
"""

from crawler._fastdom cimport Facts, FastDoc, FastNode, anchors_below, any_below, facts_piece, node_facts, wrapped
from cpython.set cimport PySet_Contains
from libc.stdlib cimport free, malloc, realloc
from selectolax.lexbor cimport lxb_dom_node_t

from crawler.mainblock import _UNREAD as UNREAD, DIV_BLOCKS, MAX_DEPTH, MIN_PARAGRAPH, SKIPPED_TAGS, TAG_SCORE, TO_SCORE

include "_fastnames.pxi"
include "_fasthidden.pxi"
include "_fastnaming.pxi"

cdef frozenset _SKIPPED = SKIPPED_TAGS
#: Bit n set: a tag in SKIPPED_TAGS has n characters.
cdef unsigned long long _SKIPPED_LENGTHS = sum(1 << length for length in {len(tag) for tag in SKIPPED_TAGS})
cdef dict _TAG_SCORE = TAG_SCORE
cdef long _MAX_DEPTH = MAX_DEPTH
cdef long _MIN_PARAGRAPH = MIN_PARAGRAPH
#: mainblock's mark of a paragraph reading not made yet (in ``texts.paragraphs``).
cdef object _UNREAD = UNREAD
cdef str _DIV_BLOCKS = DIV_BLOCKS


#: The states ``_alive`` records, (alive, inside a table or code, depth), as bits of a C
#: integer kept on the node (FastNode.alive_states, one per scoring pass): no dict keyed by
#: the node's address, no tuple. The state is a function of the node and the pass alone
#: (the tree does not change), so a state kept by an earlier pass's context serves any later
#: one of the same pass.
cdef enum:
    S_KNOWN = 1
    S_ALIVE = 2
    S_IN_TABLE = 4
    S_DEPTH_SHIFT = 3

#: The state above the root: (True, False, 0).
cdef unsigned int _ROOT_STATE = S_KNOWN | S_ALIVE


cdef inline bint _skipped(str tag) except -1:
    """``tag in SKIPPED_TAGS``, most tags ruled out by their length alone."""
    if tag is None:
        return False
    cdef Py_ssize_t length = PyUnicode_GET_LENGTH(tag)
    return length < 64 and (_SKIPPED_LENGTHS >> length) & 1 and PySet_Contains(_SKIPPED, tag) == 1


cdef extern from "lexbor/tag/const.h":
    enum:
        LXB_TAG__LAST_ENTRY
        LXB_TAG_A
        LXB_TAG_DIV
        LXB_TAG_HTML
        LXB_TAG_SECTION
        LXB_TAG_TD


cdef inline bint _tagged(FastNode element, uintptr_t tag_id, str name) except -1:
    """``_is(element.get_tag(), name)`` for an element and ``tag_id``, lexbor's fixed id
    of the tag ``name``: an element without a qualified name of its own and with a fixed
    tag id is named by that id (FastDoc.tag_of), and lexbor gives each fixed name its
    fixed id, so the string is not needed."""
    if (<_element_t *> element.ptr).qualified_name == 0 and element.ptr.local_name < LXB_TAG__LAST_ENTRY:
        return element.ptr.local_name == tag_id
    return _is(element.get_tag(), name)


cdef str _class_of(FastNode element):
    """``element.get_attributes().get("class") or ""``, read from lexbor (a Naming): no
    attribute dict is built."""
    cdef Naming naming
    _read_naming(element, &naming)
    if naming.classes.length == 0:
        return ""
    return _decoded(&naming.classes)


cdef unsigned int _child_state(FastNode element, unsigned int above, bint strip_unlikely) except 0:
    """The state of ``element`` under a parent (or none) in state ``above``: one step of
    mainblock._alive's downward pass. The attributes are read from lexbor (a Naming), and
    whether the names make an unlikely candidate from the answers table (_fastnaming.pxi)."""
    cdef bint alive = above & S_ALIVE, in_table = above & S_IN_TABLE
    cdef unsigned int depth = above >> S_DEPTH_SHIFT
    cdef str tag
    cdef Naming naming
    depth += 1
    if alive and element.ptr.type == 1:
        tag = element.get_tag()
        if depth > _MAX_DEPTH or _skipped(tag):
            alive = False
        else:
            _read_naming(element, &naming)
            if not _visible_named(&naming):
                alive = False
            elif strip_unlikely and naming.any and not _is(tag, "table") and not _is(tag, "code") and not in_table:
                # (Without attributes, no role, class or id: never an unlikely candidate.)
                if _unlikely_named(tag, &naming):
                    alive = False
        in_table = in_table or _is(tag, "table") or _is(tag, "code")
    return S_KNOWN | (S_ALIVE if alive else 0) | (S_IN_TABLE if in_table else 0) | (depth << S_DEPTH_SHIFT)


cdef extern from "string.h":
    void *memmem(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length)


cdef bint _visible_named(Naming *naming) except -1:
    """mainblock._visible of the element's attributes, read from the bytes lexbor holds:
    the texts it looks for are ASCII, and an ASCII byte of UTF-8 is that character (a byte
    that is not UTF-8 decodes as U+FFFD) and stays one in the decoded string, so they are
    found in the bytes just when in the string."""
    if naming.hidden:
        return False
    if naming.style.length != 0 and _style_hides(&naming.style):
        return False
    if _equals(&naming.aria_hidden, "true", 4) and not (
            naming.classes.length != 0 and memmem(naming.classes.data, naming.classes.length, b"fallback-image", 14) != NULL):
        return False
    return True


cdef bint _style_hides(Value *style) except -1:
    """Whether ``style.replace(" ", "").lower()`` holds "display:none" or
    "visibility:hidden" (mainblock._visible), folded in C: the spaces dropped and ASCII
    upper case lowered. (Of the other characters, only the Kelvin sign and the dotted
    capital I lower into ASCII, into a "k" and an "i" followed by a combining dot, neither
    of which can be part of those two texts.)"""
    cdef unsigned char small[256]
    cdef unsigned char *folded = small
    cdef unsigned char byte
    cdef size_t index, length = 0
    cdef bint hides
    if style.length > sizeof(small):
        folded = <unsigned char *> malloc(style.length)
        if folded == NULL:
            raise MemoryError()
    for index in range(style.length):
        byte = style.data[index]
        if byte == c" ":
            continue
        if c"A" <= byte <= c"Z":
            byte += 32
        folded[length] = byte
        length += 1
    hides = (memmem(folded, length, b"display:none", 12) != NULL
             or memmem(folded, length, b"visibility:hidden", 17) != NULL)
    if folded != small:
        free(folded)
    return hides


cdef bint _unlikely_named(str tag, Naming *naming) except -1:
    """mainblock.unlikely_candidate of an element with attributes: never without a role,
    class or id (an empty one counts as none), else the answers table's."""
    if naming.role.length == 0 and naming.classes.length == 0 and naming.ident.length == 0:
        return False
    return _unlikely_of(_answers_of(tag, naming, False, marked=False), tag, naming)


cdef bint _alive(FastNode node, bint strip_unlikely) except -1:
    """mainblock._alive, the states kept on the nodes rather than in ``ctx.alive``. Most
    elements come after their parent (document order), so the element itself or its parent
    is known, and no chain is built."""
    cdef int scoring_pass = 0 if strip_unlikely else 1
    cdef FastNode parent
    cdef unsigned int state = node.alive_states[scoring_pass]
    if state:
        return state & S_ALIVE
    parent = node.get_parent()
    if parent is None or parent.alive_states[scoring_pass]:
        state = _ROOT_STATE if parent is None else parent.alive_states[scoring_pass]
        state = node.alive_states[scoring_pass] = _child_state(node, state, strip_unlikely)
        return state & S_ALIVE
    return _alive_below(node, parent, scoring_pass, strip_unlikely)


cdef enum:
    #: Ancestors of unknown state _alive_below keeps on the C stack (more go to the heap).
    _CHAIN_ROOM = 32


cdef bint _alive_below(FastNode node, FastNode parent, int scoring_pass, bint strip_unlikely) except -1:
    """_alive of ``node`` whose ``parent``'s state is not known either: the chain up to
    the first known ancestor (or the root), then the states down it. The chain holds
    borrowed references: the nodes are the view's (FastDoc.nodes keeps them)."""
    cdef PyObject *small[_CHAIN_ROOM]
    cdef PyObject **chain = small
    cdef PyObject **grown
    cdef Py_ssize_t count = 1, room = _CHAIN_ROOM, index
    cdef FastNode current = parent
    cdef unsigned int state = 0
    chain[0] = <PyObject *> node
    try:
        while current is not None:
            state = current.alive_states[scoring_pass]
            if state:
                break
            if count == room:
                grown = <PyObject **> malloc(2 * room * sizeof(PyObject *))
                if grown == NULL:
                    raise MemoryError()
                memcpy(grown, chain, room * sizeof(PyObject *))
                if chain != small:
                    free(chain)
                chain = grown
                room *= 2
            chain[count] = <PyObject *> current
            count += 1
            current = current.get_parent()
        if not state:
            state = _ROOT_STATE
        for index in range(count - 1, -1, -1):
            current = <FastNode> chain[index]
            state = current.alive_states[scoring_pass] = _child_state(current, state, strip_unlikely)
    finally:
        if chain != small:
            free(chain)
    return state & S_ALIVE


cdef long _initial(FastNode element) except? -1:
    """mainblock._initial (an int), the class weight from the answers table (none without
    a class or id: an empty one counts as none)."""
    cdef Naming naming
    cdef str tag = element.get_tag()
    cdef long initial = _TAG_SCORE.get(tag, 0)
    _read_naming(element, &naming)
    if naming.classes.length == 0 and naming.ident.length == 0:
        return initial
    return initial + _weight_of(_answers_of(tag, &naming, False, marked=False), &naming)


cdef inline long _collapsed_length(Facts *facts) noexcept:
    """piece(text)[0] of the scanned text (crawler.nodetext.piece)."""
    return facts.word_chars + facts.words - 1 if facts.words else 0


cdef inline tuple _piece_of(Facts *facts):
    """crawler.nodetext.piece of the scanned text."""
    return facts_piece(facts)


cdef object _paragraph(FastNode element, texts, dict pieces):
    """mainblock._paragraph, reading the text facts in C (``pieces``: ``texts.pieces``).
    The facts are read from the view's table as structs (FastNode.facts), not through
    FastNode.paragraph_facts: most elements are turned down on their lengths alone, and
    need no tuple."""
    cdef bint whole = True
    cdef FastNode parent
    cdef Facts scratch
    cdef Facts *facts
    cdef long length
    cdef Mirror known
    cdef Entry *entry
    cdef tuple noted
    if _tagged(element, LXB_TAG_DIV, "div"):
        facts = element.facts(False, &scratch)
        if facts.invalid:
            return _python_paragraph(element, texts)
        if facts.chars < _MIN_PARAGRAPH or _collapsed_length(facts) < _MIN_PARAGRAPH:
            return None
        if any_below(element, _DIV_BLOCKS):  # mainblock._has_block_child
            parent = element
            whole = False
        else:
            parent = element.get_parent()
            facts = element.facts(True, &scratch)
            if facts.invalid:
                return _python_paragraph(element, texts)
    else:
        facts = element.facts(True, &scratch)
        if facts.invalid:
            return _python_paragraph(element, texts)
        if facts.chars < _MIN_PARAGRAPH:
            return None
        parent = element.get_parent()
    if parent is None:
        return None
    if whole:
        # TextCache.note, inline.
        known = _known_pieces(pieces)
        entry = known.find(element.ptr)
        if entry != NULL:
            noted = <tuple> entry.value.piece
        else:
            noted = pieces[<size_t> element.ptr] = _piece_of(facts)
            known.add_piece(element.ptr, noted)
        length = noted[0]
    else:
        length = _collapsed_length(facts)
    if length < _MIN_PARAGRAPH:
        return None
    return parent, 1 + facts.commas + facts.wide_commas + min(length // 100, 3)


cdef object _python_paragraph(FastNode element, texts):
    # Text that is not valid UTF-8: the Python reading, which decodes it whole.
    from crawler.mainblock import _paragraph as paragraph

    return paragraph(element, texts)


cdef inline long _divider(long level) noexcept:
    """How much mainblock._chain divides a paragraph's score by at the ancestor ``level``
    steps above its parent."""
    return 1 if level == 0 else 2 if level == 1 else level * 3


#: How many score_paragraphs calls have begun (each numbers its running totals' places).
cdef size_t _scorings = 0


def score_paragraphs(FastNode body, ctx):
    """mainblock._score_paragraphs for the compiled view. The scores are summed as C doubles
    (the same additions in the same order as Python's floats) and written to ``ctx.scores``
    once at the end, in the order the Python pass first writes them."""
    texts = ctx.texts
    if texts.to_score is None:
        texts.to_score = body.css(TO_SCORE)  # a plain tag list: a C walk (crawler/_fasttags.pxi)
        texts.paragraphs = [_UNREAD] * len(texts.to_score)
    cdef list to_score = texts.to_score
    cdef list paragraphs = texts.paragraphs
    cdef dict pieces = texts.pieces
    cdef dict scores = ctx.scores
    cdef bint strip_unlikely = ctx.strip_unlikely
    cdef FastNode element
    cdef FastNode ancestor
    cdef object found, parent, score, known
    cdef long level
    # The running totals: an ancestor's place in ``totals`` and ``order`` is kept on its node
    # (FastNode.score_place), marked with this call's number.
    global _scorings
    _scorings += 1
    cdef size_t scoring = _scorings
    cdef lxb_dom_node_t **order = NULL
    cdef double *totals = NULL
    cdef void *grown
    # (A new context's scores are empty, and stay so until the end: nothing to look up.)
    cdef bint scored_before = len(scores) != 0
    cdef Py_ssize_t count = 0, room = 0, index, position
    cdef double points
    try:
        for position in range(len(to_score)):
            element = <FastNode> to_score[position]
            found = paragraphs[position]
            if found is _UNREAD:
                if ((_tagged(element, LXB_TAG_TD, "td") or _tagged(element, LXB_TAG_SECTION, "section"))
                        and not _alive(element, strip_unlikely)):
                    continue  # containers: check before reading their whole text
                found = paragraphs[position] = _paragraph(element, texts, pieces)
            if found is None or not _alive(element, strip_unlikely):
                continue
            parent, score = found
            points = <long> score  # a small int: exact, as Python's int / int divides it
            # mainblock._chain's ancestors, walked here (texts.chains is not kept: the walk
            # up the wrapped nodes costs less than the look-up of a kept chain).
            ancestor = <FastNode> parent
            level = 0
            while ancestor is not None and level < 5:
                # (mainblock stops at "html" and "#document": the document is no element.)
                if ancestor.ptr.type != 1 or _tagged(ancestor, LXB_TAG_HTML, "html"):
                    break
                if ancestor.scoring != scoring:
                    known = scores.get(<size_t> ancestor.ptr) if scored_before else None
                    if count == room:
                        room = 2 * room if room else 64
                        grown = realloc(totals, room * sizeof(double))
                        if grown == NULL:
                            raise MemoryError()
                        totals = <double *> grown
                        grown = realloc(order, room * sizeof(lxb_dom_node_t *))
                        if grown == NULL:
                            raise MemoryError()
                        order = <lxb_dom_node_t **> grown
                    totals[count] = _initial(ancestor) if known is None else <double> known
                    ancestor.scoring = scoring
                    ancestor.score_place = count
                    order[count] = ancestor.ptr
                    index = count
                    count += 1
                else:
                    index = ancestor.score_place
                totals[index] += points / _divider(level)
                level += 1
                if level < 5:  # (no parent wrapped past the fifth ancestor)
                    ancestor = ancestor.get_parent()
        for index in range(count):
            scores[<size_t> order[index]] = totals[index]
    finally:
        free(totals)
        free(order)


# TextCache._piece and _compose for the compiled view: the same walk over a container's
# children, in C rather than through FastNode properties (the candidates' text lengths are
# read this way, and most of them walk up to MAX_COMPOSED_CHILDREN children to learn that
# none is known). The same entries are filled with the same values, but for the anchors
# collect noted: TextCache.anchor's entries for those are kept on their nodes (_noted).
# The entries are looked up in a Mirror of the cache's dict, not in the dict: the walks
# pass lexbor's nodes, wrapped only to read what a FastNode holds.

from crawler.mainblock import MAX_COMPOSE_DEPTH, MAX_COMPOSED_CHILDREN
from crawler.nodetext import BLANK, NOTHING, piece as python_piece

cdef long _MAX_COMPOSE_DEPTH = MAX_COMPOSE_DEPTH
cdef Py_ssize_t _MAX_COMPOSED_CHILDREN = MAX_COMPOSED_CHILDREN
cdef tuple _JOINED_NOTHING = NOTHING
cdef tuple _JOINED_BLANK = BLANK


cdef union Recorded:
    double length  # of TextCache.links
    PyObject *piece  # of TextCache.pieces (the Mirror holds a reference)


cdef struct Entry:
    # One entry of a Mirror: the node (NULL: a free slot) and its value in the dict.
    const void *node
    Recorded value


cdef enum:
    #: The slots of a new Mirror's table (a power of two; the table doubles when half full).
    _MIRROR_ROOM = 64


cdef class Mirror:
    """TextCache's ``pieces`` or ``links`` dict (keyed by node address) copied into a C hash
    table keyed by the lexbor node: an entry is found without an int key and a dict look-up.
    The compiled functions add each entry to both; the dict stays the record the Python code
    reads, and the table is trusted while it mirrors that same dict holding as many entries
    (entries are only added, never changed: another writer of the dict shows as a count that
    differs, and the table is made again from the dict)."""

    cdef dict owner
    cdef Entry *entries
    cdef size_t mask
    cdef Py_ssize_t count
    #: The pieces entered (their references).
    cdef list held

    def __dealloc__(self):
        free(self.entries)

    cdef inline Entry *find(self, const void *node) noexcept:
        """The entry of ``node``, or NULL."""
        cdef size_t index = _slot(node, self.mask)
        while self.entries[index].node != NULL:
            if self.entries[index].node == node:
                return &self.entries[index]
            index = (index + 1) & self.mask
        return NULL

    cdef int add_length(self, const void *node, double length) except -1:
        """Enter ``node`` (not entered yet) with its link length."""
        cdef Recorded *value = self._new_entry(node)
        value.length = length
        return 0

    cdef int add_piece(self, const void *node, tuple piece) except -1:
        """Enter ``node`` (not entered yet) with its piece."""
        cdef Recorded *value = self._new_entry(node)
        value.piece = <PyObject *> piece
        self.held.append(piece)
        return 0

    cdef Recorded *_new_entry(self, const void *node) except NULL:
        """The value of a new entry of ``node``."""
        cdef size_t index
        if 2 * (self.count + 1) > <Py_ssize_t> (self.mask + 1):
            self._grow()
        index = _slot(node, self.mask)
        while self.entries[index].node != NULL:
            index = (index + 1) & self.mask
        self.entries[index].node = node
        self.count += 1
        return &self.entries[index].value

    cdef int _grow(self) except -1:
        cdef Entry *old = self.entries
        cdef size_t old_room = self.mask + 1, index, place
        cdef Entry *grown = _empty_table(2 * old_room)
        self.entries = grown
        self.mask = 2 * old_room - 1
        for index in range(old_room):
            if old[index].node != NULL:
                place = _slot(old[index].node, self.mask)
                while grown[place].node != NULL:
                    place = (place + 1) & self.mask
                grown[place] = old[index]
        free(old)
        return 0


cdef inline size_t _slot(const void *node, size_t mask) noexcept:
    """Where the table of ``mask`` + 1 slots looks for ``node`` first (Fibonacci hashing)."""
    return ((<size_t> node * <size_t> 11400714819323198485ULL) >> 40) & mask


cdef Entry *_empty_table(size_t room) except NULL:
    cdef Entry *entries = <Entry *> malloc(room * sizeof(Entry))
    if entries == NULL:
        raise MemoryError()
    memset(entries, 0, room * sizeof(Entry))
    return entries


cdef Mirror _mirror(dict owner, bint pieces):
    """A new Mirror of ``owner`` (``pieces``: the values are pieces, else link lengths)."""
    cdef Mirror mirror = Mirror.__new__(Mirror)
    cdef size_t room = _MIRROR_ROOM
    while room < 2 * <size_t> len(owner) + 2:
        room *= 2
    mirror.entries = _empty_table(room)
    mirror.mask = room - 1
    mirror.owner = owner
    mirror.held = []
    for key, value in owner.items():
        if pieces:
            mirror.add_piece(<const void *> <size_t> key, value)
        else:
            mirror.add_length(<const void *> <size_t> key, value)
    return mirror


#: The Mirrors of the last cache's ``pieces`` and ``links`` (made again for another cache).
cdef Mirror _pieces_mirror = None
cdef Mirror _links_mirror = None


cdef inline bint _mirrors(Mirror mirror, dict owner) except -1:
    """Whether ``mirror`` holds the entries of ``owner``."""
    return mirror is not None and mirror.owner is owner and mirror.count == len(owner)


cdef Mirror _known_pieces(dict pieces):
    """The Mirror of ``pieces``."""
    global _pieces_mirror
    if not _mirrors(_pieces_mirror, pieces):
        _pieces_mirror = _mirror(pieces, True)
    return _pieces_mirror


cdef Mirror _known_links(dict links):
    """The Mirror of ``links``."""
    global _links_mirror
    if not _mirrors(_links_mirror, links):
        _links_mirror = _mirror(links, False)
    return _links_mirror


cdef tuple _join_pieces(tuple left, tuple right):
    """crawler.nodetext.join_pieces."""
    if left[3]:
        if right[3]:
            return _JOINED_BLANK if (left[1] or right[1]) else _JOINED_NOTHING
        return (right[0], left[1] or right[1], right[2], False, right[4])
    if right[3]:
        return (left[0], left[1], left[2] or right[1], False, left[4])
    return (left[0] + right[0] + (left[2] or right[1]), left[1], right[2], False, left[4] + right[4])


cdef tuple _node_piece(FastDoc doc, lxb_dom_node_t *node):
    """crawler.nodetext.node_piece of ``node`` (FastNode.facts), wrapped only when its text
    is not valid UTF-8."""
    cdef Facts scratch
    cdef Facts *facts = node_facts(doc, node, True, &scratch)
    if facts.invalid:
        return python_piece(doc.wrap(node).text())
    return _piece_of(facts)


cdef inline bint _noted(dict pieces, FastNode node) noexcept:
    """Whether crawler._fastlinks' collect noted the <a> ``node`` for the cache of
    ``pieces``: TextCache.anchor's entries for it, in ``pieces`` and ``links``, are kept on
    the node (FastNode.anchor_piece and anchor_weight)."""
    return node is not None and node.noted_in is pieces


cdef tuple _cached_piece(dict pieces, FastNode node, long depth):
    """TextCache._piece."""
    if _noted(pieces, node):
        return node.anchor_piece
    return _piece(pieces, _known_pieces(pieces), node.doc, node.ptr, depth)


cdef tuple _element_piece(dict pieces, Mirror known, FastDoc doc, lxb_dom_node_t *element, long depth):
    """_cached_piece of ``element``, not wrapped to be read (``known``: the Mirror of ``pieces``)."""
    cdef FastNode node = wrapped(doc, element)
    if _noted(pieces, node):
        return node.anchor_piece
    return _piece(pieces, known, doc, element, depth)


cdef tuple _piece(dict pieces, Mirror known, FastDoc doc, lxb_dom_node_t *node, long depth):
    """TextCache._piece of ``node``, which collect did not note."""
    cdef Entry *entry = known.find(node)
    cdef tuple found
    if entry != NULL:
        return <tuple> entry.value.piece
    found = _composed_piece(pieces, known, doc, node, depth) if depth < _MAX_COMPOSE_DEPTH else None
    if found is None:
        found = _node_piece(doc, node)
    pieces[<size_t> node] = found
    known.add_piece(node, found)
    return found


cdef tuple _composed_piece(dict pieces, Mirror known, FastDoc doc, lxb_dom_node_t *node, long depth):
    """TextCache._compose."""
    cdef lxb_dom_node_t *child = node.first_child
    cdef Py_ssize_t count = 0
    cdef bint any_known = False
    cdef tuple total, part
    while child != NULL:
        count += 1
        if count > _MAX_COMPOSED_CHILDREN:
            return None
        # (Only elements are noted: a text child is not looked for among the wrapped nodes.)
        if not any_known and ((child.type == 1 and _noted(pieces, wrapped(doc, child)))
                              or known.find(child) != NULL):
            any_known = True
        child = child.next
    if not any_known:
        return None
    total = _JOINED_NOTHING
    child = node.first_child
    while child != NULL:
        if child.type == 1:
            part = _element_piece(pieces, known, doc, child, depth + 1)
        elif child.type == 3:
            part = _node_piece(doc, child)
        else:
            child = child.next
            continue
        total = _join_pieces(total, part)
        child = child.next
    return total


def text_piece(dict pieces, FastNode node, long depth=0):
    """``TextCache._piece(node, depth)`` for a FastNode, ``pieces`` the cache's."""
    return _cached_piece(pieces, node, depth)


# TextCache.link_length and _has_known_child for the compiled view, likewise: the same
# children walk and the same sums, in the same order (so the same floats).

cdef double _IN_PAGE_WEIGHT = 0.3


cdef double _link_length(dict pieces, dict links, FastNode node, long depth) except? -1.0:
    """TextCache.link_length."""
    if _noted(pieces, node):
        return node.anchor_weight
    return _links_below(pieces, links, _known_links(links), node.doc, node.ptr, depth)


cdef double _element_link_length(dict pieces, dict links, Mirror known, FastDoc doc, lxb_dom_node_t *element,
                                 long depth) except? -1.0:
    """_link_length of ``element``, not wrapped to be read (``known``: the Mirror of ``links``)."""
    cdef FastNode node = wrapped(doc, element)
    if _noted(pieces, node):
        return node.anchor_weight
    return _links_below(pieces, links, known, doc, element, depth)


cdef double _links_below(dict pieces, dict links, Mirror known, FastDoc doc, lxb_dom_node_t *node,
                         long depth) except? -1.0:
    """TextCache.link_length of the element ``node``, which collect did not note."""
    cdef Entry *entry = known.find(node)
    cdef lxb_dom_node_t *child
    cdef FastNode anchor
    cdef double found, coefficient
    if entry != NULL:
        return entry.value.length
    if _is_anchor(doc, node):
        anchor = doc.wrap(node)
        coefficient = _IN_PAGE_WEIGHT if _href_in_page(anchor) else 1.0
        found = <long> _cached_piece(pieces, anchor, 0)[0] * coefficient
    elif (depth < _MAX_COMPOSE_DEPTH and _known_pieces(pieces).find(node) != NULL
            and _has_known_child(pieces, known, doc, node)):
        found = 0.0
        child = node.first_child
        while child != NULL:
            if child.type == 1:
                found += _element_link_length(pieces, links, known, doc, child, depth + 1)
            child = child.next
    else:
        found = _anchors_link_length(pieces, links, known, doc.wrap(node))
    links[<size_t> node] = found
    known.add_length(node, found)
    return found


cdef double _anchors_link_length(dict pieces, dict links, Mirror known, FastNode node) except? -1.0:
    """The sum of the link lengths of ``node.css("a")`` (TextCache.link_length's last way)."""
    cdef double found = 0.0
    cdef lxb_dom_node_t **anchors
    cdef Py_ssize_t count = anchors_below(node, &anchors)  # node.css("a"), not wrapped
    cdef Py_ssize_t index
    cdef FastNode anchor
    if count >= 0:
        for index in range(count):
            found += _element_link_length(pieces, links, known, node.doc, anchors[index], 0)
    else:
        for anchor in node.css("a"):
            found += _element_link_length(pieces, links, known, node.doc, anchor.ptr, 0)
    return found


cdef inline bint _is_anchor(FastDoc doc, lxb_dom_node_t *element) except -1:
    """``_tagged`` of ``element`` for "a", not wrapped when its tag id names it (any other
    node is asked for its tag, as TextCache.link_length asks)."""
    if (element.type == 1 and (<_element_t *> element).qualified_name == 0
            and element.local_name < LXB_TAG__LAST_ENTRY):
        return element.local_name == LXB_TAG_A
    return _is(doc.wrap(element).get_tag(), "a")


cdef extern from "lexbor/dom/interfaces/attr_const.h":
    enum:
        LXB_DOM_ATTR_HREF


cdef bint _href_in_page(FastNode anchor) except -1:
    """``(anchor.get_attributes().get("href") or "").startswith("#")`` of the element
    ``anchor``, read from lexbor without the dict: the value of the last attribute named
    href (the dict keeps the last of a name); the dict's when lexbor has no entry for a name
    (_fastnaming's A_NAMELESS)."""
    cdef lxb_dom_attr_t *attr = (<_element_t *> anchor.ptr).first_attr
    cdef lxb_dom_attr_t *href = NULL
    cdef uintptr_t name_id
    cdef const _hash_entry_t *entry
    while attr != NULL:
        name_id = attr.qualified_name if attr.qualified_name != 0 else attr.node.local_name
        if name_id == 0 or name_id == LXB_DOM_ATTR__LAST_ENTRY:
            return (anchor.get_attributes().get("href") or "").startswith("#")
        if name_id == LXB_DOM_ATTR_HREF:
            href = attr
        elif name_id > LXB_DOM_ATTR__LAST_ENTRY:
            entry = <const _hash_entry_t *> name_id
            if entry.length == 4 and memcmp(lexbor_hash_entry_str(entry), b"href", 4) == 0:
                href = attr
        attr = attr.next
    return (href != NULL and href.value != NULL and href.value.data != NULL and href.value.length != 0
            and href.value.data[0] == c"#")


cdef bint _has_known_child(dict pieces, Mirror known, FastDoc doc, lxb_dom_node_t *node) except -1:
    """TextCache._has_known_child (``pieces``: the cache's, whose anchors are noted on
    their nodes; ``known``: the Mirror of its ``links``)."""
    cdef lxb_dom_node_t *child = node.first_child
    cdef Py_ssize_t count = 0
    while child != NULL:
        count += 1
        if count > _MAX_COMPOSED_CHILDREN:
            return False
        if (child.type == 1 and _noted(pieces, wrapped(doc, child))) or known.find(child) != NULL:
            return True
        child = child.next
    return False


def link_length(dict pieces, dict links, FastNode node, long depth=0):
    """``TextCache.link_length(node, depth)`` for a FastNode, ``pieces`` and ``links`` the
    cache's."""
    return _link_length(pieces, links, node, depth)


# mainblock._top_candidate for the compiled view, with TextCache.length and density and
# mainblock._scaled and _initial inline: the same steps on the same Python structures,
# without a Python call per candidate and measure, and the candidates ranked in C arrays
# rather than sorted lists of tuples.

from cpython.dict cimport PyDict_Next
from cpython.ref cimport PyObject

from crawler.mainblock import MAX_CANDIDATES

cdef Py_ssize_t _MAX_CANDIDATES = MAX_CANDIDATES
#: How many of the best candidates _top_candidate keeps, by their scaled scores.
cdef enum:
    _KEPT = 5


cdef Py_ssize_t _ranked(dict scores, PyObject **keys, double *raws, Py_ssize_t room) except -1:
    """The first ``room`` entries of ``sorted(scores.items(), key=itemgetter(1),
    reverse=True)``, the ranking of mainblock._top_candidate: their keys (borrowed from
    ``scores``) and raw scores written to ``keys`` and ``raws``; how many. Each entry is
    inserted after those that score as much (a stable sort keeps equal scores in the dict's
    order), and those that cannot make the first ``room`` are passed over."""
    cdef Py_ssize_t count = 0, at = 0
    cdef PyObject *key
    cdef PyObject *value
    while PyDict_Next(scores, &at, &key, &value):
        count = _insert_ranked(raws, keys, count, room, <double> (<object> value), key)
    return count


cdef inline Py_ssize_t _insert_ranked(double *scores, PyObject **keys, Py_ssize_t count, Py_ssize_t room,
                                      double score, PyObject *key) noexcept:
    """Insert ``key`` with ``score`` into the ``count`` entries of ``scores`` and ``keys``,
    ranked highest first, after those that score as much (as a stable sort places it), at
    most ``room`` kept (one that cannot make them is passed over); the new count."""
    cdef Py_ssize_t place
    if count == room and not score > scores[count - 1]:
        return count
    place = count if count < room else room - 1
    while place > 0 and score > scores[place - 1]:
        scores[place] = scores[place - 1]
        keys[place] = keys[place - 1]
        place -= 1
    scores[place] = score
    keys[place] = key
    return count + 1 if count < room else count


cdef double _density(dict pieces, dict links, dict densities, FastNode node) except? -1.0:
    """TextCache.density."""
    cdef object key = <size_t> node.ptr
    cdef object density = densities.get(key)
    cdef long text
    if density is None:
        text = _cached_piece(pieces, node, 0)[0]
        density = densities[key] = _link_length(pieces, links, node, 0) / text if text else 0.0
    return density


cdef double _scaled(dict scores, dict scaled_scores, dict pieces, dict links, dict densities, FastNode node) except? -1.0:
    """mainblock._scaled."""
    cdef object key = <size_t> node.ptr
    cdef object scaled = scaled_scores.get(key)
    if scaled is None:
        scaled = scaled_scores[key] = scores[key] * (1 - _density(pieces, links, densities, node))
    return scaled


cdef inline FastNode _scored(FastDoc doc, object key):
    """The node of ``ctx.scores``' ``key`` (mainblock's ``ctx.nodes[key]``): the key is
    its address."""
    return doc.wrap(<lxb_dom_node_t *> <size_t> key)


def top_candidate(FastNode body, ctx):
    """mainblock._top_candidate for the compiled view."""
    cdef dict scores = ctx.scores
    cdef FastDoc doc = body.doc
    cdef dict scaled_scores = ctx.scaled_scores
    texts = ctx.texts
    cdef dict pieces = texts.pieces
    cdef dict links = texts.links
    cdef dict densities = texts.densities
    cdef list alternatives, alt_paths, children
    cdef FastNode node, top, parent, alt, current
    cdef object key, top_key
    cdef double top_score, last, threshold, parent_score, scaled
    cdef set path
    cdef Py_ssize_t shared, count, index, kept
    cdef PyObject **ranked_keys
    cdef double *raws
    # The best candidates by scaled score, best first, and their keys, borrowed from
    # ``scores`` while it is not changed.
    cdef double best_scores[_KEPT]
    cdef PyObject *best_keys[_KEPT]
    if not scores:
        return None
    ranked_keys = <PyObject **> malloc(_MAX_CANDIDATES * sizeof(PyObject *))
    raws = <double *> malloc(_MAX_CANDIDATES * sizeof(double))
    try:
        if ranked_keys == NULL or raws == NULL:
            raise MemoryError()
        count = _ranked(scores, ranked_keys, raws, _MAX_CANDIDATES)
        kept = 0
        for index in range(count):
            if kept >= _KEPT and raws[index] <= best_scores[kept - 1]:
                break
            node = _scored(doc, <object> ranked_keys[index])
            _cached_piece(pieces, node, 0)  # mainblock._length
            scaled = _scaled(scores, scaled_scores, pieces, links, densities, node)
            # By score alone: a stable sort keeps equal scores in the order they were ranked.
            kept = _insert_ranked(best_scores, best_keys, kept, _KEPT, scaled, ranked_keys[index])
    finally:
        free(ranked_keys)
        free(raws)
    top_score = best_scores[0]
    top_key = <object> best_keys[0]
    top = _scored(doc, top_key)
    if _is(top.get_tag(), "body"):
        return None
    alternatives = [_scored(doc, <object> best_keys[index]) for index in range(1, kept)
                    if top_score and best_scores[index] / top_score >= 0.75]
    # Several close candidates under one ancestor: the ancestor is the article.
    if len(alternatives) >= 3:
        alt_paths = []
        for alt in alternatives:
            path = set()
            current = alt.get_parent()
            while current is not None:
                path.add(<size_t> current.ptr)
                current = current.get_parent()
            alt_paths.append(path)
        parent = top.get_parent()
        while parent is not None and not _is(parent.get_tag(), "body"):
            key = <size_t> parent.ptr
            shared = 0
            for path in alt_paths:
                if key in path:
                    shared += 1
            if shared >= 3:
                top = parent
                break
            parent = parent.get_parent()
    key = <size_t> top.ptr
    if key not in scores:
        scores[key] = _initial(top)
    # Climb while the parent keeps a good share of the score.
    last = _scaled(scores, scaled_scores, pieces, links, densities, top)
    threshold = last / 3
    parent = top.get_parent()
    while parent is not None and not _is(parent.get_tag(), "body") and not _is(parent.get_tag(), "html"):
        if (<size_t> parent.ptr) not in scores:
            parent = parent.get_parent()
            continue
        parent_score = _scaled(scores, scaled_scores, pieces, links, densities, parent)
        if parent_score < threshold:
            break
        if parent_score > last:
            top = parent
            break
        last = parent_score
        parent = parent.get_parent()
    # An only child is no different from its parent.
    parent = top.get_parent()
    while parent is not None and not _is(parent.get_tag(), "body") and not _is(parent.get_tag(), "html"):
        children = [c for c in parent.element_children() if not _skipped((<FastNode> c).get_tag())]
        if len(children) != 1:
            break
        top = parent
        parent = top.get_parent()
    return top


# mainblock._siblings for the compiled view: the same choice of the blocks beside the best
# one, with _alive, _scaled, _length and TextCache.density compiled.

import re

from crawler.nodetext import collapsed_text

cdef object _SENTENCE_END = re.compile(r"\.( |$)")
cdef double _MIN_SIBLING_SCORE = 10.0


def siblings(FastNode top, ctx):
    """mainblock._siblings for the compiled view (``ctx.listed`` set alike)."""
    cdef dict scores = ctx.scores
    cdef dict scaled_scores = ctx.scaled_scores
    cdef bint strip_unlikely = ctx.strip_unlikely
    texts = ctx.texts
    cdef dict pieces = texts.pieces
    cdef dict links = texts.links
    cdef dict densities = texts.densities
    cdef FastNode parent = top.get_parent()
    cdef FastNode sibling
    cdef list children, alike, blocks
    cdef str top_tag, tag
    cdef object top_key = <size_t> top.ptr
    cdef str top_class
    cdef object key
    cdef set alike_ids
    cdef double top_score, threshold, bonus, density
    cdef long length
    if parent is None or _is(parent.get_tag(), "html") or _is(parent.get_tag(), "#document"):
        return [top]
    top_score = _scaled(scores, scaled_scores, pieces, links, densities, top) if top_key in scores else 0.0
    threshold = max(_MIN_SIBLING_SCORE, top_score * 0.2)
    top_class = top.get_attributes().get("class") or ""
    top_tag = top.get_tag()
    children = parent.element_children()
    # A listing or a thread: the best block is one of several alike (same tag and class).
    alike = [c for c in children
             if _is((<FastNode> c).get_tag(), top_tag) and ((<FastNode> c).get_attributes().get("class") or "") == top_class]
    alike_ids = set()
    if len(alike) >= 3 and (top_class or _is(top_tag, "article") or _is(top_tag, "section") or _is(top_tag, "li")):
        alike_ids = {<size_t> (<FastNode> c).ptr for c in alike}
    ctx.listed = frozenset(alike_ids - {top_key})
    blocks = []
    for sibling in children:
        key = <size_t> sibling.ptr
        if sibling.ptr == top.ptr or key in alike_ids:
            blocks.append(sibling)
            continue
        tag = sibling.get_tag()
        if _skipped(tag) or not _alive(sibling, strip_unlikely):
            continue
        bonus = top_score * 0.2 if top_class and sibling.get_attributes().get("class") == top_class else 0.0
        if key in scores and _scaled(scores, scaled_scores, pieces, links, densities, sibling) + bonus >= threshold:
            blocks.append(sibling)
        elif _is(tag, "p"):
            length = _cached_piece(pieces, sibling, 0)[0]
            density = _density(pieces, links, densities, sibling)
            if (length > 80 and density < 0.25) or (
                0 < length < 80 and density == 0 and _SENTENCE_END.search(collapsed_text(sibling, spaced=False))
            ):
                blocks.append(sibling)
    return blocks


# placement._listing_items for the compiled view: the same children, groups and tests, with
# TextCache.density and length compiled.

from statistics import median

from crawler.placement import TEXT_RICH_ITEM

cdef long _TEXT_RICH_ITEM = TEXT_RICH_ITEM
cdef Py_ssize_t _MAX_WRAPPERS = 4


cdef list _listing_children(FastNode block, bint *wrapped):
    """The children of ``block`` where _listing_items looks for a listing: below up to four
    wrappers that are only children (``wrapped``: the last is not a ``<main>``)."""
    cdef list children = block.element_children()
    cdef list significant
    cdef Py_ssize_t step
    wrapped[0] = False
    for step in range(_MAX_WRAPPERS):
        significant = [c for c in children if not _skipped((<FastNode> c).get_tag())]
        if len(significant) != 1:
            break
        children = (<FastNode> significant[0]).element_children()
        wrapped[0] = not _is((<FastNode> significant[0]).get_tag(), "main")
    return children


def listing_items(tuple blocks, texts):
    """placement._listing_items for blocks of the compiled view."""
    cdef dict pieces = texts.pieces
    cdef dict links = texts.links
    cdef dict densities = texts.densities
    cdef set items = set()
    cdef dict groups, by_id
    cdef list children, group
    cdef FastNode block, child
    cdef bint wrapped
    cdef Py_ssize_t dense
    cdef str tag, classes
    cdef object key
    for block in blocks:
        children = _listing_children(block, &wrapped)
        groups = {}
        for child in children:
            classes = _class_of(child)
            tag = child.get_tag()
            if classes or _is(tag, "article") or _is(tag, "section") or _is(tag, "li"):
                key = (tag, classes)
                group = groups.get(key)
                if group is None:
                    group = groups[key] = []
                group.append(<size_t> child.ptr)
        for group in groups.values():
            if len(group) < 3:
                continue
            if wrapped:
                # Deeper down, only text-rich items make a listing (placement._listing_items).
                by_id = {<size_t> (<FastNode> c).ptr: c for c in children}
                dense = 0
                for key in group:
                    if _density(pieces, links, densities, <FastNode> by_id[key]) >= 0.5:
                        dense += 1
                if dense and (
                    dense * 4 > len(group)
                    or len(group) < 4
                    or median([_cached_piece(pieces, <FastNode> by_id[key], 0)[0] for key in group]) < _TEXT_RICH_ITEM
                ):
                    continue
            items.update(group)
    return frozenset(items)


# placement.Placement._map_zones for the compiled view: the same walk up from the main
# blocks and across each ancestor's children, compiled.

from crawler.placement import Z_AFTER, Z_BEFORE, Z_RAIL

cdef int _Z_AFTER = Z_AFTER
cdef int _Z_BEFORE = Z_BEFORE
cdef int _Z_RAIL = Z_RAIL


cdef bint _only_significant_child(list children) except -1:
    """Whether one of the element ``children`` of a parent is not a SKIPPED_TAGS element."""
    cdef Py_ssize_t count = 0
    cdef FastNode child
    for child in children:
        if not _skipped(child.get_tag()):
            count += 1
    return count == 1


def map_zones(placement, main):
    """placement.Placement._map_zones(main) for the compiled view (fills ``placement.child_zone``)."""
    cdef frozenset main_ids = placement.main_ids
    cdef dict child_zone = placement.child_zone
    cdef list path = []  # (ancestor, its child on the path)
    cdef list children = None
    cdef FastNode current = (<FastNode> main.blocks[0]).get_parent()
    cdef FastNode child = None
    cdef FastNode above = None  # the ancestor before on the path, whose children are ``children``
    cdef FastNode ancestor, path_child, element, grand
    cdef bint page_level = True
    cdef Py_ssize_t index, last_main
    cdef int side, zone
    cdef object key
    cdef str tag
    while current is not None:
        if current.ptr.type == 1:
            path.append((current, child))
        child = current
        current = current.get_parent()
    path.reverse()
    for ancestor, path_child in path:
        tag = ancestor.get_tag()
        grand = ancestor.get_parent()
        if page_level and not _is(tag, "html") and not _is(tag, "body") and grand is not None:
            page_level = _only_significant_child(
                children if above is not None and above.ptr == grand.ptr else grand.element_children())
        side = _Z_BEFORE
        children = ancestor.element_children()
        above = ancestor
        last_main = -1
        if path_child is None:
            for index in range(len(children)):
                if <size_t> (<FastNode> children[index]).ptr in main_ids:
                    last_main = index
        for index in range(len(children)):
            element = <FastNode> children[index]
            key = <size_t> element.ptr
            if path_child is not None:
                if element.ptr == path_child.ptr:
                    side = _Z_AFTER
                    continue
                zone = side
            else:
                if key in main_ids:
                    side = _Z_AFTER
                    continue
                zone = _Z_RAIL if side == _Z_AFTER and index < last_main else side
            if not page_level:
                zone = _Z_RAIL
            child_zone[key] = zone
