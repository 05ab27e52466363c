# cython: language_level=3, boundscheck=False, wraparound=False
"""The tag counts crawler.parseguard looks at before every parse, from one compiled pass
over the page's bytes (``tag_counts``): a few times faster than the ``bytes.count`` calls it
replaces, so that looking at every page costs little."""

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
