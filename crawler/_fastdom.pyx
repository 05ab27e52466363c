# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""A read-only view of a parsed lexbor tree with cheap node access (compiled).

``FastDoc(parser)`` wraps a ``selectolax.lexbor.LexborHTMLParser``; its nodes (``FastNode``)
answer the part of ``LexborNode``'s interface the extractor uses (``tag``, ``attributes``,
``parent``, ``child``, ``next``, ``mem_id``, ``is_element_node``, ``is_text_node``,
``text_content``, ``text()``, ``css()``, ``css_first()``) with the same values, but each
node is one object per document (so parent, child and sibling steps are pointer reads and
a cached object, not a new wrapper per access) and its tag and attributes are read once.
The tree must not change while a view is in use (the extractor strips scripts first).

Struct fields are read directly from the lexbor headers of the selectolax release this
module was compiled against (pinned in pyproject.toml); ``SELECTOLAX_VERSION`` names it, and
``crawler.treeview`` refuses this module when the installed selectolax differs.
"""

from cpython.unicode cimport Py_UNICODE_ISSPACE, PyUnicode_DecodeUTF8
from libc.stdint cimport uintptr_t
from libc.stdlib cimport calloc, free, malloc, realloc
from libc.string cimport memcpy
cimport cython
from selectolax.lexbor cimport LexborHTMLParser, LexborNode, lxb_dom_attr_t, lxb_dom_character_data_t, lxb_dom_node_t

cdef extern from "lexbor/dom/interfaces/element.h":
    ctypedef struct element_t "lxb_dom_element_t":
        lxb_dom_node_t node
        uintptr_t upper_name
        uintptr_t qualified_name
        void *is_value
        void *first_attr

cdef extern from *:
    """
    #define FASTDOM_ELEMENT 1
    #define FASTDOM_TEXT 3
    #define FASTDOM_TAG_TEXT 2
    """
    int FASTDOM_ELEMENT
    int FASTDOM_TEXT
    int FASTDOM_TAG_TEXT


cdef struct Buffer:
    char *data
    Py_ssize_t length
    Py_ssize_t size
    Py_ssize_t count  # fragments added


cdef int _append(Buffer *buffer, const char *data, Py_ssize_t length) except -1:
    cdef Py_ssize_t needed = buffer.length + length
    cdef Py_ssize_t size
    cdef char *grown
    if needed > buffer.size:
        size = buffer.size * 2 if buffer.size else 256
        while size < needed:
            size *= 2
        grown = <char *> realloc(buffer.data, size)
        if grown == NULL:
            raise MemoryError()
        buffer.data = grown
        buffer.size = size
    if length:
        memcpy(buffer.data + buffer.length, data, length)
    buffer.length = needed
    return 0


cdef inline int _add_text(Buffer *buffer, lxb_dom_node_t *node, const char *separator,
                          Py_ssize_t separator_length) except -1:
    """Append a text node's data, after the separator when it is not the first fragment
    (selectolax's TextContainer: ``separator.join(fragments)``)."""
    cdef lxb_dom_character_data_t *text = <lxb_dom_character_data_t *> node
    if text.data.data == NULL:
        return 0
    if buffer.count > 0 and separator_length > 0:
        _append(buffer, separator, separator_length)
    _append(buffer, <const char *> text.data.data, text.data.length)
    buffer.count += 1
    return 0


cdef extern from "Python.h":
    object PyUnicode_FromKindAndData(int kind, const void *buffer, Py_ssize_t size)
    int PyUnicode_4BYTE_KIND


cdef struct Words:
    # The collapsed text being written (code points), when wanted.
    Py_UCS4 *data
    Py_ssize_t length
    Py_ssize_t size


cdef int _reserve(Words *out, Py_ssize_t more) except -1:
    """Room for ``more`` code points (a text of n bytes has at most n code points)."""
    cdef Py_ssize_t size
    cdef Py_UCS4 *grown
    if out.length + more <= out.size:
        return 0
    size = out.size * 2 if out.size else 256
    while size < out.length + more:
        size *= 2
    grown = <Py_UCS4 *> realloc(out.data, size * sizeof(Py_UCS4))
    if grown == NULL:
        raise MemoryError()
    out.data = grown
    out.size = size
    return 0


cdef inline bint _continuation(unsigned char byte) noexcept:
    return (byte & 0xC0) == 0x80


cdef int _scan(const unsigned char *data, Py_ssize_t length, Facts *facts, Words *out) except -1:
    """Read UTF-8 ``data`` into ``facts`` (white space as ``str.split`` sees it) and, when
    ``out`` is given, write its words separated by one space. Bytes that are not valid
    UTF-8 (where Python's decoder would put U+FFFD) set ``facts.invalid`` and stop: the
    caller then answers with the plain Python computation."""
    cdef Py_ssize_t i = 0
    cdef unsigned char byte, second
    cdef Py_UCS4 code
    cdef bint space
    if out != NULL:
        _reserve(out, length + 1)  # each code point, and one space before the first word
    while i < length:
        byte = data[i]
        if byte < 0x80:
            code = byte
            i += 1
        elif byte < 0xC2:
            facts.invalid = True
            return 0
        elif byte < 0xE0:
            if i + 1 >= length or not _continuation(data[i + 1]):
                facts.invalid = True
                return 0
            code = ((byte & 0x1F) << 6) | (data[i + 1] & 0x3F)
            i += 2
        elif byte < 0xF0:
            if i + 2 >= length:
                facts.invalid = True
                return 0
            second = data[i + 1]
            if (not _continuation(second) or not _continuation(data[i + 2])
                    or (byte == 0xE0 and second < 0xA0) or (byte == 0xED and second > 0x9F)):
                facts.invalid = True
                return 0
            code = ((byte & 0x0F) << 12) | ((second & 0x3F) << 6) | (data[i + 2] & 0x3F)
            i += 3
        elif byte < 0xF5:
            if i + 3 >= length:
                facts.invalid = True
                return 0
            second = data[i + 1]
            if (not _continuation(second) or not _continuation(data[i + 2]) or not _continuation(data[i + 3])
                    or (byte == 0xF0 and second < 0x90) or (byte == 0xF4 and second > 0x8F)):
                facts.invalid = True
                return 0
            code = (((byte & 0x07) << 18) | ((second & 0x3F) << 12) | ((data[i + 2] & 0x3F) << 6)
                    | (data[i + 3] & 0x3F))
            i += 4
        else:
            facts.invalid = True
            return 0
        space = Py_UNICODE_ISSPACE(code)
        if facts.chars == 0:
            facts.lead = space
        facts.trail = space
        facts.chars += 1
        if space:
            facts.in_word = False
            continue
        if not facts.in_word:
            facts.in_word = True
            facts.words += 1
            if out != NULL and facts.words > 1:
                out.data[out.length] = 32
                out.length += 1
        facts.word_chars += 1
        if out != NULL:
            out.data[out.length] = code
            out.length += 1
        if code == 0x2C:
            facts.commas += 1
        elif code == 0xFF0C:
            facts.wide_commas += 1
    return 0


cdef int _scan_node(lxb_dom_node_t *root, bint deep, bint spaced, Facts *facts, Words *out,
                    Py_ssize_t enough=-1) except -1:
    """Scan the text ``LexborNode.text(deep)`` reads (``spaced``: with a separator of white
    space between text nodes, as ``text(separator=" ")``, which only matters to words).
    With ``enough`` >= 0, stop once ``out`` holds that many code points."""
    cdef lxb_dom_node_t *node
    cdef lxb_dom_character_data_t *text
    facts.chars = facts.words = facts.word_chars = facts.commas = facts.wide_commas = 0
    facts.lead = facts.trail = facts.in_word = facts.invalid = False
    if root.type == FASTDOM_TEXT:
        text = <lxb_dom_character_data_t *> root
        if text.data.data != NULL:
            _scan(text.data.data, text.data.length, facts, out)
    node = root.first_child
    while node != NULL and not facts.invalid:
        if (node.local_name == FASTDOM_TAG_TEXT) if deep else (node.type == FASTDOM_TEXT):
            text = <lxb_dom_character_data_t *> node
            if text.data.data != NULL:
                if spaced:
                    facts.in_word = False
                _scan(text.data.data, text.data.length, facts, out)
                if enough >= 0 and out.length >= enough:
                    break
        if not deep:
            node = node.next
        elif node.first_child != NULL:
            node = node.first_child
        else:
            while node != root and node.next == NULL:
                node = node.parent
            if node == root:
                break
            node = node.next
    return 0


_NOTHING = (0, False, False, True, 0)
_BLANK = (0, True, True, True, 0)


cdef tuple _piece(Facts *facts):
    """crawler.mainblock.piece of the scanned text."""
    if facts.chars == 0:
        return _NOTHING
    if facts.words == 0:
        return _BLANK
    return (facts.word_chars + facts.words - 1, facts.lead, facts.trail, False, facts.commas)


cdef str _text(lxb_dom_node_t *root, bint deep, bytes separator):
    """``LexborNode.text(deep, separator)`` of a document's node (not a fragment root)."""
    cdef Buffer buffer
    cdef const char *sep = separator
    cdef Py_ssize_t sep_length = len(separator)
    cdef lxb_dom_node_t *node
    buffer.data = NULL
    buffer.length = buffer.size = buffer.count = 0
    try:
        if root.type == FASTDOM_TEXT:
            _add_text(&buffer, root, sep, sep_length)
        node = root.first_child
        if not deep:
            while node != NULL:
                if node.type == FASTDOM_TEXT:
                    _add_text(&buffer, node, sep, sep_length)
                node = node.next
        else:
            # lexbor's simple walk: every node under root in document order.
            while node != NULL:
                if node.local_name == FASTDOM_TAG_TEXT:
                    _add_text(&buffer, node, sep, sep_length)
                if node.first_child != NULL:
                    node = node.first_child
                else:
                    while node != root and node.next == NULL:
                        node = node.parent
                    if node == root:
                        break
                    node = node.next
        if buffer.length == 0:
            return ""
        return PyUnicode_DecodeUTF8(buffer.data, buffer.length, "replace")
    finally:
        free(buffer.data)

#: The selectolax release whose lexbor headers and struct layouts this module was built with
#: (setup.py downloads that release's sdist for the headers; pyproject.toml pins it).
SELECTOLAX_VERSION = "1.0.2"


cdef void _merge(Facts *left, const Facts *right) noexcept:
    """``left`` becomes the facts of its text followed by ``right``'s (crawler.nodetext's
    join_pieces, on the fuller facts)."""
    if right.invalid:
        left.invalid = True
    if right.chars == 0:
        return
    if left.chars == 0:
        left.lead = right.lead
    if left.in_word and not right.lead:
        left.words += right.words - 1  # the last word of left and the first of right are one
    else:
        left.words += right.words
    left.chars += right.chars
    left.word_chars += right.word_chars
    left.commas += right.commas
    left.wide_commas += right.wide_commas
    left.trail = right.trail
    left.in_word = not right.trail


cdef inline void _clear(Facts *facts) noexcept:
    facts.chars = facts.words = facts.word_chars = facts.commas = facts.wide_commas = 0
    facts.lead = facts.trail = facts.in_word = facts.invalid = False


cdef struct FactsTable:
    # Open addressing, linear probing: node pointer -> NodeFacts.
    lxb_dom_node_t **keys
    NodeFacts *values
    size_t mask
    int shift  # 64 - log2(size): Fibonacci hashing takes the product's high bits


cdef inline size_t _slot(FactsTable *table, lxb_dom_node_t *key) noexcept:
    return <size_t> (((<unsigned long long> key) * 11400714819323198485ULL) >> table.shift)


cdef NodeFacts *_find(FactsTable *table, lxb_dom_node_t *key) noexcept:
    cdef size_t slot = _slot(table, key)
    while table.keys[slot] != NULL:
        if table.keys[slot] == key:
            return &table.values[slot]
        slot = (slot + 1) & table.mask
    return NULL


cdef NodeFacts *_add(FactsTable *table, lxb_dom_node_t *key) noexcept:
    cdef size_t slot = _slot(table, key)
    while table.keys[slot] != NULL:
        slot = (slot + 1) & table.mask
    table.keys[slot] = key
    return &table.values[slot]


cdef void _free_table(FactsTable *table) noexcept:
    if table != NULL:
        free(table.keys)
        free(table.values)
        free(table)


cdef struct Open:
    lxb_dom_node_t *node
    NodeFacts facts


cdef FactsTable *_build_table(lxb_dom_node_t *root) except NULL:
    """The text facts of every node under ``root`` (and of root) that has children, from
    one walk that reads each text node once and sums the facts up the tree."""
    cdef size_t count = 1
    cdef size_t size = 16
    cdef lxb_dom_node_t *node = root.first_child
    cdef FactsTable *table
    cdef Open *stack = NULL
    cdef Open *grown
    cdef Py_ssize_t depth = 0, room = 0
    cdef Facts text_facts
    cdef NodeFacts *done
    cdef lxb_dom_character_data_t *text
    # Count the nodes with children (the walk of _scan_node), to size the table.
    while node != NULL:
        if node.first_child != NULL:
            count += 1
            node = node.first_child
            continue
        while node != root and node.next == NULL:
            node = node.parent
        if node == root:
            break
        node = node.next
    cdef int bits = 4
    while size < 2 * count:
        size *= 2
        bits += 1
    table = <FactsTable *> calloc(1, sizeof(FactsTable))
    if table == NULL:
        raise MemoryError()
    table.keys = <lxb_dom_node_t **> calloc(size, sizeof(lxb_dom_node_t *))
    table.values = <NodeFacts *> calloc(size, sizeof(NodeFacts))
    table.mask = size - 1
    table.shift = 64 - bits
    if table.keys == NULL or table.values == NULL:
        _free_table(table)
        raise MemoryError()
    try:
        # Depth-first; each open node sums its children's facts, and hands its own to its
        # parent when it is done.
        room = 64
        stack = <Open *> malloc(room * sizeof(Open))
        if stack == NULL:
            raise MemoryError()
        stack[0].node = root
        _clear(&stack[0].facts.deep)
        _clear(&stack[0].facts.own)
        depth = 1
        node = root.first_child
        while depth > 0:
            if node == NULL:
                depth -= 1
                done = _add(table, stack[depth].node)
                done[0] = stack[depth].facts
                if depth > 0:
                    _merge(&stack[depth - 1].facts.deep, &done.deep)
                node = stack[depth].node.next if depth > 0 else NULL
                continue
            if node.local_name == FASTDOM_TAG_TEXT or node.type == FASTDOM_TEXT:
                text = <lxb_dom_character_data_t *> node
                if text.data.data != NULL:
                    _clear(&text_facts)
                    _scan(text.data.data, text.data.length, &text_facts, NULL)
                    if node.local_name == FASTDOM_TAG_TEXT:
                        _merge(&stack[depth - 1].facts.deep, &text_facts)
                    if node.type == FASTDOM_TEXT:
                        _merge(&stack[depth - 1].facts.own, &text_facts)
            if node.first_child != NULL:
                if depth == room:
                    room *= 2
                    grown = <Open *> realloc(stack, room * sizeof(Open))
                    if grown == NULL:
                        raise MemoryError()
                    stack = grown
                stack[depth].node = node
                _clear(&stack[depth].facts.deep)
                _clear(&stack[depth].facts.own)
                depth += 1
                node = node.first_child
            else:
                node = node.next
    except BaseException:
        _free_table(table)
        raise
    finally:
        free(stack)
    return table


cdef class FastDoc:
    """The view of one parsed document; ``wrap`` gives each lexbor node one FastNode."""

    cdef NodeFacts *facts_of(self, lxb_dom_node_t *node) except? NULL:
        """The text facts of ``node`` (which has children), the table built on first use."""
        if self.table == NULL:
            self.table = _build_table(&self.parser.document.dom_document.node)
        return _find(<FactsTable *> self.table, node)

    def __cinit__(self, LexborHTMLParser parser):
        self.parser = parser
        self.nodes = []
        self.tags = {}
        self.attribute_names = {}

    cdef FastNode wrap(self, lxb_dom_node_t *ptr):
        # A node's FastNode is kept in lexbor's spare per-node pointer (``user``, which
        # neither lexbor's parser nor selectolax uses); ``release`` clears it.
        cdef FastNode node
        if ptr.user != NULL:
            node = <FastNode> ptr.user
            if node.doc is self:
                return node
        node = FastNode.__new__(FastNode)
        node.ptr = ptr
        node.doc = self
        self.nodes.append(node)
        ptr.user = <void *> node
        return node

    cdef list wrap_all(self, list found):
        cdef list out = []
        cdef LexborNode item
        for item in found:
            out.append(self.wrap(item.node))
        return out

    cdef str tag_of(self, FastNode node):
        cdef element_t *element = <element_t *> node.ptr
        cdef object key
        cdef object name
        if node.ptr.type != FASTDOM_ELEMENT or element.qualified_name != 0:
            return node.lexbor().tag
        key = element.node.local_name
        name = self.tags.get(key)
        if name is None:
            name = node.lexbor().tag
            self.tags[key] = name
        return name

    cdef dict attributes_of(self, FastNode node):
        """``LexborNode.attributes``: qualified name -> value (None when it has none). Names
        are cached by lexbor's attribute id (one per name and document)."""
        cdef lxb_dom_attr_t *attr = <lxb_dom_attr_t *> (<element_t *> node.ptr).first_attr
        cdef dict found = {}
        cdef dict names = self.attribute_names
        cdef object name
        cdef uintptr_t name_id
        while attr != NULL:
            name_id = attr.qualified_name if attr.qualified_name != 0 else attr.node.local_name
            name = names.get(name_id)
            if name is None:
                return self._learn_names(node)
            if attr.value == NULL:
                found[name] = None
            else:
                found[name] = PyUnicode_DecodeUTF8(<char *> attr.value.data, attr.value.length, "replace")
            attr = attr.next
        return found

    cdef dict _learn_names(self, FastNode node):
        cdef dict found = node.lexbor().attributes
        cdef lxb_dom_attr_t *attr = <lxb_dom_attr_t *> (<element_t *> node.ptr).first_attr
        cdef uintptr_t name_id
        for name in found:
            if attr == NULL:
                break
            name_id = attr.qualified_name if attr.qualified_name != 0 else attr.node.local_name
            self.attribute_names[name_id] = name
            attr = attr.next
        return found

    def css(self, str query):
        """``parser.css(query)`` as FastNodes."""
        return self.wrap_all(self.parser.css(query))

    @property
    def body(self):
        found = self.parser.body
        if found is None:
            return None
        return self.wrap((<LexborNode> found).node)

    def release(self):
        """Forget the nodes: clear the tree's pointers to them and drop them (they refer
        back to the view). The view must not be used afterwards."""
        cdef FastNode node
        for node in self.nodes:
            if node.ptr.user == <void *> node:
                node.ptr.user = NULL
            # FastNodes are not tracked by the garbage collector: a memo that refers back
            # to its node (placement's block) would otherwise never be freed.
            node.memo = None
        self.nodes = []

    def __dealloc__(self):
        cdef FastNode node
        _free_table(<FactsTable *> self.table)
        self.table = NULL
        if self.nodes:
            for node in self.nodes:
                if node.ptr.user == <void *> node:
                    node.ptr.user = NULL


@cython.no_gc
cdef class FastNode:
    """One node of a FastDoc; the subset of LexborNode the extractor reads. (Not tracked by
    the garbage collector: its only cycle, through its view, ends at ``FastDoc.release``.)"""

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
        cdef NodeFacts *found
        if self.ptr.first_child != NULL:
            found = self.doc.facts_of(self.ptr)
            if found != NULL:
                return &found.deep if deep else &found.own
        _scan_node(self.ptr, deep, False, scratch, NULL)
        return scratch

    def text_piece(self):
        """``crawler.mainblock.piece(self.text())``, or None (text that is not valid UTF-8)."""
        cdef Facts scratch
        cdef Facts *facts = self.facts(True, &scratch)
        return None if facts.invalid else _piece(facts)

    def text_length(self):
        """``len(self.text())``, or None."""
        cdef Facts scratch
        cdef Facts *facts = self.facts(True, &scratch)
        return None if facts.invalid else facts.chars

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
        cdef Words out
        out.data = NULL
        out.length = out.size = 0
        try:
            _scan_node(self.ptr, True, False, &facts, &out)
            if facts.invalid:
                return None
            if out.length == 0:
                return "", _piece(&facts)
            return PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, out.data, out.length), _piece(&facts)
        finally:
            free(out.data)

    def collapsed_prefix(self, Py_ssize_t room):
        """``collapsed_text()[:room]``, reading only as many text nodes as it takes, or
        None (text that is not valid UTF-8 before the prefix is complete)."""
        cdef Facts facts
        cdef Words out
        out.data = NULL
        out.length = out.size = 0
        if room <= 0:
            return ""
        try:
            _scan_node(self.ptr, True, True, &facts, &out, room)
            if facts.invalid:
                return None
            if out.length == 0:
                return ""
            return PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, out.data, min(out.length, room))
        finally:
            free(out.data)

    def collapsed_text(self, bint spaced=True):
        """``" ".join(self.text(separator=" " if spaced else "").split())``, or None."""
        cdef Facts facts
        cdef Words out
        out.data = NULL
        out.length = out.size = 0
        try:
            _scan_node(self.ptr, True, spaced, &facts, &out)
            if facts.invalid:
                return None
            if out.length == 0:
                return ""
            return PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, out.data, out.length)
        finally:
            free(out.data)

    def css(self, str query):
        return self.doc.wrap_all(self.lexbor().css(query))

    def css_first(self, str query):
        found = self.lexbor().css_first(query)
        if found is None:
            return None
        return self.doc.wrap((<LexborNode> found).node)
