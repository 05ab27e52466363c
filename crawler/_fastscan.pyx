# cython: language_level=3, boundscheck=False, wraparound=False
"""The tag counts crawler.parseguard looks at before every parse, from one compiled pass
over the page's bytes (``tag_counts``): a few times faster than the ``bytes.count`` calls it
replaces, so that looking at every page costs little. Also whether a body is UTF-8
(``is_utf8``, for crawler.encoding), without decoding it."""

from libc.string cimport memchr

cdef extern from *:
    """
    /* Whether the tag name at p (up to end) is a formatting element's followed by white
       space: b, big, code, em, font, i, nobr, s, small, strike, strong, tt, u. */
    static int backlinks_rest_is(const unsigned char *p, const unsigned char *end, const char *rest) {
        while (*rest) {
            if (p >= end || (*p | 0x20) != (unsigned char) *rest) return 0;
            p++;
            rest++;
        }
        /* white space, or "/": the tokenizer reads <b/id=1> as <b id=1> */
        return p < end && (*p == 32 || *p == 9 || *p == 10 || *p == 13 || *p == 12 || *p == 47);
    }
    /* One pass over a page: its "<", its "<o"/"<O" (an upper bound of its option tags)
       and its formatting start tags followed by white space or "/" (those with attributes). */
    static void backlinks_tag_counts(const unsigned char *p, Py_ssize_t n, Py_ssize_t *lt,
                                     Py_ssize_t *options, Py_ssize_t *formatting) {
        const unsigned char *end = p + n;
        Py_ssize_t tags = 0, opts = 0, total = 0;
        while (p < end && (p = memchr(p, '<', (size_t) (end - p))) != NULL) {
            tags++;
            p++;
            if (p >= end) break;
            const unsigned char *q = p + 1;
            switch (*p | 0x20) {
            case 'b': total += backlinks_rest_is(q, end, "") || backlinks_rest_is(q, end, "ig"); break;
            case 'c': total += backlinks_rest_is(q, end, "ode"); break;
            case 'e': total += backlinks_rest_is(q, end, "m"); break;
            case 'f': total += backlinks_rest_is(q, end, "ont"); break;
            case 'i': total += backlinks_rest_is(q, end, ""); break;
            case 'n': total += backlinks_rest_is(q, end, "obr"); break;
            case 'o': opts++; break;
            case 's': total += backlinks_rest_is(q, end, "") || backlinks_rest_is(q, end, "mall")
                               || backlinks_rest_is(q, end, "trike") || backlinks_rest_is(q, end, "trong"); break;
            case 't': total += backlinks_rest_is(q, end, "t"); break;
            case 'u': total += backlinks_rest_is(q, end, ""); break;
            default: break;
            }
        }
        *lt = tags;
        *options = opts;
        *formatting = total;
    }
    """
    void backlinks_tag_counts(const unsigned char *p, Py_ssize_t n, Py_ssize_t *lt,
                              Py_ssize_t *options, Py_ssize_t *formatting) nogil


cdef extern from *:
    """
    #include <string.h>
    /* Whether p[0:n] is well-formed UTF-8 as Python's strict decoder reads it (the Unicode
       standard's table 3-7: no overlong forms, no surrogates, nothing past U+10FFFF). Runs
       of ASCII are skipped eight bytes at a time. */
    static int backlinks_is_utf8(const unsigned char *p, Py_ssize_t n) {
        const unsigned char *end = p + n;
        while (p < end) {
            if (*p < 0x80) {
                unsigned long long word;
                while (end - p >= 8) {
                    memcpy(&word, p, 8);
                    if (word & 0x8080808080808080ULL) break;
                    p += 8;
                }
                while (p < end && *p < 0x80) p++;
                continue;
            }
            unsigned char lead = *p, low = 0x80, high = 0xBF;
            int more;
            if (lead >= 0xC2 && lead <= 0xDF) more = 1;
            else if (lead >= 0xE0 && lead <= 0xEF) {
                more = 2;
                if (lead == 0xE0) low = 0xA0;
                else if (lead == 0xED) high = 0x9F;
            } else if (lead >= 0xF0 && lead <= 0xF4) {
                more = 3;
                if (lead == 0xF0) low = 0x90;
                else if (lead == 0xF4) high = 0x8F;
            } else return 0;
            if (end - p <= more || p[1] < low || p[1] > high) return 0;
            for (int i = 2; i <= more; i++) {
                if (p[i] < 0x80 || p[i] > 0xBF) return 0;
            }
            p += more + 1;
        }
        return 1;
    }
    """
    bint backlinks_is_utf8(const unsigned char *p, Py_ssize_t n) nogil


def tag_counts(bytes data):
    """(how many "<", how many "<o" or "<O", how many start tags of formatting elements
    (b, big, code, em, font, i, nobr, s, small, strike, strong, tt, u; any case) followed by
    white space, i.e. with attributes) in ``data``, from one pass."""
    cdef Py_ssize_t lt = 0, options = 0, formatting = 0
    backlinks_tag_counts(<const unsigned char *> <char *> data, len(data), &lt, &options, &formatting)
    return lt, options, formatting


def first_tag_start(bytes data, Py_ssize_t start, Py_ssize_t end):
    """Where the first "<" followed by an ASCII letter lies in ``data[start:end]`` (both
    inside it), or -1: the start of ``re.compile(rb"<[A-Za-z][^>]*").search(data, start,
    end)``, found by memchr instead of the regex engine (crawler.parseguard reads runs of
    up to megabytes of inline script this way)."""
    cdef const unsigned char *base = <const unsigned char *> <char *> data
    cdef Py_ssize_t size = len(data)
    cdef const unsigned char *p
    cdef const unsigned char *stop
    cdef unsigned char letter
    if end > size:
        end = size
    if start < 0:
        start = 0
    if end - start < 2:
        return -1
    p = base + start
    stop = base + end - 1  # the "<" needs a letter after it, before end
    while p < stop:
        p = <const unsigned char *> memchr(p, b'<', <size_t> (stop - p))
        if p == NULL:
            return -1
        letter = p[1] | 0x20
        if b'a' <= letter <= b'z':
            return p - base
        p += 1
    return -1


def is_utf8(bytes data):
    """Whether ``data.decode("utf-8")`` would succeed, without building the str."""
    return backlinks_is_utf8(<const unsigned char *> <char *> data, len(data))
