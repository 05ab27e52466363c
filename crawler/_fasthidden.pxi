# Included by _fastplace.pyx and _fastlinks.pyx: crawler.positions.is_hidden of a style
# attribute (an element with the hidden attribute is hidden whatever its style), its verdict
# on each style value kept: inline styles repeat across a page's elements and links, and the
# verdict is a regular-expression search of the lower-cased style.
# positions.is_hidden is the reference: a change there must be made here too.

from crawler.positions import is_hidden

cdef object _is_hidden_of = is_hidden
#: style value -> is_hidden({"style": value}); cleared when it holds _STYLES_KEPT of them.
cdef dict _hiding_styles = {}
cdef Py_ssize_t _STYLES_KEPT = 4096
#: Longer style values are judged each time, not kept: a style can be a megabyte of inline
#: data, and 4,096 of them would hold gigabytes (the repeated styles worth keeping are short).
cdef Py_ssize_t _STYLE_KEPT_CHARS = 256


cdef bint _hiding_style(str style) except -1:
    """positions.is_hidden({"style": style}) (False for None)."""
    if not style:
        return False
    if len(style) > _STYLE_KEPT_CHARS:
        return bool(_is_hidden_of({"style": style}))
    found = _hiding_styles.get(style)
    if found is None:
        if len(_hiding_styles) >= _STYLES_KEPT:
            _hiding_styles.clear()
        found = _hiding_styles[style] = bool(_is_hidden_of({"style": style}))
    return found is True
