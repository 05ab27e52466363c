# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""A read-only view of a parsed lexbor tree with cheap node access (compiled).

``FastDoc(parser)`` wraps a ``selectolax.lexbor.LexborHTMLParser``; its nodes (``FastNode``)
answer the part of ``LexborNode``'s interface the extractor uses (``tag``, ``attributes``,
``parent``, ``child``, ``next``, ``mem_id``, ``is_element_node``, ``is_text_node``,
``text_content``, ``text()``, ``css()``, ``css_first()``) with the same values, but each
node is one object per document (so parent, child and sibling steps are pointer reads and
a cached object, not a new wrapper per access) and its tag and attributes are read once.
The tree must not change while a view is in use, but for the strip of the elements
``head_walk`` collects (it reads the page as it will be after the strip; the FastNodes of
the stripped elements are not read after it).

Struct fields are read directly from the lexbor headers of the selectolax release this
module was compiled against (pinned in pyproject.toml); ``SELECTOLAX_VERSION`` names it, and
``crawler.treeview`` refuses this module when the installed selectolax differs.
"""

from cpython.list cimport PyList_GET_ITEM
from cpython.object cimport PyObject
from cpython.ref cimport Py_INCREF
from cpython.unicode cimport Py_UNICODE_ISSPACE, PyUnicode_DecodeUTF8
from libc.stdint cimport uintptr_t
from libc.stdlib cimport calloc, free, malloc, realloc
from libc.string cimport memcpy, memset
cimport cython
from selectolax.lexbor cimport LexborHTMLParser, LexborNode, lxb_dom_attr_t, lxb_dom_character_data_t, lxb_dom_node_t

from sys import intern as _intern

cdef extern from "lexbor/dom/interfaces/element.h":
    ctypedef struct element_t "lxb_dom_element_t":
        lxb_dom_node_t node
        uintptr_t upper_name
        uintptr_t qualified_name
        void *is_value
        void *first_attr
        lxb_dom_attr_t *attr_class

cdef extern from *:
    """
    #define FASTDOM_ELEMENT 1
    #define FASTDOM_TEXT 3
    #define FASTDOM_TAG_TEXT 2
    """
    int FASTDOM_ELEMENT
    int FASTDOM_TEXT
    int FASTDOM_TAG_TEXT


include "_fasttext.pxi"
include "_fasttags.pxi"
include "_fastwalk.pxi"
include "_factstable.pxi"
include "_fasthead.pxi"

#: The selectolax release whose lexbor headers and struct layouts this module was built with
#: (setup.py downloads that release's sdist for the headers; pyproject.toml pins it).
SELECTOLAX_VERSION = "1.0.2"

cdef extern from *:
    """
    #ifndef BACKLINKS_SOURCES_DIGEST
    #define BACKLINKS_SOURCES_DIGEST ""
    #endif
    """
    const char *BACKLINKS_SOURCES_DIGEST

#: crawler.compiled.sources_digest() of the sources this module (and the others built with
#: it) came from, passed in by setup.py; "" when built another way.
SOURCES_DIGEST = (<bytes> BACKLINKS_SOURCES_DIGEST).decode("ascii")


cdef class FastDoc:
    """The view of one parsed document; ``wrap`` gives each lexbor node one FastNode."""

    cdef NodeFacts *facts_of(self, lxb_dom_node_t *node) except? NULL:
        """The text facts of ``node`` (which has children), the table built on first use."""
        if self.table == NULL:
            self.table = _build_table(&self.parser.document.dom_document.node)
        return _find(<FactsTable *> self.table, node)

    def __cinit__(self, LexborHTMLParser parser not None):
        if parser.document == NULL:
            raise ValueError("FastDoc needs a parser that holds a document")
        self.parser = parser
        self.nodes = []
        self.tags = {}
        self.attribute_names = {}
        self.answers = {}

    cdef FastNode wrap(self, lxb_dom_node_t *ptr):
        # A node's FastNode is found through lexbor's spare per-node pointer (``user``, which
        # neither lexbor's parser nor selectolax uses), holding not the object's address but
        # its place in ``nodes`` + 1, checked against this view's list before it is trusted:
        # lexbor copies ``user`` when it clones a node (``parser.clone()``), and another view
        # of the tree overwrites it, so the value may come from anywhere. Read as an address,
        # a copied one outlived its view's nodes (a use after free); read as a checked
        # place, any value is harmless (``wrapped``): the ones this view set are left as
        # they are when it is released (a later view of the tree checks them alike).
        cdef FastNode node = _wrapped(self, ptr)
        if node is not None:
            return node
        node = FastNode.__new__(FastNode)
        node.ptr = ptr
        node.doc = self
        self.nodes.append(node)
        ptr.user = <void *> <size_t> len(self.nodes)
        return node

    cdef list wrap_all(self, list found):
        cdef list out = []
        cdef LexborNode item
        for item in found:
            out.append(self.wrap(item.node))
        return out

    cdef str tag_of(self, FastNode node):
        cdef element_t *element = <element_t *> node.ptr
        cdef uintptr_t key
        cdef object name
        if node.ptr.type != FASTDOM_ELEMENT or element.qualified_name != 0:
            return node.lexbor().tag
        key = element.node.local_name
        if key < LXB_TAG__LAST_ENTRY:
            return _fixed_tag_name(node, key)
        name = self.tags.get(key)
        if name is None:
            name = node.lexbor().tag
            self.tags[key] = name
        return name

    cdef dict attributes_of(self, FastNode node):
        """``LexborNode.attributes``: qualified name -> value (None when it has none). Names
        are cached by lexbor's attribute id (one per name and document), a new one read
        from lexbor (learn_attribute_name)."""
        cdef lxb_dom_attr_t *attr = <lxb_dom_attr_t *> (<element_t *> node.ptr).first_attr
        cdef dict found = {}
        cdef dict names = self.attribute_names
        cdef object name
        cdef uintptr_t name_id
        while attr != NULL:
            name_id = attr.qualified_name if attr.qualified_name != 0 else attr.node.local_name
            name = _attribute_name(names, name_id)
            if name is None:
                name = learn_attribute_name(self, attr)
                if name is None:
                    return self._learn_names(node)
            found[name] = _attribute_value(attr)  # None when it has no value, as selectolax reads it
            attr = attr.next
        return found

    cdef dict _learn_names(self, FastNode node):
        """selectolax's attributes of ``node``, learning the name of each attribute id from
        them. Only when each attribute has its own key: two raw names that decode to one
        (bytes that are not UTF-8, each read as U+FFFD) share a key, and pairing keys with
        attributes in order would then give the attributes after them the wrong names."""
        cdef dict found = node.lexbor().attributes
        cdef lxb_dom_attr_t *attr = <lxb_dom_attr_t *> (<element_t *> node.ptr).first_attr
        cdef uintptr_t name_id
        cdef Py_ssize_t count = 0
        while attr != NULL:
            count += 1
            attr = attr.next
        if count != len(found):
            return found
        attr = <lxb_dom_attr_t *> (<element_t *> node.ptr).first_attr
        for name in found:
            if attr == NULL:
                break
            name_id = attr.qualified_name if attr.qualified_name != 0 else attr.node.local_name
            self.attribute_names[name_id] = name
            attr = attr.next
        return found

    def prefetch(self, list queries):
        """Answer ``scope.css(query)`` for ``queries`` = [(query, scope FastNode or None
        for the root element)] by one walk; each answer is then handed out by the first
        ``css(query)`` call on its scope (crawler/_fastwalk.pxi)."""
        _prefetch(self, queries, NULL)

    def css(self, str query):
        """``parser.css(query)`` (from the root element) as FastNodes."""
        root = self.parser.root
        if root is None:
            return []
        return self.wrap((<LexborNode> root).node).css(query)

    @property
    def body(self):
        found = self.parser.body
        if found is None:
            return None
        return self.wrap((<LexborNode> found).node)

    def release(self):
        """Forget the nodes: drop them (they refer back to the view) and their memos. The
        view must not be used afterwards."""
        cdef list nodes = self.nodes
        self.nodes = []
        self.answers = {}
        _drop_memos(nodes)

    def __dealloc__(self):
        _free_table(<FactsTable *> self.table)
        self.table = NULL


cdef void _drop_memos(list nodes) noexcept:
    """Clear the memos of ``nodes`` (FastDoc.release). FastNodes are not tracked by the
    garbage collector: a memo that refers back to its node (placement's block) would
    otherwise keep both alive for good."""
    cdef Py_ssize_t index
    for index in range(len(nodes)):
        (<FastNode> PyList_GET_ITEM(nodes, index)).memo = None


#: The tag names of lexbor's fixed tag ids (an element without a qualified name of its own
#: is named by its id: the same name in every document), each read once from selectolax
#: and interned (a comparison with a literal name then finds the very object).
cdef PyObject *_FIXED_TAG_NAMES[LXB_TAG__LAST_ENTRY]


cdef str _fixed_tag_name(FastNode node, uintptr_t tag_id):
    """FastDoc.tag_of ``node``, an element without a qualified name whose tag id
    ``tag_id`` is one of lexbor's fixed ones."""
    cdef object name
    if _FIXED_TAG_NAMES[tag_id] == NULL:
        name = node.lexbor().tag
        if name is None:
            return None
        name = _intern(name)
        Py_INCREF(name)
        _FIXED_TAG_NAMES[tag_id] = <PyObject *> name
    return <str> _FIXED_TAG_NAMES[tag_id]


cdef inline object _attribute_value(lxb_dom_attr_t *attr):
    """An attribute's value as FastDoc.attributes_of reads it."""
    if attr.value == NULL or attr.value.data == NULL:
        return None
    return PyUnicode_DecodeUTF8(<char *> attr.value.data, attr.value.length, "replace")


@cython.no_gc
@cython.freelist(1024)
cdef class FastNode:
    """One node of a FastDoc; the subset of LexborNode the extractor reads. (Not tracked by
    the garbage collector: its only cycle, through its view, ends at ``FastDoc.release``.
    The memory of the last thousand freed is reused: a page makes hundreds.)
    Only ``FastDoc.wrap`` makes them: one made from Python would point at no node."""

    def __init__(self):
        raise TypeError("FastNode objects are made by FastDoc (crawler.treeview.view), not directly")

    cdef LexborNode lexbor(self):
        return LexborNode.new(self.ptr, self.doc.parser)

    cdef str get_tag(self):
        if not self._tag_read:
            self._tag = self.doc.tag_of(self)
            self._tag_read = True
        return self._tag

    cdef dict get_attributes(self):
        if self._attrs is None:
            if self.ptr.type != FASTDOM_ELEMENT:
                self._attrs = {}
            else:
                self._attrs = self.doc.attributes_of(self)
        return self._attrs

    cdef FastNode get_parent(self):
        if self.ptr.parent == NULL:
            return None
        return self.doc.wrap(self.ptr.parent)

    @property
    def mem_id(self):
        return <size_t> self.ptr

    @property
    def tag(self):
        return self.get_tag()

    @property
    def attributes(self):
        return self.get_attributes()

    @property
    def parent(self):
        return self.get_parent()

    @property
    def child(self):
        if self.ptr.first_child == NULL:
            return None
        return self.doc.wrap(self.ptr.first_child)

    @property
    def next(self):
        if self.ptr.next == NULL:
            return None
        return self.doc.wrap(self.ptr.next)

    cpdef list element_children(self):
        """``crawler.mainblock.element_children(self)``: the element children, in order."""
        cdef list children = []
        cdef lxb_dom_node_t *child = self.ptr.first_child
        while child != NULL:
            if child.type == FASTDOM_ELEMENT:
                children.append(self.doc.wrap(child))
            child = child.next
        return children

    @property
    def is_element_node(self):
        return self.ptr.type == FASTDOM_ELEMENT

    @property
    def is_text_node(self):
        return self.ptr.type == FASTDOM_TEXT

    @property
    def text_content(self):
        cdef lxb_dom_character_data_t *data
        if self.ptr.type != FASTDOM_TEXT:
            return None
        data = <lxb_dom_character_data_t *> self.ptr
        if data.data.data == NULL:
            return None
        return PyUnicode_DecodeUTF8(<char *> data.data.data, data.data.length, "replace")

    def text(self, bint deep=True, str separator="", bint strip=False):
        if strip:
            return self.lexbor().text(deep=deep, separator=separator, strip=strip)
        return _text(self.ptr, deep, separator.encode("utf-8") if separator else b"")

    cdef Facts *facts(self, bint deep, Facts *scratch) except? NULL:
        """The facts of ``text(deep)``: from the view's table for a node with children,
        else (a text node, an empty element) by scanning into ``scratch``."""
        return node_facts(self.doc, self.ptr, deep, scratch)

    cdef list with_tags(self, const uintptr_t *ids, Py_ssize_t count, bint first=False):
        return _with_tags(self, ids, count, first)

    def text_piece(self):
        """``crawler.mainblock.piece(self.text())``, or None (text that is not valid UTF-8)."""
        cdef Facts scratch
        cdef Facts *facts = self.facts(True, &scratch)
        return None if facts.invalid else _piece(facts)

    def paragraph_facts(self, bint deep=True):
        """(``len(text)``, ``piece(text)``, commas and fullwidth commas) of
        ``text = self.text(deep=deep)``, or None."""
        cdef Facts scratch
        cdef Facts *facts = self.facts(deep, &scratch)
        if facts.invalid:
            return None
        return facts.chars, _piece(facts), facts.commas + facts.wide_commas

    def anchor_text(self):
        """(``" ".join(text.split())``, ``piece(text)``) of ``text = self.text()``, or None."""
        cdef Facts facts
        cdef Words *out = _scratch_words()
        try:
            _scan_node(self.ptr, True, False, &facts, out)
            if facts.invalid:
                return None
            return _words_text(out, out.length), _piece(&facts)
        finally:
            _trim_scratch()

    def collapsed_prefix(self, Py_ssize_t room):
        """``collapsed_text()[:room]``, reading only as many text nodes as it takes, or
        None (text that is not valid UTF-8 before the prefix is complete)."""
        cdef Facts facts
        cdef Words *out
        if room <= 0:
            return ""
        out = _scratch_words()
        try:
            _scan_node(self.ptr, True, True, &facts, out, room)
            if facts.invalid:
                return None
            return _words_text(out, min(out.length, room))
        finally:
            _trim_scratch()

    def collapsed_text(self, bint spaced=True):
        """``" ".join(self.text(separator=" " if spaced else "").split())``, or None."""
        return self.collapsed(spaced)

    cdef str collapsed(self, bint spaced):
        """``collapsed_text(spaced)`` for the compiled modules, without a Python call."""
        cdef Facts facts
        return _collapsed_of(self.ptr, spaced, &facts)

    cdef list with_classes(self, tuple names):
        return _with_classes(self, names)

    cdef list with_attributes(self, tuple wanted):
        return _with_attributes(self, wanted)

    def css(self, str query):
        cdef uintptr_t[MAX_TAGS] ids
        cdef Py_ssize_t count
        cdef tuple classes, attributes
        cdef NodeFacts *facts
        if self.doc.answers:
            found = self.doc.answers.pop((query, <size_t> self.ptr), None)
            if found is not None:
                return found
        if self.ptr.first_child != NULL and query == "a":
            # The <a> elements below: a range of the facts table's list (no walk).
            facts = self.doc.facts_of(self.ptr)
            if facts != NULL:
                return _anchors_within(self.doc, <FactsTable *> self.doc.table, facts)
        count = _tag_query(query, ids)
        if count:
            return self.with_tags(ids, count)
        classes = _class_query(query)
        if classes:
            return self.with_classes(classes)
        attributes = _attr_query(query)
        if attributes:
            return self.with_attributes(attributes)
        return self.doc.wrap_all(self.lexbor().css(query))

    def css_first(self, str query):
        cdef uintptr_t[MAX_TAGS] ids
        cdef Py_ssize_t count = _tag_query(query, ids)
        cdef list first
        if count:
            first = self.with_tags(ids, count, True)
            return first[0] if first else None
        found = self.lexbor().css_first(query)
        if found is None:
            return None
        return self.doc.wrap((<LexborNode> found).node)


cdef Py_ssize_t anchors_below(FastNode node, lxb_dom_node_t ***anchors) except -2:
    """``node.css("a")`` as the facts table holds it, for the compiled modules: how many
    (their lexbor nodes from ``anchors[0]`` on, in document order, not wrapped), or -1 when
    the table does not answer (``node`` has no children: ask ``css``)."""
    cdef NodeFacts *facts
    cdef size_t first, end
    if node.ptr.first_child == NULL:
        return -1
    facts = node.doc.facts_of(node.ptr)
    if facts == NULL:
        return -1
    first = _anchors_span(<FactsTable *> node.doc.table, facts, &end)
    anchors[0] = (<FactsTable *> node.doc.table).anchors + first
    return end - first


cdef FastNode wrapped(FastDoc doc, lxb_dom_node_t *ptr):
    """The FastNode ``doc.wrap(ptr)`` gave, or None when it has not wrapped ``ptr`` (none
    is made)."""
    return _wrapped(doc, ptr)


cdef inline FastNode _wrapped(FastDoc doc, lxb_dom_node_t *ptr):
    """``wrapped``: ``ptr.user`` read as a place in ``doc.nodes`` and checked (FastDoc.wrap)."""
    cdef FastNode node
    cdef size_t place = <size_t> ptr.user
    if place != 0 and place <= <size_t> len(doc.nodes):
        node = <FastNode> doc.nodes[place - 1]
        if node.ptr == ptr:
            return node
    return None


cdef str anchor_of(FastNode node, Facts *facts):
    """The anchor of ``node.anchor_text()``, its text's facts in ``facts`` (their piece:
    ``facts_piece``), for the compiled modules: no Python method call, no pair made (one
    per link of a page). None when the text is not valid UTF-8."""
    cdef str anchor = _lone_ascii_text(node.ptr, facts)
    if anchor is not None:
        return anchor
    return _collapsed_of(node.ptr, False, facts)


#: The longest text _lone_ascii_text reads (in bytes): anchors are short.
DEF LONE_TEXT_BYTES = 256


cdef str _lone_ascii_text(lxb_dom_node_t *ptr, Facts *facts):
    """``_collapsed_of(ptr, False, facts)`` when ``ptr``'s only child is a text node of at
    most LONE_TEXT_BYTES ASCII bytes (most anchors): the words and facts read in one pass,
    as _scan reads them, and the words copied straight into the str; else None (nothing
    written to ``facts``)."""
    cdef lxb_dom_node_t *child = ptr.first_child
    cdef lxb_dom_character_data_t *text
    cdef const unsigned char *data
    cdef unsigned char[LONE_TEXT_BYTES] words
    cdef Py_ssize_t index, length, count = 0, count_words = 0, commas = 0
    cdef unsigned char kind
    cdef bint in_word = False
    cdef str anchor
    if child == NULL or child.next != NULL or child.local_name != FASTDOM_TAG_TEXT:
        return None
    text = <lxb_dom_character_data_t *> child
    data = text.data.data
    length = text.data.length
    if data == NULL or length == 0 or length > LONE_TEXT_BYTES:
        return None
    for index in range(length):
        kind = _BYTE_CLASS[data[index]]
        if kind == _SPACE_BYTE:
            in_word = False
            continue
        if kind == _OTHER_BYTE:
            return None
        if not in_word:
            in_word = True
            count_words += 1
            if count_words > 1:
                words[count] = 32
                count += 1
        commas += kind  # (_COMMA_BYTE is 1, _WORD_BYTE 0)
        words[count] = data[index]
        count += 1
    facts.chars = length
    facts.words = count_words
    facts.word_chars = count - count_words + 1 if count_words else 0
    facts.commas = commas
    facts.wide_commas = 0
    facts.lead = _BYTE_CLASS[data[0]] == _SPACE_BYTE
    facts.trail = not in_word
    facts.in_word = in_word
    facts.invalid = False
    if count == 0:
        return ""
    anchor = PyUnicode_New(count, 127)
    memcpy(PyUnicode_1BYTE_DATA(anchor), words, count)
    return anchor


cdef str _collapsed_of(lxb_dom_node_t *ptr, bint spaced, Facts *facts):
    """The collapsed text under ``ptr``, written through the kept scratch buffer, its facts
    in ``facts``; None when it is not valid UTF-8."""
    cdef Words *out = _scratch_words()
    try:
        _scan_node(ptr, True, spaced, facts, out)
        if facts.invalid:
            return None
        return _words_text(out, out.length)
    finally:
        _trim_scratch()


@cython.final
@cython.no_gc
cdef class TextReader:
    """A node's collapsed text, its text nodes spaced (``collapsed_text()``), read in steps,
    each going on from the text node where the one before stopped: crawler._fastlinks's
    context reads a long block so, as far as its links' windows need, reading each text
    node once however many steps it takes."""

    def __cinit__(self):
        self.words = calloc(1, sizeof(Words))
        if self.words == NULL:
            raise MemoryError()
        _clear(&self.facts)

    def __dealloc__(self):
        if self.words != NULL:
            free((<Words *> self.words).data)
            free(self.words)

    cdef str read(self, Py_ssize_t room):
        """The text read so far, having read on (whole text nodes at a time) until it holds
        ``room`` code points or all of it (``whole``); None when the text met is not valid
        UTF-8."""
        cdef Words *out = <Words *> self.words
        if not self.whole and out.length < room:
            _read_on(self, room)
        if self.facts.invalid:
            return None
        return _words_text(out, out.length)


cdef TextReader text_reader(FastNode node):
    """A TextReader of ``node``'s text, nothing read yet (``node`` has children)."""
    cdef TextReader reader = TextReader.__new__(TextReader)
    reader.root = node.ptr
    reader.next = node.ptr.first_child
    reader.whole = reader.next == NULL
    return reader


cdef int _read_on(TextReader reader, Py_ssize_t enough) except -1:
    """Read ``reader``'s text nodes on, as ``_scan_node(root, True, True, ...)`` reads them
    (``_scan_text``: one of nothing but white space needs no ``_scan``), until its words
    hold ``enough`` code points, its text ends or is not valid UTF-8."""
    cdef lxb_dom_node_t *node = reader.next
    cdef lxb_dom_node_t *root = reader.root
    cdef Words *out = <Words *> reader.words
    cdef lxb_dom_character_data_t *text
    cdef bint enough_read = False
    while node != NULL and not enough_read:
        if node.local_name == FASTDOM_TAG_TEXT:
            text = <lxb_dom_character_data_t *> node
            if text.data.data != NULL:
                reader.facts.in_word = False
                _scan_text(node, &reader.facts, out)
                if reader.facts.invalid:
                    node = NULL
                    break
                enough_read = out.length >= enough
        if node.first_child != NULL:
            node = node.first_child
        else:
            node = after_subtree(node, root)
    reader.next = node
    reader.whole = node == NULL
    return 0


cdef tuple facts_piece(Facts *facts):
    """crawler.mainblock.piece of the text ``facts`` were read from."""
    return _piece(facts)


cdef Facts *node_facts(FastDoc doc, lxb_dom_node_t *node, bint deep, Facts *scratch) except? NULL:
    """FastNode.facts of ``node`` of ``doc``, read without wrapping it: from the view's table
    for a node with children, else (a text node, an empty element) by scanning into
    ``scratch``."""
    cdef NodeFacts *found
    if node.first_child != NULL:
        found = doc.facts_of(node)
        if found != NULL:
            return &found.deep if deep else &found.own
    _scan_node(node, deep, False, scratch, NULL)
    return scratch


cdef str learn_attribute_name(FastDoc doc, lxb_dom_attr_t *attr):
    """The key selectolax's ``attributes`` gives ``attr``: lexbor's qualified name of it
    (lxb_dom_attr_qualified_name: the entry of its qualified name id, else of its local
    name id, in lexbor's fixed table or the document's), decoded as selectolax decodes it;
    ``doc`` learns it for that id (FastDoc.attribute_names), as ``_learn_names`` would
    without building the element's attribute dict. None for an id lexbor has no entry for."""
    cdef uintptr_t name_id = attr.qualified_name if attr.qualified_name != 0 else attr.node.local_name
    cdef const hash_entry_t *entry = _qualified_name_entry(attr)
    cdef str name
    if entry == NULL:
        return None
    name = PyUnicode_DecodeUTF8(<const char *> lexbor_hash_entry_str(entry), entry.length, "replace")
    doc.attribute_names[name_id] = name
    return name
