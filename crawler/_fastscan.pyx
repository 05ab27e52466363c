# cython: language_level=3, boundscheck=False, wraparound=False
"""Byte counts for crawler.parseguard, compiled: ``count_byte(data, byte)`` is
``data.count(bytes([byte]))`` for a bytes page, several times faster (a loop the C compiler
turns into vector instructions), so looking at every page before its parse costs little;
``count_pair(data, first, second)`` counts ``first`` followed by ``second`` in either
case (``<o`` and ``<O``)."""

cdef extern from *:
    """
    #if defined(__GNUC__) && !defined(__clang__)
    __attribute__((optimize("O3")))
    #endif
    static Py_ssize_t backlinks_count_byte(const unsigned char *p, Py_ssize_t n, unsigned char c) {
        Py_ssize_t total = 0;
        while (n > 0) {
            /* Blocks of at most 255 bytes: an 8-bit counter per lane cannot overflow. */
            Py_ssize_t block = n < 255 ? n : 255;
            unsigned char count = 0;
            for (Py_ssize_t i = 0; i < block; i++) {
                count += p[i] == c;
            }
            total += count;
            p += block;
            n -= block;
        }
        return total;
    }
    #if defined(__GNUC__) && !defined(__clang__)
    __attribute__((optimize("O3")))
    #endif
    static Py_ssize_t backlinks_count_pair(const unsigned char *p, Py_ssize_t n, unsigned char a,
                                           unsigned char b) {
        Py_ssize_t total = 0;
        n -= 1;  /* pairs start before the last byte */
        while (n > 0) {
            Py_ssize_t block = n < 255 ? n : 255;
            unsigned char count = 0;
            for (Py_ssize_t i = 0; i < block; i++) {
                count += (p[i] == a) & ((p[i + 1] | 0x20) == b);
            }
            total += count;
            p += block;
            n -= block;
        }
        return total;
    }
    """
    Py_ssize_t backlinks_count_byte(const unsigned char *p, Py_ssize_t n, unsigned char c) nogil
    Py_ssize_t backlinks_count_pair(const unsigned char *p, Py_ssize_t n, unsigned char a,
                                    unsigned char b) nogil


def count_byte(bytes data, unsigned char byte):
    """How many times ``byte`` occurs in ``data``."""
    return backlinks_count_byte(<const unsigned char *> <char *> data, len(data), byte)


def count_pair(bytes data, unsigned char first, unsigned char second):
    """How many times ``first`` is followed by ``second`` (a lower-case ASCII letter) or its
    upper case in ``data``."""
    return backlinks_count_pair(<const unsigned char *> <char *> data, len(data), first, second)
