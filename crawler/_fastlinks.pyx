# cython: language_level=3, boundscheck=False, wraparound=False
"""crawler.links' two passes over a page's links, compiled, for the compiled view.

``collect(dom, resolve, texts)`` and ``emit(found, placement, place, page_nofollow_by)``
return what ``links._collect`` and ``links._emit`` return, and ``FastContext`` answers as
``links._Context`` does; anchors and context windows are read from the FastNodes' text in
C. The Python functions are the reference: a change there must be made here too
(tests/test_treeview.py compares both paths on the corpus and a sandbox web).
"""

cimport cython
from cpython.object cimport PyObject
from cpython.pyport cimport PY_SSIZE_T_MAX
from cpython.ref cimport Py_DECREF, Py_INCREF
from cpython.unicode cimport Py_UNICODE_ISSPACE, PyUnicode_DecodeUTF8, PyUnicode_Find
from libc.stdint cimport uintptr_t
from libc.stdlib cimport free, realloc
from selectolax.lexbor cimport (
    LXB_DOM_NODE_TYPE_ELEMENT,
    LXB_TAG__TEXT,
    LXB_TAG_A,
    LXB_TAG_AREA,
    LXB_TAG_FORM,
    LXB_TAG_FRAME,
    LXB_TAG_IFRAME,
    LXB_TAG_IMG,
    LXB_TAG_LINK,
    LXB_TAG_META,
    lxb_dom_attr_t,
    lxb_dom_character_data_t,
    lxb_dom_node_t,
)

from crawler._fastdom cimport (
    Facts, FastDoc, FastNode, NodeFacts, TextReader, after_subtree, anchor_of, facts_piece, learn_attribute_name,
    prefetch_line, text_reader,
)
from crawler._fastplace cimport FastPlacement, Place

from dataclasses import fields
from types import MemberDescriptorType

from crawler.items import Link

from crawler.links import (
    _HEAD_KINDS,
    _REL_KINDS,
    CONTEXT_CHARS,
    CONTEXT_TEXT_BUDGET,
    LINK_SELECTOR,
    _image_anchor,
    _rel_flags,
    make_link,
)
from crawler.nodetext import anchor_text, collapsed_text
from crawler.pagefacts import meta_refresh_target
from crawler.placement import _KEEP_REGIONS, _ZONE_POSITION, BLOCK, HIDDEN, LANDMARK, REGION, ZONE, Z_IN

include "_fasturls.pxi"
include "_fasthidden.pxi"

cdef frozenset _HEAD = _HEAD_KINDS
cdef frozenset _REL = _REL_KINDS
cdef frozenset _KEEP = _KEEP_REGIONS
cdef dict _ZONES = _ZONE_POSITION
cdef Py_ssize_t _CHARS = CONTEXT_CHARS
cdef long _ZONE_IN = Z_IN

cdef extern from "Python.h":
    ctypedef struct PyMemberDef:
        int type
        Py_ssize_t offset
        int flags
    ctypedef struct PyMemberDescrObject:
        PyMemberDef *d_member
    int T_OBJECT_EX
    int READONLY
    # str.find (``direction`` 1) and str.rfind (-1) of one character, without boxing the bounds.
    Py_ssize_t PyUnicode_FindChar(str text, Py_UCS4 character, Py_ssize_t start, Py_ssize_t end,
                                  int direction) except -2
    # A new, empty dict with room for ``size`` entries (CPython's, as ``{}`` grown to that size).
    dict _PyDict_NewPresized(Py_ssize_t size)
    # The character at ``index`` of a str's ``data`` of ``kind``.
    Py_UCS4 PyUnicode_READ(int kind, void *data, Py_ssize_t index)
    # A new instance of ``kind`` (a type the garbage collector knows) as ``object.__new__(kind)``
    # allocates it, but neither tracked by the collector nor zeroed: its fields are to be
    # written, all of them, before it is used.
    PyObject *_Link_alloc "__Pyx_LinkAlloc" (object kind) except NULL
    int Py_TPFLAGS_HAVE_GC
    # Drop a reference held in a C structure.
    void _release "Py_DECREF" (PyObject *op)

cdef extern from "lexbor/dom/interfaces/element.h":
    ctypedef struct element_t "lxb_dom_element_t":
        uintptr_t qualified_name
        void *first_attr

cdef extern from "lexbor/dom/interfaces/attr_const.h":
    enum:
        LXB_DOM_ATTR__LAST_ENTRY
        LXB_DOM_ATTR_ALT
        LXB_DOM_ATTR_CONTENT
        LXB_DOM_ATTR_HREF
        LXB_DOM_ATTR_HTTP_EQUIV
        LXB_DOM_ATTR_REL
        LXB_DOM_ATTR_SRC
        LXB_DOM_ATTR_STYLE

cdef extern from *:
    """
    static PyObject *__Pyx_LinkAlloc(PyObject *kind) {
        return _PyObject_GC_New((PyTypeObject *) kind);
    }
    """


cdef Py_ssize_t[12] _OFFSETS


cdef bint _slot_offsets() except -1:
    """Fill _OFFSETS with where Link's twelve fields sit in the object, in field order
    (links.make_link's argument order); False when Link is not twelve plain object slots
    (links.make_link is then the plain constructor, or the fields differ), when
    ``object.__new__`` would do more for it than allocate (a ``__new__`` of its own, an
    abstract class) or when the twelve slots are not all of a Link past its object header
    (a ``__weakref__`` or ``__dict__`` slot, which _link would leave unwritten)."""
    cdef PyMemberDef *member
    cdef Py_ssize_t index
    if make_link is Link or Link.__new__ is not object.__new__ or getattr(Link, "__abstractmethods__", None):
        return False
    if (Link.__basicsize__ != object.__basicsize__ + 12 * sizeof(PyObject *) or Link.__itemsize__
            or Link.__dictoffset__ or Link.__weakrefoffset__ or not Link.__flags__ & Py_TPFLAGS_HAVE_GC):
        return False
    slots = tuple(getattr(Link, field.name) for field in fields(Link))
    if len(slots) != 12 or not all(type(slot) is MemberDescriptorType for slot in slots):
        return False
    for index in range(12):
        member = (<PyMemberDescrObject *> <PyObject *> slots[index]).d_member
        if member.type != T_OBJECT_EX or member.flags & READONLY:
            return False
        _OFFSETS[index] = member.offset
    return len(set(_OFFSETS)) == 12


#: True when _link may allocate a Link and write its slots directly (see _slot_offsets).
cdef bint _DIRECT = _slot_offsets()
cdef object _LINK = Link
#: The same, for tests: False means emit makes its Links with links.make_link.
DIRECT_LINKS = _DIRECT


cdef inline void _put(PyObject *link, Py_ssize_t index, object value) noexcept:
    # What the member descriptor's setter does to a new object's empty slot.
    Py_INCREF(value)
    (<PyObject **> ((<char *> link) + _OFFSETS[index]))[0] = <PyObject *> value


cdef object _link(target, anchor, rel, nofollow, ugc, sponsored, nofollow_by, kind, position, context, hidden,
                  region):
    """links.make_link: a Link allocated as object.__new__ does and its slots written as
    their descriptors would (a frozen dataclass's __init__ sets each through
    object.__setattr__). It is not tracked by the garbage collector: its fields are
    strings, booleans and a frozenset of strings, so no reference cycle can pass through
    it (as CPython stops tracking a tuple or dict of such values)."""
    cdef PyObject *link
    if not _DIRECT:
        return make_link(target, anchor, rel, nofollow, ugc, sponsored, nofollow_by, kind, position, context, hidden,
                         region)
    link = _Link_alloc(_LINK)
    _put(link, 0, target)
    _put(link, 1, anchor)
    _put(link, 2, rel)
    _put(link, 3, nofollow)
    _put(link, 4, ugc)
    _put(link, 5, sponsored)
    _put(link, 6, nofollow_by)
    _put(link, 7, kind)
    _put(link, 8, position)
    _put(link, 9, context)
    _put(link, 10, hidden)
    _put(link, 11, region)
    # <object> takes a reference of its own: the allocation's is dropped.
    result = <object> link
    Py_DECREF(result)
    return result


def new_link(target, anchor, rel, nofollow, ugc, sponsored, nofollow_by, kind, position, context, hidden, region):
    """A Link made as emit makes them (for tests)."""
    return _link(target, anchor, rel, nofollow, ugc, sponsored, nofollow_by, kind, position, context, hidden, region)


cdef str _collapsed(FastNode node, bint spaced):
    found = node.collapsed(spaced)
    return found if found is not None else collapsed_text(node, spaced)


# What collect reads of a link element's attributes, by name: the attribute it resolves
# (href, src or action, by tag), the others some tags read, and the two that make emit ask
# whether the element is hidden.
DEF NAME_OTHER = 0
DEF NAME_HREF = 1
DEF NAME_SRC = 2
DEF NAME_ACTION = 3
DEF NAME_ALT = 4
DEF NAME_REL = 5
DEF NAME_HTTP_EQUIV = 6
DEF NAME_CONTENT = 7
DEF NAME_STYLE = 8
DEF NAME_HIDDEN = 9
DEF NAME_KINDS = 10
#: Attribute ids whose name collect has looked up, per call (a page has a few dozen names).
DEF KNOWN_IDS = 32

cdef dict _NAME_KINDS = {"href": NAME_HREF, "src": NAME_SRC, "action": NAME_ACTION, "alt": NAME_ALT,
                         "rel": NAME_REL, "http-equiv": NAME_HTTP_EQUIV, "content": NAME_CONTENT,
                         "style": NAME_STYLE, "hidden": NAME_HIDDEN}
cdef tuple _KIND_NAMES = ("", "href", "src", "action", "alt", "rel", "http-equiv", "content", "style", "hidden")


#: NAME_* kind of each of lexbor's fixed attribute ids (the id is the index; "action" and
#: "hidden" have none): those names need no look-up.
cdef int _FIXED_KINDS[LXB_DOM_ATTR__LAST_ENTRY]


cdef void _fill_fixed_kinds() noexcept:
    cdef Py_ssize_t index
    for index in range(LXB_DOM_ATTR__LAST_ENTRY):
        _FIXED_KINDS[index] = NAME_OTHER
    _FIXED_KINDS[LXB_DOM_ATTR_HREF] = NAME_HREF
    _FIXED_KINDS[LXB_DOM_ATTR_SRC] = NAME_SRC
    _FIXED_KINDS[LXB_DOM_ATTR_ALT] = NAME_ALT
    _FIXED_KINDS[LXB_DOM_ATTR_REL] = NAME_REL
    _FIXED_KINDS[LXB_DOM_ATTR_HTTP_EQUIV] = NAME_HTTP_EQUIV
    _FIXED_KINDS[LXB_DOM_ATTR_CONTENT] = NAME_CONTENT
    _FIXED_KINDS[LXB_DOM_ATTR_STYLE] = NAME_STYLE


_fill_fixed_kinds()


cdef struct NameIds:
    # attribute id -> NAME_* for the ids met so far (FastDoc.attribute_names' names).
    Py_ssize_t count
    uintptr_t ids[KNOWN_IDS]
    int kinds[KNOWN_IDS]


cdef bint _read_attributes(FastDoc doc, lxb_dom_node_t *element, NameIds *known, lxb_dom_attr_t **found) except -1:
    """Point ``found[kind]`` at the element's attribute of each NAME_* kind (the last of
    that name, as the attribute dict keeps it; NULL when it has none), reading lexbor's
    attributes instead of building the dict. A fixed id's kind is known (_FIXED_KINDS);
    another name the view has not met yet is learnt from lexbor
    (_fastdom.learn_attribute_name); False when one cannot be (the caller then reads the
    dict)."""
    cdef lxb_dom_attr_t *attr = <lxb_dom_attr_t *> (<element_t *> element).first_attr
    cdef dict names = doc.attribute_names
    cdef uintptr_t name_id
    cdef Py_ssize_t index
    cdef int kind
    for index in range(NAME_KINDS):
        found[index] = NULL
    while attr != NULL:
        # FastDoc.attributes_of's key for the attribute's name.
        name_id = attr.qualified_name if attr.qualified_name != 0 else attr.node.local_name
        if 0 < name_id < LXB_DOM_ATTR__LAST_ENTRY:
            found[_FIXED_KINDS[name_id]] = attr
            attr = attr.next
            continue
        kind = -1
        for index in range(known.count):
            if known.ids[index] == name_id:
                kind = known.kinds[index]
                break
        if kind < 0:
            name = names.get(name_id)
            if name is None:
                name = learn_attribute_name(doc, attr)
                if name is None:
                    return False
            kind = _NAME_KINDS.get(name, NAME_OTHER)
            if known.count < KNOWN_IDS:
                known.ids[known.count] = name_id
                known.kinds[known.count] = kind
                known.count += 1
        found[kind] = attr
        attr = attr.next
    return True


cdef inline str _collapse(str text):
    """links._collapse."""
    return " ".join(text.split())


cdef inline object _value(lxb_dom_attr_t *attr):
    """The attribute's value as the attribute dict holds it (None: no attribute, or one
    without a value)."""
    if attr == NULL or attr.value == NULL or attr.value.data == NULL:
        return None
    return PyUnicode_DecodeUTF8(<char *> attr.value.data, attr.value.length, "replace")


cdef inline str _text_value(lxb_dom_attr_t *attr):
    """``attrs.get(name) or ""``."""
    value = _value(attr)
    return value if value else ""


cdef str _named_text(FastNode node, NameIds *known, int kind):
    """``node.attributes.get(name) or ""`` for the attribute of NAME_* ``kind``."""
    cdef lxb_dom_attr_t *named[NAME_KINDS]
    if _read_attributes(node.doc, node.ptr, known, named):
        return _text_value(named[kind])
    attrs = node.get_attributes()
    if _read_attributes(node.doc, node.ptr, known, named):
        return _text_value(named[kind])
    return attrs.get(_KIND_NAMES[kind]) or ""


cdef tuple _image_anchor_of(FastNode node, NameIds *known):
    """links._image_anchor, the images found as ``node.css("img")`` finds them (this node
    and the elements below it, in document order) and their alt attributes read from
    lexbor."""
    cdef lxb_dom_node_t *root = node.ptr
    cdef lxb_dom_node_t *at = root
    cdef lxb_dom_attr_t *named[NAME_KINDS]
    cdef list alts = None
    cdef str alt
    while True:
        if at.type == LXB_DOM_NODE_TYPE_ELEMENT and at.local_name == LXB_TAG_IMG:
            if alts is None:
                alts = []
            if _read_attributes(node.doc, at, known, named):
                alt = _collapse(_text_value(named[NAME_ALT]))
            else:
                alt = _collapse(_named_text(node.doc.wrap(at), known, NAME_ALT))
            if alt:
                alts.append(alt)
        if at.first_child != NULL:
            at = at.first_child
            continue
        at = after_subtree(at, root)
        if at == NULL:
            break
    if alts is None:
        return ("", "text")
    return (" ".join(alts), "image")


#: lexbor's id of each tag LINK_SELECTOR selects, by name.
cdef dict _LINK_TAG_IDS = {"a": LXB_TAG_A, "area": LXB_TAG_AREA, "link": LXB_TAG_LINK, "iframe": LXB_TAG_IFRAME,
                           "frame": LXB_TAG_FRAME, "form": LXB_TAG_FORM, "meta": LXB_TAG_META}


cdef inline uintptr_t _tag_id(FastNode node) except? 0:
    """lexbor's id of the tag ``node.get_tag()`` names (one of LINK_SELECTOR's; else 0):
    its local name's, when it has no qualified name of its own (as FastDoc.tag_of reads
    it)."""
    if (<element_t *> node.ptr).qualified_name == 0:
        return node.ptr.local_name
    return _LINK_TAG_IDS.get(node.get_tag(), 0)


cdef bint _names_canonical(str rel):
    """``"canonical" in links._rel_tokens(rel)``: whether a token of ``rel`` lower-cases to
    "canonical", which only its letters in either case do (no other character lower-cases
    to one of them)."""
    cdef Py_ssize_t start, index = 0
    cdef Py_ssize_t size = 0 if rel is None else len(rel)
    cdef int kind
    cdef void *data
    if size == 0:
        return False
    kind = PyUnicode_KIND(rel)
    data = PyUnicode_DATA(rel)
    while index < size:
        while index < size and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, index)):
            index += 1
        start = index
        while index < size and not Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, index)):
            index += 1
        if index - start == 9 and _spells_canonical(kind, data, start):
            return True
    return False


cdef const char *_CANONICAL_LETTERS = "canonical"


cdef inline bint _spells_canonical(int kind, void *data, Py_ssize_t start) noexcept:
    """Whether the nine characters from ``start`` of a str's ``data`` of ``kind`` are
    "canonical"'s letters, each in either case."""
    cdef Py_ssize_t index
    cdef unsigned long c
    for index in range(9):
        c = PyUnicode_READ(kind, data, start + index)
        if c >= 128 or (c | 32) != <unsigned long> _CANONICAL_LETTERS[index]:
            return False
    return True


cdef inline bint _value_in_page(lxb_dom_attr_t *attr) noexcept:
    """_in_page(the attribute's value as _text_value reads it)."""
    return attr != NULL and attr.value != NULL and attr.value.length != 0 and attr.value.data[0] == 35


cdef inline object _resolve_value(FastResolver resolve, lxb_dom_attr_t *attr):
    """resolve.resolve(_text_value(attr)), from the value's bytes."""
    if attr == NULL or attr.value == NULL or attr.value.data == NULL:
        return resolve.resolve_value(NULL, 0)
    return resolve.resolve_value(attr.value.data, attr.value.length)


cdef inline bint _in_page(str href) noexcept:
    """``href.startswith("#")``."""
    return len(href) != 0 and href[0] == u"#"


cdef str _note_anchor(FastNode node, bint in_page, dict pieces):
    """TextCache.anchor(node, in_page) for the cache whose ``pieces`` dict is given, its two
    entries kept on the node (FastNode.noted_in) rather than in the cache's dicts: no key,
    float or dict entry made per anchor."""
    cdef Facts facts
    cdef str anchor = anchor_of(node, &facts)
    cdef tuple piece
    cdef Py_ssize_t length
    if anchor is None:
        anchor, piece = anchor_text(node)
    else:
        piece = facts_piece(&facts)
    length = piece[0]
    node.noted_in = pieces
    node.anchor_piece = piece
    node.anchor_weight = length * 0.3 if in_page else <double> length
    return anchor


cdef struct Finding:
    # One of collect's findings (each object a reference of its own): what links._collect's
    # tuples hold, but the element's rel and style attributes and whether it has a hidden
    # attribute instead of its attribute dict (what positions.is_hidden reads of it).
    PyObject *node
    PyObject *rel
    PyObject *style
    bint hidden_attribute
    PyObject *target
    PyObject *anchor
    PyObject *kind


@cython.final
cdef class Findings:
    """collect's findings, for emit, in one C array rather than an object each (a page has
    164 links on average)."""

    cdef Finding *items
    cdef Py_ssize_t count
    cdef Py_ssize_t size

    def __dealloc__(self):
        cdef Py_ssize_t index
        cdef Finding *item
        for index in range(self.count):
            item = &self.items[index]
            _release(item.node)
            _release(item.rel)
            _release(item.style)
            _release(item.target)
            _release(item.anchor)
            _release(item.kind)
        free(self.items)

    cdef int add(self, FastNode node, object rel, object style, bint hidden_attribute, object target, str anchor,
                 str kind) except -1:
        cdef Finding *item
        cdef Py_ssize_t size
        if self.count == self.size:
            size = 2 * self.size if self.size else 256
            item = <Finding *> realloc(self.items, size * sizeof(Finding))
            if item == NULL:
                raise MemoryError()
            self.items = item
            self.size = size
        item = &self.items[self.count]
        item.node = _owned(node)
        item.rel = _owned(rel)
        item.style = _owned(style)
        item.hidden_attribute = hidden_attribute
        item.target = _owned(target)
        item.anchor = _owned(anchor)
        item.kind = _owned(kind)
        self.count += 1
        return 0


cdef inline PyObject *_owned(object value) noexcept:
    """A reference of its own to ``value``, for a Finding."""
    Py_INCREF(value)
    return <PyObject *> value


def collect(dom, resolver, texts):
    """links._collect (``resolver``: a crawler.urls.Resolver), as Findings: of the
    attributes they hold all that the compiled emit reads, read from lexbor without making
    a dict per element."""
    cdef FastResolver resolve = FastResolver(resolver)
    cdef Findings found = Findings.__new__(Findings)
    cdef list elements = dom.css(LINK_SELECTOR)
    cdef dict pieces = texts.pieces
    cdef FastNode node
    cdef dict attrs
    cdef NameIds known
    cdef lxb_dom_attr_t *named[NAME_KINDS]
    cdef str anchor, kind
    cdef object key, facts, target, refresh, rel, style
    cdef uintptr_t tag
    cdef bint hidden_attribute
    known.count = 0
    for node in elements:
        tag = _tag_id(node)
        if _read_attributes(node.doc, node.ptr, &known, named):
            rel = _value(named[NAME_REL])
            style = _value(named[NAME_STYLE])
            hidden_attribute = named[NAME_HIDDEN] != NULL
        else:
            attrs = node.get_attributes()
            if not _read_attributes(node.doc, node.ptr, &known, named):
                # Names the view could not learn (see FastDoc._learn_names): the dict.
                _collect_from_dict(node, node.get_tag(), attrs, resolve, pieces, found)
                continue
            rel = _value(named[NAME_REL])
            style = _value(named[NAME_STYLE])
            hidden_attribute = named[NAME_HIDDEN] != NULL
        if tag == LXB_TAG_A:
            anchor = _note_anchor(node, _value_in_page(named[NAME_HREF]), pieces)
            target = _resolve_value(resolve, named[NAME_HREF])
            if target is None:
                continue
            if anchor:
                kind = "text"
            else:
                anchor, kind = _image_anchor_of(node, &known)
        elif tag == LXB_TAG_AREA:
            target = _resolve_value(resolve, named[NAME_HREF])
            if target is None:
                continue
            anchor, kind = _collapse(_text_value(named[NAME_ALT])), "area"
        elif tag == LXB_TAG_LINK:
            if not _names_canonical(rel):
                continue
            target = _resolve_value(resolve, named[NAME_HREF])
            anchor, kind = "", "canonical"
        elif tag == LXB_TAG_IFRAME or tag == LXB_TAG_FRAME:
            target = _resolve_value(resolve, named[NAME_SRC])
            anchor, kind = "", "frame"
        elif tag == LXB_TAG_FORM:
            target = _resolve_value(resolve, named[NAME_ACTION])
            anchor, kind = "", "form"
        else:  # meta
            if _text_value(named[NAME_HTTP_EQUIV]).strip().lower() != "refresh":
                continue
            refresh = meta_refresh_target(_text_value(named[NAME_CONTENT]))
            target = resolve.resolve(refresh) if refresh else None
            anchor, kind = "", "redirect"
        if target is not None:
            found.add(node, rel, style, hidden_attribute, target, anchor, kind)
    return found


cdef int _collect_from_dict(FastNode node, str tag, dict attrs, FastResolver resolve, dict pieces,
                            Findings found) except -1:
    """Add collect's finding of one element, read from its attribute dict, to ``found``
    (nothing when it is no link)."""
    cdef str href, anchor, kind
    cdef object key, facts, target, refresh
    if tag == "a":
        href = attrs.get("href") or ""
        anchor = _note_anchor(node, _in_page(href), pieces)
        target = resolve.resolve(href)
        if target is None:
            return 0
        if anchor:
            kind = "text"
        else:
            anchor, kind = _image_anchor(node)
    elif tag == "area":
        target = resolve.resolve(attrs.get("href") or "")
        if target is None:
            return 0
        anchor, kind = _collapse(attrs.get("alt") or ""), "area"
    elif tag == "link":
        if not _names_canonical(attrs.get("rel")):
            return 0
        target = resolve.resolve(attrs.get("href") or "")
        anchor, kind = "", "canonical"
    elif tag == "iframe" or tag == "frame":
        target = resolve.resolve(attrs.get("src") or "")
        anchor, kind = "", "frame"
    elif tag == "form":
        target = resolve.resolve(attrs.get("action") or "")
        anchor, kind = "", "form"
    else:  # meta
        if (attrs.get("http-equiv") or "").strip().lower() != "refresh":
            return 0
        refresh = meta_refresh_target(attrs.get("content") or "")
        target = resolve.resolve(refresh) if refresh else None
        anchor, kind = "", "redirect"
    if target is None:
        return 0
    found.add(node, attrs.get("rel"), attrs.get("style"), "hidden" in attrs, target, anchor, kind)
    return 0


cdef extern from "Python.h":
    # ``text[start:end]``, copied straight from ASCII text (Cython's slice looks it over
    # again for its widest character).
    str PyUnicode_Substring(str text, Py_ssize_t start, Py_ssize_t end)


cdef str _window(str text, Py_ssize_t at, Py_ssize_t length):
    """links._window."""
    cdef Py_ssize_t room, start, end, space
    cdef Py_ssize_t size = len(text)
    if length >= _CHARS:
        return PyUnicode_Substring(text, at, at + _CHARS)
    room = _CHARS - length
    start = max(0, at - room // 2)
    end = min(size, start + _CHARS)
    start = max(0, end - _CHARS)
    if start > 0:
        space = PyUnicode_FindChar(text, " ", start, at, 1)
        if space >= 0:
            start = space + 1
    if end < size:
        space = PyUnicode_FindChar(text, " ", at + length, end, -1)
        if space >= 0:
            end = space
    return PyUnicode_Substring(text, start, end)


cdef bint _words_whole(lxb_dom_node_t *root) noexcept:
    """Whether no word of the text under ``root`` runs from one text node into the next
    (its collapsed text is then the same read with or without a space between text nodes).
    False also when a text node meets the next at a character that is not ASCII."""
    cdef lxb_dom_node_t *node = root.first_child
    cdef lxb_dom_character_data_t *text
    cdef unsigned char first, last = 32
    while node != NULL:
        if node.local_name == LXB_TAG__TEXT:
            text = <lxb_dom_character_data_t *> node
            if text.data.data != NULL and text.data.length > 0:
                first = text.data.data[0]
                if first >= 0x80 or last >= 0x80:
                    return False
                if not Py_UNICODE_ISSPACE(first) and not Py_UNICODE_ISSPACE(last):
                    return False
                last = text.data.data[text.data.length - 1]
        if node.first_child != NULL:
            node = node.first_child
        else:
            node = after_subtree(node, root)
            if node == NULL:
                break
    return True


cdef bint _reads_as_anchor(FastNode block, FastNode node) except -1:
    """Whether the collapsed text of ``block`` is that of ``node`` (which holds the anchor's
    text): ``node`` lies in ``block``, every character of the block's text outside it is
    white space, and no word of the node's text spans text nodes. Told by the facts table,
    without reading the block's text."""
    cdef NodeFacts *outer
    cdef NodeFacts *inner
    if block.ptr.first_child == NULL or node.ptr.first_child == NULL:
        return False
    outer = block.doc.facts_of(block.ptr)
    inner = node.doc.facts_of(node.ptr)
    if outer == NULL or inner == NULL or outer.deep.invalid or inner.deep.invalid:
        return False
    if not outer.first <= inner.first < outer.end or outer.deep.word_chars != inner.deep.word_chars:
        return False
    return _words_whole(node.ptr)


#: Characters of a long block's collapsed text read at first, and how many times as much
#: it holds after each further read: a block's links rarely need its text to the end.
DEF FIRST_READ = 256
DEF READ_GROWTH = 2


@cython.final
@cython.no_gc
cdef class BlockText:
    """A long block's entry in FastContext: links._Context's [text, search cursor], the text
    possibly only a prefix of the block's collapsed text (``whole`` once it is all of it),
    which ``reader`` reads on."""

    cdef FastNode block
    cdef TextReader reader
    cdef str text
    cdef Py_ssize_t cursor
    cdef readonly bint whole
    #: While not whole: at least the length of the whole text (what the budget may owe).
    cdef Py_ssize_t bound


cdef class FastContext:
    """links._Context for FastNodes. A long block's text is read as far as its links'
    windows need (their anchors are found from the cursor on, so a prefix holding an anchor
    and a window's room after it settles the search as the whole text would). The budget is
    charged a block's whole length, which a block not read whole owes until it is: when the
    budget minus what is owed runs out, those blocks are read whole to know it exactly."""

    #: The entries of blocks placed without a Place (FastPlacement's memo) to keep them on.
    cdef readonly dict blocks
    cdef Py_ssize_t budget
    #: Upper bounds of the lengths of the blocks not read whole (``partial``).
    cdef Py_ssize_t owed
    cdef list partial
    #: The block asked last and its entry (links mostly follow others of their block).
    cdef FastNode last_block
    cdef object last_entry

    def __cinit__(self):
        self.blocks = {}
        self.budget = CONTEXT_TEXT_BUDGET
        self.owed = 0
        self.partial = []

    def __call__(self, FastNode block, str anchor not None, FastNode node not None, bint anchored=False):
        """links._Context's call (for tests)."""
        return self.of(block, anchor, node, anchored)

    cdef str of(self, FastNode block, str anchor, FastNode node, bint anchored):
        """The context of ``anchor``, the anchor of ``node``; ``anchored``: the anchor is
        the node's own text (a text link), so a block holding no other text has it as its
        collapsed text."""
        cdef object entry
        if block is None:
            return anchor[:_CHARS]
        if block is self.last_block:
            entry = self.last_entry
        else:
            entry = self._entry_of(block)
            if entry is None:
                if self.budget - self.owed <= 0:
                    self._settle()
                    if self.budget <= 0:
                        return anchor[:_CHARS]
                entry = self._first_read(block, anchor, node, anchored)
            self.last_block = block
            self.last_entry = entry
        if type(entry) is str:
            return entry
        return self._window_in(<BlockText> entry, anchor, node)

    cdef object _entry_of(self, FastNode block):
        """The block's entry, or None: on its Place when placement memoised one (which
        it does for every block it names), else in ``blocks``."""
        cdef object memo = block.memo
        if type(memo) is Place and (<Place> memo).context_owner is self:
            return (<Place> memo).context
        if self.blocks:
            return self.blocks.get(block)
        return None

    cdef int _keep(self, FastNode block, object entry) except -1:
        """Keep the block's entry where ``_entry_of`` finds it."""
        cdef object memo = block.memo
        if type(memo) is Place:
            (<Place> memo).context = entry
            (<Place> memo).context_owner = self
        else:
            self.blocks[block] = entry
        return 0

    cdef object _first_read(self, FastNode block, str anchor, FastNode node, bint anchored):
        """The block's entry: its collapsed text when short, else a BlockText of it read
        whole or, when it may well be long (by the facts table), its first FIRST_READ
        characters."""
        cdef NodeFacts *facts
        cdef Py_ssize_t bound = 0
        cdef str text = None
        cdef BlockText entry
        cdef TextReader reader = None
        if anchored and _reads_as_anchor(block, node):
            text = anchor
        else:
            if block.ptr.first_child != NULL:
                facts = block.doc.facts_of(block.ptr)
                if facts != NULL and not facts.deep.invalid:
                    # Words and the single spaces between them.
                    bound = 2 * facts.deep.word_chars
            if bound > FIRST_READ:
                reader = text_reader(block)
                text = reader.read(FIRST_READ)
                if text is None or reader.whole:
                    reader = None
            if reader is None:
                bound = 0
                if text is None:
                    text = _collapsed(block, True)
        if bound == 0:
            self.budget -= len(text)
            if len(text) <= _CHARS:
                self._keep(block, text)
                return text
        entry = BlockText.__new__(BlockText)
        entry.block = block
        entry.reader = reader
        entry.text = text
        entry.cursor = 0
        entry.whole = bound == 0
        entry.bound = bound
        if not entry.whole:
            self.owed += bound
            self.partial.append(entry)
        self._keep(block, entry)
        return entry

    cdef int _read_more(self, BlockText entry, Py_ssize_t room) except -1:
        """Read on in the block's text until ``room`` characters of it are read, or all."""
        cdef str text = entry.reader.read(room)
        if text is None:
            text = _collapsed(entry.block, True)
        elif not entry.reader.whole:
            entry.text = text
            return 0
        entry.text = text
        entry.reader = None
        entry.whole = True
        self.budget -= len(text)
        self.owed -= entry.bound
        return 0

    cdef int _settle(self) except -1:
        """Read the blocks not read whole to the end, so that the budget is exact."""
        cdef BlockText entry
        for entry in self.partial:
            if not entry.whole:
                self._read_more(entry, PY_SSIZE_T_MAX)
        self.partial = []
        return 0

    cdef str _window_in(self, BlockText entry, str anchor, FastNode node):
        """links._Context's search of a long block's text from the cursor, and the window.
        A prefix of the text answers when it holds the anchor (or, for an empty anchor,
        the cursor) and a window's room after it; otherwise more is read (READ_GROWTH
        times as much, or as far as the window needs), and an anchor not found yet is
        searched again from where an occurrence not wholly in the text read before may
        begin."""
        cdef str text, spaced
        cdef Py_ssize_t at = -1, cursor = entry.cursor, start = entry.cursor, needed
        cdef Py_ssize_t length = len(anchor)
        while True:
            text = entry.text
            if anchor and at < 0:
                at = PyUnicode_Find(text, anchor, start, PY_SSIZE_T_MAX, 1)
            if entry.whole:
                break
            if not anchor:
                needed = cursor + _CHARS + 1
            elif at >= 0:
                needed = at + length + _CHARS + 1
            else:
                needed = len(text) + 1
                start = max(cursor, len(text) - length + 1)
            if needed <= len(text):
                break
            self._read_more(entry, max(needed, READ_GROWTH * len(text)))
        if at < 0 and anchor:
            spaced = _collapsed(node, True)
            if spaced != anchor:
                at = PyUnicode_Find(text, spaced, cursor, PY_SSIZE_T_MAX, 1)
                length = len(spaced)
        if at < 0:
            at = min(cursor, len(text))
        else:
            entry.cursor = at + length
        return _window(text, at, length)


#: How many findings ahead of the one it emits emit has the objects of a finding loaded (the
#: Link it makes takes a reference to each, and collect made them long before: they are out
#: of the cache by then), and the lexbor node of its element (read for its parent).
DEF OBJECTS_AHEAD = 4
DEF NODE_AHEAD = 2


cdef inline void _load_ahead(Findings found, Py_ssize_t index) noexcept:
    """Start loading what emit reads of the findings after ``index`` (see OBJECTS_AHEAD)."""
    cdef Finding *entry
    if index + OBJECTS_AHEAD < found.count:
        entry = &found.items[index + OBJECTS_AHEAD]
        prefetch_line(entry.node)
        prefetch_line(entry.target)
        prefetch_line(entry.anchor)
    if index + NODE_AHEAD < found.count:
        prefetch_line((<FastNode> found.items[index + NODE_AHEAD].node).ptr)


cdef str _position(object landmark, long zone, str region):
    """Placement.position of the facts."""
    if landmark is not None:
        return landmark
    if zone <= _ZONE_IN or region in _KEEP:
        return "content"
    return _ZONES[zone]


def emit(Findings found not None, placement, place, str page_nofollow_by):
    """links._emit. ``place`` is the bound ``place`` of a FastPlacement (treeview.placer) or
    any callable answering placement's Info tuples; the first is asked in C."""
    cdef FastContext context_of = FastContext()
    cdef dict rels = {}
    # The flags of a link without rel (most links).
    cdef tuple no_rel = _rel_flags(None, page_nofollow_by)
    cdef list links = []
    cdef FastNode node, parent, block
    cdef tuple info, flags
    cdef Place at
    cdef str anchor, kind, position, region, context
    cdef object target, hidden, rel_value
    cdef Finding *entry
    cdef Py_ssize_t index
    # Whether the kind of the link before is a head kind and one that reports rel (links
    # mostly follow others of their kind).
    cdef str seen_kind = None
    cdef bint head, reports_rel
    cdef tuple root = placement.root
    cdef FastPlacement fast = None
    owner = getattr(place, "__self__", None)
    if type(owner) is FastPlacement and place == owner.place:
        fast = <FastPlacement> owner
    for index in range(found.count):
        _load_ahead(found, index)
        entry = &found.items[index]
        node = <FastNode> entry.node
        rel_value = <object> entry.rel
        target = <object> entry.target
        anchor = <str> entry.anchor
        kind = <str> entry.kind
        if kind is not seen_kind:
            seen_kind = kind
            head = kind in _HEAD
            reports_rel = kind in _REL
        if head:
            position, region, hidden, context = "content", "", False, ""
        else:
            parent = node.get_parent()
            if parent is not None and fast is not None:
                at = fast.at(parent)
                position = _position(at.landmark, at.zone, at.region)
                region = at.region
                hidden = at.hidden
                block = at.block
            else:
                info = root if parent is None else place(parent)
                position = _position(info[LANDMARK], info[ZONE], info[REGION])
                region = info[REGION]
                hidden = info[HIDDEN]
                block = info[BLOCK]
            # positions.is_hidden of the element's attributes.
            hidden = hidden or entry.hidden_attribute or _hiding_style(<object> entry.style)
            context = context_of.of(block, anchor, node, kind == "text")
        if not reports_rel:
            rel_value = None
        if rel_value is None:
            flags = no_rel
        else:
            flags = rels.get(rel_value)
            if flags is None:
                flags = rels[rel_value] = _rel_flags(rel_value, page_nofollow_by)
        rel, nofollow, ugc, sponsored, nofollow_by = flags
        links.append(_link(target, anchor, rel, nofollow, ugc, sponsored, nofollow_by, kind, position, context,
                           hidden, region))
    return links
