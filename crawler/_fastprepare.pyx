# cython: language_level=3, boundscheck=False, wraparound=False
"""Compiled ``crawler.index.sqlite_write.prepare``: the same rows, byte for byte, as the
pure-Python ``prepare_pure`` (``tests/test_index_prepare.py`` compares them).

Per link it does in C what the Python version does through the interpreter: normal_url's
fast check (the ``_CANONICAL`` regular expression and its two substring tests), the BLAKE2b
digest of ``sqlite_link_id`` (RFC 7693, 16-byte digest, the source URL's part hashed once
per page), and the record tuple. Anything off the common path (a URL to normalise, a record
without its target host, site or path, a non-bool flag) calls the same Python functions as
the pure version.
"""

from cpython.object cimport PyObject
from cpython.long cimport PyLong_FromUnsignedLongLong
from cpython.number cimport PyNumber_Long
from cpython.unicode cimport PyUnicode_AsUTF8AndSize

from crawler.index.keys import normal_url, source_keys
from crawler.items import Backlink
from crawler.urls import host_of, normalize, path_of, site_of

cdef extern from *:
    """
    #include <stdint.h>
    #include <string.h>

    /* BLAKE2b (RFC 7693), unkeyed; only what sqlite_link_id needs. */
    static const uint64_t bl_iv[8] = {
        0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL, 0x3c6ef372fe94f82bULL, 0xa54ff53a5f1d36f1ULL,
        0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL, 0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL};
    static const uint8_t bl_sigma[12][16] = {
        {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
        {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
        {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4},
        {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
        {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13},
        {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
        {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11},
        {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
        {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5},
        {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
        {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
        {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3}};

    typedef struct {
        uint64_t h[8];
        uint64_t t;       /* bytes compressed so far (links are far below 2**64 bytes) */
        size_t len;       /* bytes waiting in buf */
        uint8_t buf[128];
    } bl_state;

    #define BL_ROTR(x, n) (((x) >> (n)) | ((x) << (64 - (n))))
    #define BL_G(r, i, a, b, c, d) do { \\
            a = a + b + m[bl_sigma[r][2 * i]]; d = BL_ROTR(d ^ a, 32); \\
            c = c + d; b = BL_ROTR(b ^ c, 24); \\
            a = a + b + m[bl_sigma[r][2 * i + 1]]; d = BL_ROTR(d ^ a, 16); \\
            c = c + d; b = BL_ROTR(b ^ c, 63); \\
        } while (0)

    static inline uint64_t bl_load(const uint8_t *p) {
        return (uint64_t) p[0] | (uint64_t) p[1] << 8 | (uint64_t) p[2] << 16 | (uint64_t) p[3] << 24
             | (uint64_t) p[4] << 32 | (uint64_t) p[5] << 40 | (uint64_t) p[6] << 48 | (uint64_t) p[7] << 56;
    }

    static void bl_compress(bl_state *s, int last) {
        uint64_t m[16], v[16];
        int i, r;
        for (i = 0; i < 16; i++) m[i] = bl_load(s->buf + 8 * i);
        for (i = 0; i < 8; i++) { v[i] = s->h[i]; v[i + 8] = bl_iv[i]; }
        v[12] ^= s->t;
        if (last) v[14] = ~v[14];
        for (r = 0; r < 12; r++) {
            BL_G(r, 0, v[0], v[4], v[8], v[12]);
            BL_G(r, 1, v[1], v[5], v[9], v[13]);
            BL_G(r, 2, v[2], v[6], v[10], v[14]);
            BL_G(r, 3, v[3], v[7], v[11], v[15]);
            BL_G(r, 4, v[0], v[5], v[10], v[15]);
            BL_G(r, 5, v[1], v[6], v[11], v[12]);
            BL_G(r, 6, v[2], v[7], v[8], v[13]);
            BL_G(r, 7, v[3], v[4], v[9], v[14]);
        }
        for (i = 0; i < 8; i++) s->h[i] ^= v[i] ^ v[i + 8];
    }

    /* A 16-byte digest, no key. */
    static void bl_init(bl_state *s) {
        int i;
        for (i = 0; i < 8; i++) s->h[i] = bl_iv[i];
        s->h[0] ^= 0x01010000ULL ^ 16;
        s->t = 0;
        s->len = 0;
    }

    static void bl_update(bl_state *s, const uint8_t *data, size_t n) {
        while (n > 0) {
            size_t take;
            if (s->len == 128) {  /* full and more follows: not the last block */
                s->t += 128;
                bl_compress(s, 0);
                s->len = 0;
            }
            take = 128 - s->len;
            if (take > n) take = n;
            memcpy(s->buf + s->len, data, take);
            s->len += take;
            data += take;
            n -= take;
        }
    }

    /* sqlite_link_id of the hashed bytes: the digest's first 8 bytes read big-endian (the
       digest is h[0] little-endian first), top bit cleared. */
    static uint64_t bl_link_id(bl_state *s) {
        uint64_t h0, id = 0;
        int i;
        s->t += s->len;
        memset(s->buf + s->len, 0, 128 - s->len);
        bl_compress(s, 1);
        h0 = s->h[0];
        for (i = 0; i < 8; i++) id = (id << 8) | ((h0 >> (8 * i)) & 0xff);
        return id & 0x7fffffffffffffffULL;
    }

    /* The offset of a __slots__ member (a member descriptor holding an object), or -1. */
    #ifdef Py_T_OBJECT_EX
    #define BL_T_OBJECT_EX Py_T_OBJECT_EX
    #else
    #include "structmember.h"
    #define BL_T_OBJECT_EX T_OBJECT_EX
    #endif
    static Py_ssize_t bl_slot_offset(PyObject *descr) {
        PyMemberDef *member;
        if (Py_TYPE(descr) != &PyMemberDescr_Type) return -1;
        member = ((PyMemberDescrObject *) descr)->d_member;
        if (member->type != BL_T_OBJECT_EX || member->offset <= 0) return -1;
        return member->offset;
    }
    /* The object in that slot (borrowed), NULL when unset. */
    static inline PyObject *bl_slot(PyObject *obj, Py_ssize_t offset) {
        return *(PyObject **) ((char *) obj + offset);
    }

    /* What the collector does to a tuple of atoms (CPython's _PyTuple_MaybeUntrack): a
       tuple of only untracked objects (str, int, None, untracked tuples) cannot be in a
       cycle, so the collector need not look at it. The rows are such tuples, made by the
       million: untracked here, the young collections find (almost) nothing to look at,
       and the rows never count toward a full collection. */
    static void bl_untrack_atoms(PyObject *tuple) {
        Py_ssize_t i, n = PyTuple_GET_SIZE(tuple);
        for (i = 0; i < n; i++) {
            PyObject *item = PyTuple_GET_ITEM(tuple, i);
            if (PyObject_IS_GC(item) && (!PyTuple_CheckExact(item) || PyObject_GC_IsTracked(item))) return;
        }
        if (PyObject_GC_IsTracked(tuple)) PyObject_GC_UnTrack(tuple);
    }

    /* normal_url's fast check on a str: _CANONICAL.match(url) and "/." not in url and
       "%2" not in url. _CANONICAL is: http:// or https://, a host of [a-z0-9-]+ labels
       joined by dots whose last label starts with [a-z], then "/" and nothing but the
       characters of bl_path_char to the end.
       1: it holds; 0: it does not; -1: cannot say here (not a str in compact ASCII form). */
    static int bl_path_char(unsigned char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
            || (c != 0 && strchr("-._~!$&()*+,;=:@/%?", c) != NULL);
    }

    static int bl_canonical(PyObject *u) {
        const unsigned char *s;
        Py_ssize_t n, i, label;
        if (!PyUnicode_Check(u) || !PyUnicode_IS_READY(u) || !PyUnicode_IS_COMPACT_ASCII(u)) return -1;
        s = (const unsigned char *) PyUnicode_DATA(u);
        n = PyUnicode_GET_LENGTH(u);
        if (n >= 8 && memcmp(s, "https://", 8) == 0) i = 8;
        else if (n >= 7 && memcmp(s, "http://", 7) == 0) i = 7;
        else return 0;
        /* the host: labels of [a-z0-9-]+ joined by dots, the last starting with [a-z] */
        for (label = i; i < n; i++) {
            unsigned char c = s[i];
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') continue;
            if (c != '.') break;
            if (i == label) return 0;
            label = i + 1;
        }
        if (i >= n || s[i] != '/' || i == label || !(s[label] >= 'a' && s[label] <= 'z')) return 0;
        for (; i < n; i++) {
            if (!bl_path_char(s[i])) return 0;
        }
        for (i = 0; i + 1 < n; i++) {
            if ((s[i] == '/' && s[i + 1] == '.') || (s[i] == '%' && s[i + 1] == '2')) return 0;
        }
        return 1;
    }
    """
    ctypedef struct bl_state:
        pass
    void bl_init(bl_state *s)
    void bl_update(bl_state *s, const unsigned char *data, size_t n)
    unsigned long long bl_link_id(bl_state *s)
    int bl_canonical(object u)
    Py_ssize_t bl_slot_offset(object descr)
    PyObject *bl_slot(PyObject *obj, Py_ssize_t offset)
    void bl_untrack_atoms(object tuple)


# The Backlink fields prepare reads, in this order. For a Backlink itself (not a subclass)
# they are read from its __slots__ directly, at the offsets its member descriptors give;
# an unset one goes through getattr (which raises AttributeError, as the Python version).
_FIELDS = ("target_url", "target_host", "target_site", "target_path", "anchor", "rel", "nofollow", "ugc",
           "sponsored", "nofollow_by", "kind", "position", "context", "hidden", "region", "count", "type", "origin",
           "toxicity", "toxic_markers", "type_reason", "source_ip")
cdef enum:
    F_TARGET_URL, F_TARGET_HOST, F_TARGET_SITE, F_TARGET_PATH, F_ANCHOR, F_REL, F_NOFOLLOW, F_UGC, F_SPONSORED, \
    F_NOFOLLOW_BY, F_KIND, F_POSITION, F_CONTEXT, F_HIDDEN, F_REGION, F_COUNT, F_TYPE, F_ORIGIN, F_TOXICITY, \
    F_TOXIC_MARKERS, F_TYPE_REASON, F_SOURCE_IP, N_FIELDS
cdef Py_ssize_t _offsets[N_FIELDS]
cdef type _backlink = Backlink
cdef bint _slots_known = len(_FIELDS) == N_FIELDS
for _i, _name in enumerate(_FIELDS):
    _offsets[_i] = bl_slot_offset(Backlink.__dict__.get(_name))
    _slots_known = _slots_known and _offsets[_i] > 0


#: Whether Backlink fields are read from their slots (diagnostics, tests).
SLOTS_KNOWN = _slots_known


cdef object _getattr(object b, int i):
    return getattr(b, _FIELDS[i])


cdef inline object _field(object b, int i, bint slots):
    """``getattr(b, _FIELDS[i])``; from the slot when ``slots`` (b is a Backlink)."""
    cdef PyObject *value
    if slots:
        value = bl_slot(<PyObject *> b, _offsets[i])
        if value is not NULL:
            return <object> value
    return _getattr(b, i)


cdef inline object _as_int(object x):
    """``int(x)``, without the call for the usual bools."""
    if x is True:
        return 1
    if x is False:
        return 0
    return PyNumber_Long(x)


cdef inline void _hash_str(bl_state *state, object text) except *:
    """Feed ``f"{text}".encode()`` (UTF-8) to the hash."""
    cdef Py_ssize_t size
    cdef const char *data
    cdef bytes encoded
    if type(text) is str:
        data = PyUnicode_AsUTF8AndSize(text, &size)
        bl_update(state, <const unsigned char *> data, <size_t> size)
    else:
        encoded = f"{text}".encode()
        bl_update(state, <const unsigned char *> encoded, <size_t> len(encoded))


def prepare(page):
    """``crawler.index.sqlite_write.prepare_pure(page)``, compiled."""
    cdef bl_state prefix, state
    cdef dict links = {}
    cdef int canonical
    cdef bint slots
    cdef tuple record, row
    cdef object b, target_url, target_host, target_site, ident, source_ip
    source_url, source_host, source_site = source_keys(page.source_url)
    seen = page.fetched_at
    page_ip = page.source_ip
    cdef bint have_ip = bool(page_ip)
    bl_init(&prefix)
    _hash_str(&prefix, source_url)
    bl_update(&prefix, <const unsigned char *> b"\n", 1)
    for b in page.backlinks:
        slots = _slots_known and type(b) is _backlink
        target_url = _field(b, F_TARGET_URL, slots)
        canonical = bl_canonical(target_url)
        if canonical < 0:  # not an ASCII str: normal_url itself decides
            target_url = normal_url(target_url)
        elif not canonical:
            target_url = normalize(target_url) or target_url
        target_host = _field(b, F_TARGET_HOST, slots) or host_of(target_url)
        target_site = _field(b, F_TARGET_SITE, slots) or site_of(target_host)
        target_path = _field(b, F_TARGET_PATH, slots) or path_of(target_url)
        state = prefix
        _hash_str(&state, target_url)
        ident = PyLong_FromUnsignedLongLong(bl_link_id(&state))
        source_ip = page_ip if have_ip else _field(b, F_SOURCE_IP, slots)
        record = (
            source_url, source_host, source_site,
            target_url, target_host, target_site, target_path,
            _field(b, F_ANCHOR, slots), " ".join(_field(b, F_REL, slots)),
            _as_int(_field(b, F_NOFOLLOW, slots)), _as_int(_field(b, F_UGC, slots)),
            _as_int(_field(b, F_SPONSORED, slots)), _field(b, F_NOFOLLOW_BY, slots), _field(b, F_KIND, slots),
            _field(b, F_POSITION, slots), _field(b, F_CONTEXT, slots), _as_int(_field(b, F_HIDDEN, slots)),
            _field(b, F_REGION, slots), _field(b, F_COUNT, slots), _field(b, F_TYPE, slots),
            _field(b, F_ORIGIN, slots), _as_int(_field(b, F_TOXICITY, slots)),
            " ".join(_field(b, F_TOXIC_MARKERS, slots)), _field(b, F_TYPE_REASON, slots),
            seen, seen, None, "live", source_ip,
        )
        bl_untrack_atoms(record)
        row = (ident, target_site, target_host, record)
        bl_untrack_atoms(row)
        links[ident] = row
    return source_url, page.status, seen, source_site, page_ip, list(links.values()), page.complete
