# crawler._fastplace's classes, for crawler._fastlinks (emit reads a link's Place in C).
from crawler._fastdom cimport FastNode


cdef class Place:
    # crawler.placement's Info tuple: (landmark, region, hidden, in_article, zone, in_table,
    # block, depth).
    cdef readonly object landmark
    cdef readonly str region
    cdef readonly bint hidden
    cdef readonly long in_article
    cdef readonly long zone
    cdef readonly bint in_table
    cdef readonly FastNode block
    cdef readonly long depth


cdef class FastPlacement:
    cdef frozenset main_ids
    cdef frozenset listed
    cdef dict child_zone
    cdef bint strip_unlikely
    cdef object clean_conditionally
    cdef readonly tuple root
    cdef Place root_place

    cdef bint dropped(self, FastNode node, str tag, dict attrs, bint in_table, bint in_article,
                      bint listed) except -1
    cdef Place at(self, FastNode node)
    cdef Place _of(self, FastNode node)
    cdef Place _derive(self, FastNode element, Place parent)
