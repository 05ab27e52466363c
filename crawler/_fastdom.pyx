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

from cpython.unicode cimport PyUnicode_DecodeUTF8
from libc.stdint cimport uintptr_t
from selectolax.lexbor cimport (
    LexborHTMLParser,
    LexborNode,
    lxb_dom_character_data_t,
    lxb_dom_node_t,
)

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
    """
    int FASTDOM_ELEMENT
    int FASTDOM_TEXT

#: The selectolax release whose lexbor headers and struct layouts this module was built with
#: (setup.py downloads that release's sdist for the headers; pyproject.toml pins it).
SELECTOLAX_VERSION = "1.0.2"


cdef class FastDoc:
    """The view of one parsed document; ``wrap`` gives each lexbor node one FastNode."""

    cdef readonly LexborHTMLParser parser
    cdef dict nodes
    cdef dict tags

    def __cinit__(self, LexborHTMLParser parser):
        self.parser = parser
        self.nodes = {}
        self.tags = {}

    cdef FastNode wrap(self, lxb_dom_node_t *ptr):
        cdef object key = <size_t> ptr
        cdef object found = self.nodes.get(key)
        cdef FastNode node
        if found is not None:
            return <FastNode> found
        node = FastNode.__new__(FastNode)
        node.ptr = ptr
        node.doc = self
        self.nodes[key] = node
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
        """Drop the nodes (they refer back to the view)."""
        self.nodes.clear()


cdef class FastNode:
    """One node of a FastDoc; the subset of LexborNode the extractor reads."""

    cdef lxb_dom_node_t *ptr
    cdef FastDoc doc
    cdef object _tag
    cdef object _attrs
    cdef bint _tag_read

    cdef LexborNode lexbor(self):
        return LexborNode.new(self.ptr, self.doc.parser)

    @property
    def mem_id(self):
        return <size_t> self.ptr

    @property
    def tag(self):
        if not self._tag_read:
            self._tag = self.doc.tag_of(self)
            self._tag_read = True
        return self._tag

    @property
    def attributes(self):
        if self._attrs is None:
            if self.ptr.type == FASTDOM_ELEMENT and (<element_t *> self.ptr).first_attr == NULL:
                self._attrs = {}
            else:
                self._attrs = self.lexbor().attributes
        return self._attrs

    @property
    def parent(self):
        if self.ptr.parent == NULL:
            return None
        return self.doc.wrap(self.ptr.parent)

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
        return self.lexbor().text(deep=deep, separator=separator, strip=strip)

    def css(self, str query):
        return self.doc.wrap_all(self.lexbor().css(query))

    def css_first(self, str query):
        found = self.lexbor().css_first(query)
        if found is None:
            return None
        return self.doc.wrap((<LexborNode> found).node)
