# crawler._fastplace's classes, for crawler._fastlinks (emit reads a link's Place in C).
from cpython.ref cimport PyObject

from selectolax.lexbor cimport lxb_dom_node_t

from crawler._fastdom cimport FastNode
from crawler._fastnaming cimport Answers, Naming


cdef extern from "lexbor/tag/const.h":
    enum:
        LXB_TAG__LAST_ENTRY


cdef struct TagKinds:
    # A tag of the page with a fixed lexbor id: its name and what it is to placement.
    PyObject *tag  # the name (a reference kept); NULL: none of the page's elements met yet
    int kinds  # T_* bits


cdef struct Marks:
    # What crawler.placement.Placement knows of an element before placing it.
    size_t key  # the element's address (its mem_id); 0: an empty slot
    bint main  # one of the main blocks (main_ids)
    bint listed  # a listing item (listed)
    long zone  # its child_zone, else Z_PATH


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
    #: crawler._fastlinks.FastContext's entry for the element as a block (its context text),
    #: and the FastContext it belongs to: kept here rather than in a dict keyed by the block.
    cdef object context
    cdef object context_owner


cdef class FastPlacement:
    #: Placement's main_ids, listed and child_zone by element: ``marks_mask`` + 1 slots
    #: (open addressing), NULL when all three are empty.
    cdef Marks *marks
    cdef size_t marks_mask
    cdef bint any_listed
    cdef bint strip_unlikely
    cdef dict scores
    #: The clean-up's TextCache's pieces, link lengths and densities (crawler._fastmain reads them).
    cdef dict pieces
    cdef dict links
    cdef dict densities
    cdef readonly tuple root
    cdef Place root_place
    #: By lexbor's tag id.
    cdef TagKinds tags[LXB_TAG__LAST_ENTRY]
    #: Scratch room for the ancestors FastPlacement._of walks up (``chain_room`` of them).
    cdef lxb_dom_node_t **chain
    cdef size_t chain_room

    cdef bint dropped(self, FastNode node, str tag, int kinds, Naming *naming, Answers *answers, bint in_table,
                      bint in_article, bint listed) except -1
    cdef bint clean_conditionally(self, FastNode node, str tag, Naming *naming, Answers *answers) except -1
    cdef str _tag(self, FastNode element, int *kinds)
    cdef Place at(self, FastNode node)
    cdef Place _of(self, FastNode node)
    cdef int _grow_chain(self) except -1
    cdef int _mark_all(self, placement) except -1
    cdef Marks *_marked(self, size_t key, bint adding) noexcept
    cdef Place _derive(self, FastNode element, Place parent)
