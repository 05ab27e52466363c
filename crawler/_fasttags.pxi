# Included by _fastdom.pyx: selectors that are plain lists of tag names ("a", "td, th",
# mainblock.TO_SCORE ...), of class names (links.MARKER_BOX_SELECTOR) or of tags with an
# attribute (links.LINK_SELECTOR), which the extractor uses most, answered by a walk of the
# tree that matches as lexbor's selector engine does (lxb_selectors_match_element: the tag
# id; lxb_selectors_match_class: a token of the class attribute, ASCII case-insensitive in
# quirks mode; lxb_selectors_match_attribute: an attribute of that local name) instead of
# going through the engine, which parses the selector and wraps every match for Python.

cdef extern from "lexbor/tag/const.h":
    enum:
        LXB_TAG_A
        LXB_TAG_AREA
        LXB_TAG_BASE
        LXB_TAG_BLOCKQUOTE
        LXB_TAG_CAPTION
        LXB_TAG_COLGROUP
        LXB_TAG_DIV
        LXB_TAG_DL
        LXB_TAG_EMBED
        LXB_TAG_FORM
        LXB_TAG_FRAME
        LXB_TAG_H1
        LXB_TAG_H2
        LXB_TAG_H3
        LXB_TAG_H4
        LXB_TAG_H5
        LXB_TAG_H6
        LXB_TAG_IFRAME
        LXB_TAG_IMG
        LXB_TAG_INPUT
        LXB_TAG_LI
        LXB_TAG_LINK
        LXB_TAG_META
        LXB_TAG_OBJECT
        LXB_TAG_OL
        LXB_TAG_P
        LXB_TAG_PRE
        LXB_TAG_SCRIPT
        LXB_TAG_SECTION
        LXB_TAG_STYLE
        LXB_TAG_TABLE
        LXB_TAG_TD
        LXB_TAG_TEMPLATE
        LXB_TAG_TFOOT
        LXB_TAG_TH
        LXB_TAG_THEAD
        LXB_TAG_TITLE
        LXB_TAG_TR
        LXB_TAG_UL
        LXB_TAG__LAST_ENTRY

#: The tag names a plain-list selector may use here (others go to lexbor's engine).
cdef dict _TAG_IDS = {
    "a": LXB_TAG_A, "area": LXB_TAG_AREA, "form": LXB_TAG_FORM, "frame": LXB_TAG_FRAME, "link": LXB_TAG_LINK,
    "meta": LXB_TAG_META, "blockquote": LXB_TAG_BLOCKQUOTE, "caption": LXB_TAG_CAPTION, "colgroup": LXB_TAG_COLGROUP,
    "div": LXB_TAG_DIV, "dl": LXB_TAG_DL, "embed": LXB_TAG_EMBED, "h1": LXB_TAG_H1, "h2": LXB_TAG_H2,
    "h3": LXB_TAG_H3, "h4": LXB_TAG_H4, "h5": LXB_TAG_H5, "h6": LXB_TAG_H6, "iframe": LXB_TAG_IFRAME,
    "img": LXB_TAG_IMG, "input": LXB_TAG_INPUT, "li": LXB_TAG_LI, "object": LXB_TAG_OBJECT, "ol": LXB_TAG_OL,
    "p": LXB_TAG_P, "pre": LXB_TAG_PRE, "section": LXB_TAG_SECTION, "table": LXB_TAG_TABLE, "td": LXB_TAG_TD,
    "tfoot": LXB_TAG_TFOOT, "th": LXB_TAG_TH, "thead": LXB_TAG_THEAD, "tr": LXB_TAG_TR, "ul": LXB_TAG_UL,
}
DEF MAX_TAGS = 16
#: selector -> its tag ids, or () when it is not a plain list of known tag names.
cdef dict _TAG_QUERIES = {}


cdef Py_ssize_t _tag_query(str query, uintptr_t *ids) except -1:
    """Fill ``ids`` with the tag ids of ``query`` and return how many, or 0 when the query
    is not a plain list of (at most MAX_TAGS) tag names this module knows."""
    cdef tuple known = _TAG_QUERIES.get(query)
    cdef Py_ssize_t index
    if known is None:
        names = [name.strip() for name in query.split(",")]
        found = [_TAG_IDS.get(name) for name in names]
        known = () if (None in found or len(found) > MAX_TAGS or len(set(found)) != len(found)) else tuple(found)
        _TAG_QUERIES[query] = known
    for index in range(len(known)):
        ids[index] = known[index]
    return len(known)


#: selector -> its class names (UTF-8), or () when it is not a plain list of class selectors.
cdef dict _CLASS_QUERIES = {}
_CLASS_NAME = __import__("re").compile(r"\.[A-Za-z_-][A-Za-z0-9_-]*\Z")


cdef tuple _class_query(str query):
    cdef tuple known = _CLASS_QUERIES.get(query)
    if known is None:
        parts = [part.strip() for part in query.split(",")]
        if len(parts) <= 64 and all(_CLASS_NAME.match(part) for part in parts):
            known = tuple(part[1:].encode() for part in parts)
        else:
            known = ()
        _CLASS_QUERIES[query] = known
    return known


cdef inline unsigned char _lower(unsigned char byte) noexcept:
    return byte + 32 if 65 <= byte <= 90 else byte


cdef bint _same(const unsigned char *left, const unsigned char *right, Py_ssize_t length, bint fold) noexcept:
    cdef Py_ssize_t index
    for index in range(length):
        if left[index] != right[index] and not (fold and _lower(left[index]) == _lower(right[index])):
            return False
    return True


cdef inline bint _blank(unsigned char byte) noexcept:
    return byte <= 32 and (byte == 32 or byte == 9 or byte == 10 or byte == 12 or byte == 13)


cdef extern from *:
    """
    /* The place in a word read from memory of its first byte flagged in ``bits`` by a
       byte-wise compare: on little-endian machines its lowest flag (exact: a borrow runs
       towards the later bytes only); elsewhere 0 (the caller's byte loop goes on). */
    #if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    #define backlinks_first_flagged_byte(bits) (__builtin_ctzll(bits) >> 3)
    #else
    #define backlinks_first_flagged_byte(bits) 0
    #endif
    """
    Py_ssize_t backlinks_first_flagged_byte(unsigned long long bits) nogil


cdef inline Py_ssize_t _token_end(const unsigned char *value, Py_ssize_t index, Py_ssize_t size) noexcept:
    """Where the token of a class value from ``index`` ends: at the first blank from there,
    or at ``size``. Eight bytes at a time while none of them is below "!" (a blank is),
    then on from the first that is."""
    cdef unsigned long long word, below
    while index + 8 <= size:
        memcpy(&word, value + index, 8)
        below = (word - 0x2121212121212121ULL) & ~word & 0x8080808080808080ULL
        if below:
            index += backlinks_first_flagged_byte(below)
            break
        index += 8
    while index < size and not _blank(value[index]):
        index += 1
    return index


cdef inline Py_ssize_t _length_place(Py_ssize_t length) noexcept:
    """A name length's place in ClassNames.by_length (lengths from 63 up share the last)."""
    return length if length < 63 else 63


cdef extern from *:
    int __builtin_ctzll(unsigned long long bits) nogil


cdef struct ClassNames:
    # A plain list of class names as _class_matches reads them: the names (UTF-8, borrowed
    # from the list's tuple, which the user holds), their lengths, and per length (its
    # _length_place) the set of the names of that length (bit ``which`` for name ``which``).
    Py_ssize_t count
    const unsigned char *names[64]
    Py_ssize_t lengths[64]
    unsigned long long by_length[64]


cdef int _class_names(tuple names, ClassNames *table) except -1:
    """Fill ``table`` with ``names`` (bytes, at most 64: _class_query's) for _class_matches."""
    cdef Py_ssize_t which, length
    if len(names) > 64:
        raise ValueError("at most 64 class names")
    memset(table.by_length, 0, sizeof(table.by_length))
    table.count = len(names)
    for which in range(table.count):
        length = len(<bytes> names[which])
        table.names[which] = <bytes> names[which]
        table.lengths[which] = length
        table.by_length[_length_place(length)] |= 1ULL << which
    return 0


cdef Py_ssize_t _class_matches(const unsigned char *value, Py_ssize_t size, const ClassNames *table,
                               bint quirks) noexcept:
    """How many of the names of ``table`` are tokens of the class attribute ``value`` (each
    name once): lxb_selectors_match_class for each, with one pass over the tokens. A token
    is compared only with the names of its length that it has not matched yet."""
    cdef Py_ssize_t start, index = 0, count = 0, which, length
    cdef unsigned long long matched = 0, candidates
    while True:
        while index < size and _blank(value[index]):
            index += 1
        if index == size:
            return count
        start = index
        index = _token_end(value, index, size)
        length = index - start
        candidates = table.by_length[_length_place(length)] & ~matched
        while candidates:
            which = __builtin_ctzll(candidates)
            candidates &= candidates - 1
            if table.lengths[which] == length and _same(value + start, table.names[which], length, quirks):
                matched |= 1ULL << which
                count += 1


cdef extern from "lexbor/dom/interfaces/attr_const.h":
    enum:
        LXB_DOM_ATTR__LAST_ENTRY
        LXB_DOM_ATTR_HREF
        LXB_DOM_ATTR_SRC
        LXB_DOM_ATTR_HTTP_EQUIV

cdef extern from "lexbor/core/hash.h":
    ctypedef struct hash_entry_t "lexbor_hash_entry_t":
        size_t length
    const unsigned char *lexbor_hash_entry_str(const hash_entry_t *entry)

cdef extern from "lexbor/dom/interfaces/attr.h":
    ctypedef struct attr_data_t "lxb_dom_attr_data_t":
        hash_entry_t entry

cdef extern from "lexbor/dom/interfaces/attr_res.h":
    # lexbor's names of the attributes with a fixed id (the id is the index).
    const attr_data_t lxb_dom_attr_res_data_default[]


cdef inline const hash_entry_t *_qualified_name_entry(lxb_dom_attr_t *attr) noexcept:
    """The entry of ``attr``'s qualified name as lxb_dom_attr_qualified_name finds it: of
    its qualified name id, else of its local name id, in lexbor's fixed table or the
    document's; NULL for an id lexbor has no entry for."""
    cdef uintptr_t name_id = attr.qualified_name if attr.qualified_name != 0 else attr.node.local_name
    if name_id == 0 or name_id == LXB_DOM_ATTR__LAST_ENTRY:
        return NULL
    if name_id > LXB_DOM_ATTR__LAST_ENTRY:
        return &(<const attr_data_t *> name_id).entry
    return &lxb_dom_attr_res_data_default[name_id].entry


cdef dict _fixed_attribute_ids():
    cdef dict ids = {}
    cdef Py_ssize_t index
    cdef const hash_entry_t *entry
    for index in range(1, LXB_DOM_ATTR__LAST_ENTRY):
        entry = &lxb_dom_attr_res_data_default[index].entry
        ids[(<const char *> lexbor_hash_entry_str(entry))[:entry.length].decode("ascii")] = index
    return ids


#: Attribute local names with a fixed lexbor id (from lexbor's own table: "href", "class",
#: "rel" ...); any other name is read from the document's attribute table (where lexbor
#: keeps the names it met, an id being the entry's address).
cdef dict _ATTR_IDS = _fixed_attribute_ids()
if (_ATTR_IDS.get("href"), _ATTR_IDS.get("src"), _ATTR_IDS.get("http-equiv")) != (
        LXB_DOM_ATTR_HREF, LXB_DOM_ATTR_SRC, LXB_DOM_ATTR_HTTP_EQUIV):
    raise ImportError("lexbor's attribute table is not the one this module was built for")
#: The names of the fixed attribute ids from 1 (the id is the index), as selectolax's
#: ``attributes`` keys them (learn_attribute_name reads them alike), interned (a look-up
#: of a literal name in an attribute dict then finds the very key); the list holds them,
#: the array is what the reads use.
cdef list _FIXED_ATTR_NAME_LIST = [None] * LXB_DOM_ATTR__LAST_ENTRY
cdef PyObject *_FIXED_ATTR_NAMES[LXB_DOM_ATTR__LAST_ENTRY]


cdef void _fill_fixed_attr_names():
    cdef Py_ssize_t index
    cdef const hash_entry_t *entry
    for index in range(1, LXB_DOM_ATTR__LAST_ENTRY):
        entry = &lxb_dom_attr_res_data_default[index].entry
        name = _intern(PyUnicode_DecodeUTF8(<const char *> lexbor_hash_entry_str(entry), entry.length, "replace"))
        _FIXED_ATTR_NAME_LIST[index] = name
        _FIXED_ATTR_NAMES[index] = <PyObject *> name


_fill_fixed_attr_names()


cdef inline object _attribute_name(dict names, uintptr_t name_id):
    """The key selectolax gives an attribute of ``name_id`` (its qualified name id, else its
    local name id): fixed for lexbor's fixed ids, else as ``names`` learnt it (or None)."""
    if 0 < name_id < LXB_DOM_ATTR__LAST_ENTRY:
        return <object> _FIXED_ATTR_NAMES[name_id]
    return names.get(name_id)


#: selector -> ((tag id, attribute id or 0, attribute name), ...) or ().
cdef dict _ATTR_QUERIES = {}
_TAG_ATTR = __import__("re").compile(r"([a-z][a-z0-9]*)\[([a-z][a-z-]*)\]\Z")


cdef tuple _attr_query(str query):
    cdef tuple known = _ATTR_QUERIES.get(query)
    if known is None:
        parts = [_TAG_ATTR.match(part.strip()) for part in query.split(",")]
        if all(parts) and all(part.group(1) in _TAG_IDS for part in parts):
            tags = [_TAG_IDS[part.group(1)] for part in parts]
            if len(set(tags)) == len(tags):
                known = tuple((_TAG_IDS[part.group(1)], _ATTR_IDS.get(part.group(2), 0), part.group(2).encode())
                              for part in parts)
        if known is None:
            known = ()
        _ATTR_QUERIES[query] = known
    return known


cdef bint _has_attribute(lxb_dom_node_t *node, uintptr_t attr_id, bytes name) noexcept:
    """Whether the element has an attribute of that local name (lexbor's id when it has a
    fixed one, else the name, compared ASCII case-insensitively as lexbor looks it up)."""
    cdef lxb_dom_attr_t *attr = <lxb_dom_attr_t *> (<element_t *> node).first_attr
    cdef uintptr_t local
    cdef const hash_entry_t *entry
    cdef Py_ssize_t length = len(name)
    while attr != NULL:
        local = attr.node.local_name
        if attr_id != 0:
            if local == attr_id:
                return True
        elif local >= LXB_DOM_ATTR__LAST_ENTRY:
            entry = <const hash_entry_t *> local
            if <Py_ssize_t> entry.length == length and _same(lexbor_hash_entry_str(entry), name, length, True):
                return True
        attr = attr.next
    return False


cdef int any_below(FastNode node, str query) except -1:
    """Whether an element below ``node`` (not ``node`` itself) matches ``query``: mainblock's
    ``_has_block_child``, ``any(child.css_first(query) for its element children)``, by one
    walk for a plain list of tags."""
    cdef uintptr_t[MAX_TAGS] ids
    cdef Py_ssize_t count = _tag_query(query, ids), index
    cdef unsigned char[256] wanted
    cdef lxb_dom_node_t *root = node.ptr
    cdef lxb_dom_node_t *current = root.first_child
    if count == 0:
        child = node.child
        while child is not None:
            if child.is_element_node and child.css_first(query) is not None:
                return True
            child = child.next
        return False
    memset(wanted, 0, sizeof(wanted))
    for index in range(count):
        if ids[index] < 256:
            wanted[ids[index]] = 1
    while current != NULL:
        if current.type == FASTDOM_ELEMENT and current.local_name < 256 and wanted[current.local_name]:
            return True
        if current.first_child != NULL:
            current = current.first_child
            continue
        current = after_subtree(current, root)
        if current == NULL:
            break
    return False


# FastNode.with_tags, with_classes and with_attributes (the walks of css and css_first).

cdef list _with_tags(FastNode origin, const uintptr_t *ids, Py_ssize_t count, bint first):
    """``origin.css("t1, t2, ...")`` for bare tag names given as lexbor tag ids: this node
    and the elements below it with one of those tags, in document order (``first``:
    only the first of them)."""
    cdef list found = []
    cdef lxb_dom_node_t *root = origin.ptr
    cdef lxb_dom_node_t *node = root
    cdef Py_ssize_t index
    cdef unsigned char[256] wanted  # by tag id (the static ones are below 256)
    memset(wanted, 0, sizeof(wanted))
    for index in range(count):
        if ids[index] < 256:
            wanted[ids[index]] = 1
    while True:
        if node.type == FASTDOM_ELEMENT and node.local_name < 256 and wanted[node.local_name]:
            found.append(origin.doc.wrap(node))
            if first:
                return found
        if node.first_child != NULL:
            node = node.first_child
            continue
        node = after_subtree(node, root)
        if node == NULL:
            break
    return found


cdef list _with_classes(FastNode origin, tuple names):
    """``origin.css(".c1, .c2, ...")``: this node and the elements below it whose class
    attribute holds one of ``names``, in document order, each once per name it holds."""
    cdef list found = []
    cdef lxb_dom_node_t *root = origin.ptr
    cdef lxb_dom_node_t *node = root
    cdef lxb_dom_attr_t *classes
    cdef bint quirks = origin.doc.parser.document.dom_document.compat_mode == 1
    cdef Py_ssize_t count
    cdef ClassNames table
    _class_names(names, &table)
    while True:
        if node.type == FASTDOM_ELEMENT:
            classes = (<element_t *> node).attr_class
            if classes != NULL and classes.value != NULL:
                # lexbor lists an element once per selector of the list it matches.
                count = _class_matches(classes.value.data, classes.value.length, &table, quirks)
                while count > 0:
                    found.append(origin.doc.wrap(node))
                    count -= 1
        if node.first_child != NULL:
            node = node.first_child
            continue
        node = after_subtree(node, root)
        if node == NULL:
            break
    return found

cdef list _with_attributes(FastNode origin, tuple wanted):
    """``origin.css("t1[a1], t2[a2], ...")`` for ``wanted`` = ((tag id, attribute id or 0,
    attribute name), ...) with distinct tags: this node and the elements below it that
    have one of those tags and its attribute, in document order."""
    cdef list found = []
    cdef lxb_dom_node_t *root = origin.ptr
    cdef lxb_dom_node_t *node = root
    cdef tuple part
    while True:
        if node.type == FASTDOM_ELEMENT:
            for part in wanted:
                if node.local_name == <uintptr_t> part[0]:
                    if _has_attribute(node, <uintptr_t> part[1], <bytes> part[2]):
                        found.append(origin.doc.wrap(node))
                    break
        if node.first_child != NULL:
            node = node.first_child
            continue
        node = after_subtree(node, root)
        if node == NULL:
            break
    return found
