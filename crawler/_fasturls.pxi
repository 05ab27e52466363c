# Included by _fastlinks.pyx: crawler.urls.Resolver's shortcuts, compiled, and its cache. The
# shortcuts are urls._ROOT_RELATIVE, urls._CANONICAL and urls._simple written as character
# tests, _CANONICAL's also for a URL without a path, for a host with upper-case letters
# (which the URL standard writes in lower case) and for a scheme-relative "//host/..."
# href (whose join is the base's scheme and the href), plus two of the compiled copy's own:
# an href of another scheme than http(s) ("mailto:...") has no URL, an empty one is the
# page's as a "#fragment" is (known from the start when _CANONICAL's shortcut settles the
# base itself). They read an attribute value's bytes as lexbor holds them
# (no str is decoded for a settled href); anything they do not settle goes to the Python
# Resolver itself, which caches it.

from cpython.dict cimport PyDict_GetItem
from cpython.object cimport PyObject

cdef extern from "Python.h":
    int PyUnicode_KIND(object text)
    void *PyUnicode_DATA(object text)
    int PyUnicode_1BYTE_KIND
    # A new str of ``size`` characters up to ``maxchar``, to be filled in.
    str PyUnicode_New(Py_ssize_t size, Py_UCS4 maxchar)


from libc.string cimport memchr, memcpy

# What the shortcuts test of each byte, looked up in one table rather than by a chain of
# comparisons (the shortcuts read every byte of most hrefs of a page, several times).
DEF SAFE_PATH = 1  # a character of urls._SAFE_PATH's class: [A-Za-z0-9\-._~!$&()*+,;=:@/%?]
DEF SURPRISE = 2  # where urls._simple's "/.", "%2e" or "xn--" is noticed: ".", "%", "x"
DEF LINE_BREAK = 4  # a tab or a line break, which urls._clean removes
DEF PLAIN = 8  # safe, and no surprise starts there (most characters of a URL)
DEF HOST_PLAIN = 16  # [a-z0-9-] but "x" (where "xn--" may start): a host label goes on

cdef unsigned char[256] _URL_BYTES


cdef void _fill_url_bytes() noexcept:
    cdef int c
    for c in range(256):
        _URL_BYTES[c] = 0
        if c < 128 and (97 <= c <= 122 or 65 <= c <= 90 or 48 <= c <= 57 or c in b"-._~!$&()*+,;=:@/%?"):
            _URL_BYTES[c] |= SAFE_PATH
        if c == 46 or c == 37 or c == 120:
            _URL_BYTES[c] |= SURPRISE
        if c == 9 or c == 10 or c == 13:
            _URL_BYTES[c] |= LINE_BREAK
        if _URL_BYTES[c] == SAFE_PATH:
            _URL_BYTES[c] |= PLAIN
        if (97 <= c <= 122 or 48 <= c <= 57 or c == 45) and c != 120:
            _URL_BYTES[c] |= HOST_PLAIN


_fill_url_bytes()


cdef bint _safe_and_simple(const unsigned char *text, Py_ssize_t start, Py_ssize_t end) noexcept:
    """Whether ``text[start:end]`` is all characters of urls._SAFE_PATH's class and holds
    none of urls._simple's "/.", "%2e", "%2E" or "xn--" (read up to ``end``): one pass,
    passing over plain characters four at a time ("/." noticed at its dot, which paths
    have fewer of than slashes)."""
    cdef Py_ssize_t index = start
    cdef unsigned char c, kind
    while index < end:
        if index + 4 <= end and (_URL_BYTES[text[index]] & _URL_BYTES[text[index + 1]]
                                 & _URL_BYTES[text[index + 2]] & _URL_BYTES[text[index + 3]] & PLAIN):
            index += 4
            continue
        c = text[index]
        kind = _URL_BYTES[c]
        if not kind & PLAIN:
            if not kind & SAFE_PATH:
                return False
            if c == 46:  # "/."
                if index > start and text[index - 1] == 47:
                    return False
            elif c == 37:  # "%2e", "%2E"
                if (index + 2 < end and text[index + 1] == 50
                        and text[index + 2] in (101, 69)):
                    return False
            elif c == 120:  # "xn--"
                if (index + 3 < end and text[index + 1] == 110
                        and text[index + 2] == 45 and text[index + 3] == 45):
                    return False
        index += 1
    return True


cdef bint _simple_root_relative(const unsigned char *text, Py_ssize_t end) noexcept:
    """urls._ROOT_RELATIVE.match(text[:end]) and urls._simple(text[:end]): "/" not followed
    by "/", then safe characters, none of the surprises."""
    if end < 1 or text[0] != 47:
        return False
    if end > 1 and text[1] == 47:
        return False
    return _safe_and_simple(text, 0, end)


cdef Py_ssize_t _canonical_host_end(const unsigned char *text, Py_ssize_t end, bint *upper) noexcept:
    """Where the host ends when ``text[:end]`` starts as urls._CANONICAL requires: http(s)://,
    then a host as _host_end takes it (``upper`` set when it has upper-case letters); else
    -1."""
    cdef Py_ssize_t index
    if end >= 7 and text[4] == 58:
        index = 4
    elif end >= 8 and text[4] == 115 and text[5] == 58:
        index = 5
    else:
        return -1
    if not (text[0] == 104 and text[1] == 116
            and text[2] == 116 and text[3] == 112
            and text[index + 1] == 47 and text[index + 2] == 47):
        return -1
    return _host_end(text, index + 3, end, upper)


cdef Py_ssize_t _host_end(const unsigned char *text, Py_ssize_t index, Py_ssize_t end, bint *upper) noexcept:
    """Where the host starting at ``index`` ends when it is as urls._CANONICAL requires, but
    for letters in either case: ASCII labels of [A-Za-z0-9-] (none empty, the last starting
    with a letter, no "xn--" in any, in any case), then "/", "?" or the end; else -1.
    ``upper`` is set when it has upper-case letters (the URL standard's host is the same in
    lower case: _host_lowered)."""
    cdef Py_ssize_t label_start = index
    cdef unsigned char c
    while index < end:
        c = text[index]
        if _URL_BYTES[c] & HOST_PLAIN:
            index += 1
            continue
        if c == 47 or c == 63:
            break
        if c == 46:
            if index == label_start:
                return -1  # an empty label
            label_start = index + 1
        elif not (97 <= c <= 122 or 65 <= c <= 90 or 48 <= c <= 57 or c == 45):
            return -1
        elif ((c | 32) == 120 and index + 3 < end and (text[index + 1] | 32) == 110
                and text[index + 2] == 45 and text[index + 3] == 45):
            return -1  # "xn--", which urls._simple refuses
        elif c <= 90 and c >= 65:
            upper[0] = True
        index += 1
    if index == label_start:
        return -1  # no host, or an empty last label
    c = text[label_start]
    if not 97 <= (c | 32) <= 122:
        return -1
    return index


cdef Py_ssize_t _fragment_at(const unsigned char *text, Py_ssize_t size) noexcept:
    """Where "#" first is in ``text``, else its length."""
    cdef const unsigned char *found = <const unsigned char *> memchr(text, 35, size)
    return size if found == NULL else found - text


cdef bint _clean_after(const unsigned char *text, Py_ssize_t start, Py_ssize_t size) noexcept:
    """urls._clean(text) == text for a ``text`` whose first ``start`` characters are neither
    white space nor controls: no tab or line break after them, no control or space at the
    end."""
    cdef Py_ssize_t index
    if text[size - 1] <= 32:
        return False
    for index in range(start, size):
        if _URL_BYTES[text[index]] & LINE_BREAK:
            return False
    return True


cdef bint _other_scheme(const unsigned char *text, Py_ssize_t size) noexcept:
    """Whether ``text`` starts with a scheme other than http(s) ("mailto:", "javascript:"):
    a letter, then letters, digits, "+", "-" or ".", then ":". Whatever follows, the URL
    standard gives such an href that scheme (or no URL), so join gives None."""
    cdef Py_ssize_t index = 0
    cdef unsigned char c
    while index < size:
        c = text[index] | 32  # (lower case, for letters)
        if not (97 <= c <= 122 or (index != 0 and (48 <= text[index] <= 57 or text[index] in b"+-."))):
            break
        index += 1
    if index == 0 or index == size or text[index] != 58:
        return False
    if index == 4 or index == 5:
        # http: or https: (in any case)
        return not ((text[0] | 32) == 104 and (text[1] | 32) == 116 and (text[2] | 32) == 116
                    and (text[3] | 32) == 112 and (index == 4 or (text[4] | 32) == 115))
    return True


#: What FastResolver._shortcut returns for an href the shortcuts do not settle.
cdef object _UNSETTLED = object()


cdef class FastResolver:
    """``urls.Resolver(base)`` for one page: the same answers, the commonest hrefs settled
    without Python code and without the cache (settling one again costs about what hashing
    it for a look-up does, and most of a page's hrefs are met once), read from the
    attribute value's bytes without decoding it; the others looked up in the Python
    resolver's own cache or resolved by it."""

    cdef object resolver
    cdef dict cache
    #: The base's origin ("https://host"), when it is an http(s) URL.
    cdef str origin
    #: The base's scheme and its colon ("http:", "https:"), when it has an origin.
    cdef str scheme
    #: What an empty or ``#fragment`` href resolves to (Resolver.here).
    cdef object here

    def __init__(self, resolver):
        self.resolver = resolver
        self.cache = resolver.cache
        # (ada's serialisation is ASCII: _ascii_url copies its bytes.)
        self.origin = resolver.origin
        self.scheme = None if self.origin is None else self.origin[:self.origin.index(":") + 1]
        self.here = resolver.here

    def __call__(self, href not None):
        """The URL of ``href``: a str, or an attribute value's UTF-8 bytes (for tests)."""
        if isinstance(href, bytes):
            return self.resolve_value(href, len(href))
        return self.resolve(href)

    cdef object resolve(self, str href):
        cdef object url = _UNSETTLED
        if PyUnicode_KIND(href) == PyUnicode_1BYTE_KIND:  # (the shortcuts take ASCII only)
            url = self._shortcut(<const unsigned char *> PyUnicode_DATA(href), len(href), href)
        return self._unsettled(href) if url is _UNSETTLED else url

    cdef object resolve_value(self, const unsigned char *text, Py_ssize_t size):
        """resolve(the UTF-8 ``text[:size]`` decoded as the attribute dict decodes it)."""
        cdef object url = self._shortcut(text, size, None)
        if url is _UNSETTLED:
            return self._unsettled(PyUnicode_DecodeUTF8(<const char *> text, size, "replace"))
        return url

    cdef object _unsettled(self, str href):
        """resolve(href) for an href the shortcuts did not settle."""
        cdef PyObject *known = PyDict_GetItem(self.cache, href)
        if known != NULL:
            return <object> known
        return self.resolver(href)

    cdef object _shortcut(self, const unsigned char *text, Py_ssize_t size, str href):
        """What the shortcuts settle the href ``text[:size]`` to (``href``: the same as a
        str, or None), else _UNSETTLED."""
        cdef Py_ssize_t end, host_end
        cdef bint upper = False
        if size == 0 or text[0] == 35:
            return self.here  # the page itself
        end = _fragment_at(text, size)
        if text[0] == 47:
            if size > 1 and text[1] == 47:
                # "//host/path": an absolute URL of the base's scheme.
                if self.scheme is not None:
                    host_end = _host_end(text, 2, end, &upper)
                    if _canonical_rest(text, host_end, end, size):
                        return _host_lowered(_ascii_url(self.scheme, text, _slash_at(text, host_end, end), end),
                                             len(self.scheme) + host_end, upper)
            elif self.origin is not None and _simple_root_relative(text, end):
                return _ascii_url(self.origin, text, -1, end)
            return _UNSETTLED
        host_end = _canonical_host_end(text, end, &upper)
        if _canonical_rest(text, host_end, end, size):
            if href is not None and end == size and _slash_at(text, host_end, end) < 0 and not upper:
                return href
            return _host_lowered(_ascii_url(None, text, _slash_at(text, host_end, end), end), host_end, upper)
        if _other_scheme(text, end):
            return None
        return _UNSETTLED


cdef str _host_lowered(str url, Py_ssize_t host_end, bint upper):
    """``url`` (just made by _ascii_url) with its first ``host_end`` characters (up to the
    end of its host) in lower case when ``upper``."""
    cdef unsigned char *data
    cdef Py_ssize_t index
    if upper:
        data = <unsigned char *> PyUnicode_DATA(url)
        for index in range(host_end):
            if 65 <= data[index] <= 90:
                data[index] += 32
    return url


cdef inline bint _canonical_rest(const unsigned char *text, Py_ssize_t host_end, Py_ssize_t end,
                                 Py_ssize_t size) noexcept:
    """Whether the href ``text[:size]``, whose host (found) ends at ``host_end`` and
    fragment starts at ``end``, is as urls._CANONICAL's shortcut settles it (urls._clean
    leaving it as it is)."""
    return host_end >= 0 and _safe_and_simple(text, host_end, end) and _clean_after(text, end, size)


cdef inline Py_ssize_t _slash_at(const unsigned char *text, Py_ssize_t host_end, Py_ssize_t end) noexcept:
    """Where the standard's serialisation inserts the path "/" in a URL without a path (the
    host ends it or a query follows it), else -1."""
    return -1 if host_end < end and text[host_end] == 47 else host_end


cdef str _ascii_url(str head, const unsigned char *text, Py_ssize_t slash_at, Py_ssize_t end):
    """``head`` (ASCII, or None) + ``text[:end]`` (ASCII) as a str, with "/" inserted at
    ``slash_at`` (unless it is -1)."""
    cdef Py_ssize_t head_size = 0 if head is None else len(head)
    cdef str url = PyUnicode_New(head_size + end + (slash_at >= 0), 127)
    cdef char *data = <char *> PyUnicode_DATA(url)
    if head_size:
        memcpy(data, PyUnicode_DATA(head), head_size)
        data += head_size
    if slash_at < 0:
        memcpy(data, text, end)
    else:
        memcpy(data, text, slash_at)
        data[slash_at] = 47
        memcpy(data + slash_at + 1, text + slash_at, end - slash_at)
    return url
