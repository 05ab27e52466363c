# Included by _fastdom.pyx: selectors that are plain lists of tag names ("a", "td, th",
# mainblock.TO_SCORE ...), which the extractor uses most, answered by a walk of the tree that
# compares lexbor tag ids, as lexbor's selector engine does for a type selector, instead of
# going through the engine (which parses the selector and wraps every match for Python).

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
