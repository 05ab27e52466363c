# The structs of _fastnaming.pxi (included by crawler._fastplace and crawler._fastmain, each
# with its own answers table): declarations only, no module of this name is built.
from cpython.ref cimport PyObject
from libc.stdint cimport uint64_t


cdef struct Value:
    # An attribute's value as lexbor holds it (not decoded).
    const unsigned char *data  # NULL: None (no such attribute, or one without a value)
    size_t length  # 0 when data is NULL


cdef struct Naming:
    # The attributes placement judges an element by, as its attribute dict would give them.
    bint any  # it has attributes
    bint hidden  # a hidden attribute
    Value classes
    Value ident
    Value role
    Value style
    Value aria_hidden
    Value rel
    Value itemprop


cdef struct Answers:
    # What follows from an element's tag, class, id and role (and whether it sits in an
    # article, for placement._markers), kept by the key they were worked out for. 64 bytes:
    # one cache line of the answers' table (its slots are read at random; a miss each).
    uint64_t hash
    unsigned char *key  # NULL: an empty slot
    size_t length
    # placement._markers' (landmark, region), a reference each (None, None when not worked
    # out): no tuple to reach through another miss.
    PyObject *landmark
    PyObject *region
    int known  # which of the answers below are worked out (K_* bits)
    int flags  # cleanup._name_flags
    bint unlikely  # mainblock.unlikely_candidate
    long weight  # mainblock.class_weight
