# Included by _fastdom.pyx: selectors that are plain lists of tag names ("a", "td, th",
# mainblock.TO_SCORE ...) or of class names (links.MARKER_BOX_SELECTOR), which the extractor
# uses most, answered by a walk of the tree that matches as lexbor's selector engine does
# (lxb_selectors_match_element: the tag id; lxb_selectors_match_class: a token of the class
# attribute, ASCII case-insensitive in quirks mode) instead of going through the engine, which
# parses the selector and wraps every match for Python.

cdef extern from "lexbor/tag/const.h":
    enum:
        LXB_TAG_A
        LXB_TAG_BLOCKQUOTE
        LXB_TAG_CAPTION
        LXB_TAG_COLGROUP
        LXB_TAG_DIV
        LXB_TAG_DL
        LXB_TAG_EMBED
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
        LXB_TAG_OBJECT
        LXB_TAG_OL
        LXB_TAG_P
        LXB_TAG_PRE
        LXB_TAG_SECTION
        LXB_TAG_TABLE
        LXB_TAG_TD
        LXB_TAG_TFOOT
        LXB_TAG_TH
        LXB_TAG_THEAD
        LXB_TAG_TR
        LXB_TAG_UL

#: The tag names a plain-list selector may use here (others go to lexbor's engine).
cdef dict _TAG_IDS = {
    "a": LXB_TAG_A, "blockquote": LXB_TAG_BLOCKQUOTE, "caption": LXB_TAG_CAPTION, "colgroup": LXB_TAG_COLGROUP,
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
        if all(_CLASS_NAME.match(part) for part in parts):
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
    return byte == 32 or byte == 9 or byte == 10 or byte == 12 or byte == 13


cdef bint _has_class(const unsigned char *value, Py_ssize_t size, const unsigned char *name, Py_ssize_t length,
                     bint quirks) noexcept:
    """lxb_selectors_match_class: ``name`` is one of the white-space separated tokens."""
    cdef Py_ssize_t start = 0, index
    if length == 0 or size < length:
        return False
    for index in range(size):
        if _blank(value[index]):
            if index - start == length and _same(value + start, name, length, quirks):
                return True
            if size - index < length:
                return False
            start = index + 1
    return size - start == length and _same(value + start, name, length, quirks)
