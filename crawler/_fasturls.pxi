# Included by _fastlinks.pyx: crawler.urls.Resolver's shortcuts, compiled, and its cache. The
# shortcuts are urls._ROOT_RELATIVE, urls._CANONICAL and urls._simple written as character
# tests, _CANONICAL's also for a URL without a path and for a scheme-relative "//host/..."
# href (whose join is the base's scheme and the href); anything they do not settle goes to
# the Python Resolver itself, which caches it.

from cpython.dict cimport PyDict_GetItem
from cpython.object cimport PyObject

cdef extern from "Python.h":
    int PyUnicode_KIND(object text)
    void *PyUnicode_DATA(object text)
    int PyUnicode_1BYTE_KIND


from libc.string cimport memchr

# What the shortcuts test of each byte, looked up in one table rather than by a chain of
# comparisons (the shortcuts read every byte of most hrefs of a page, several times).
DEF SAFE_PATH = 1  # a character of urls._SAFE_PATH's class: [A-Za-z0-9\-._~!$&()*+,;=:@/%?]
DEF SIMPLE_STARTS = 2  # where urls._simple's "/.", "%2e" or "xn--" may start: "/", "%", "x"
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
        if c == 47 or c == 37 or c == 120:
            _URL_BYTES[c] |= SIMPLE_STARTS
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
    passing over plain characters four at a time."""
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
            if c == 47:  # "/."
                if index + 1 < end and text[index + 1] == 46:
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


cdef Py_ssize_t _canonical_host_end(const unsigned char *text, Py_ssize_t end) noexcept:
    """Where the host ends when ``text[:end]`` starts as urls._CANONICAL requires: http(s)://,
    lower-case ASCII labels of [a-z0-9-] (none empty, the last starting with a letter, no
    "xn--" in any), then "/", "?" or the end; else -1."""
    cdef Py_ssize_t index, label_start
    cdef Py_UCS4 c
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
    index += 3
    label_start = index
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
        elif not (97 <= c <= 122 or 48 <= c <= 57 or c == 45):
            return -1
        elif (c == 120 and index + 3 < end and text[index + 1] == 110
                and text[index + 2] == 45 and text[index + 3] == 45):
            return -1  # "xn--", which urls._simple refuses
        index += 1
    if index == label_start:
        return -1  # no host, or an empty last label
    c = text[label_start]
    if not 97 <= c <= 122:
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


cdef class FastResolver:
    """``urls.Resolver(base)`` for one page: the same answers, the commonest hrefs settled
    without Python code and without the cache (settling one again costs about what hashing
    it for a look-up does, and most of a page's hrefs are met once), the others looked up
    in the Python resolver's own cache or resolved by it."""

    cdef object resolver
    cdef dict cache
    cdef object origin
    #: The base's scheme and its colon ("http:", "https:"), when it has an origin.
    cdef object scheme
    #: What every ``#fragment`` href resolves to (Resolver.here), once the resolver knows it.
    cdef object here
    cdef bint here_known

    def __init__(self, resolver):
        self.resolver = resolver
        self.cache = resolver.cache
        self.origin = resolver.origin
        self.scheme = None if self.origin is None else self.origin[:self.origin.index(":") + 1]
        self.here_known = False

    def __call__(self, str href not None):
        return self.resolve(href)

    cdef object resolve(self, str href):
        cdef object url = self._shortcut(href)
        cdef PyObject *known
        if url is not None:
            return url
        known = PyDict_GetItem(self.cache, href)
        if known != NULL:
            return <object> known
        if not self.here_known and len(href) != 0 and href[0] == u"#":
            # The first in-page link: the resolver's answer for the page, which it keeps
            # once it has joined it (a page has many: footnotes, tables of contents).
            url = self.resolver(href)
            here = self.resolver.here
            if here is not False:
                self.here = here
                self.here_known = True
            return url
        return self.resolver(href)

    cdef object _shortcut(self, str href):
        """What the shortcuts settle ``href`` to, else None."""
        cdef Py_ssize_t end, size = len(href)
        cdef const unsigned char *text
        if size == 0 or PyUnicode_KIND(href) != PyUnicode_1BYTE_KIND:
            return None  # (the shortcuts take ASCII only)
        text = <const unsigned char *> PyUnicode_DATA(href)
        if text[0] == 35:
            return self.here if self.here_known else None
        end = _fragment_at(text, size)
        if text[0] == 47:
            if size > 1 and text[1] == 47:
                # "//host/path": an absolute URL of the base's scheme.
                if self.scheme is not None:
                    return _canonical_url(self.scheme + href, end + len(self.scheme))
            elif self.origin is not None and _simple_root_relative(text, end):
                return self.origin + href[:end]
            return None
        return _canonical_url(href, end)


cdef object _canonical_url(str href, Py_ssize_t end):
    """join(any base, href) for an ASCII ``href`` whose fragment starts at ``end`` (or none:
    its length) when urls._CANONICAL's shortcut settles it (urls._clean leaving the href as
    it is), else None. Without a
    path (the host ends the URL or a query follows it), the standard's serialisation
    gives the path "/"."""
    cdef const unsigned char *text = <const unsigned char *> PyUnicode_DATA(href)
    cdef Py_ssize_t host_end = _canonical_host_end(text, end)
    if host_end < 0 or not _safe_and_simple(text, host_end, end) or not _clean_after(text, end, len(href)):
        return None
    if host_end < end and text[host_end] == 47:
        return href[:end] if end < len(href) else href
    return href[:host_end] + "/" + href[host_end:end]
