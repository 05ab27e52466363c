# The compiled tree view's classes, for the other compiled modules (crawler._fastplace).
from selectolax.lexbor cimport LexborHTMLParser, LexborNode, lxb_dom_node_t


cdef class FastDoc:
    cdef readonly LexborHTMLParser parser
    cdef list nodes
    cdef dict tags
    cdef dict attribute_names

    cdef FastNode wrap(self, lxb_dom_node_t *ptr)
    cdef list wrap_all(self, list found)
    cdef str tag_of(self, FastNode node)
    cdef dict attributes_of(self, FastNode node)
    cdef dict _learn_names(self, FastNode node)


cdef class FastNode:
    cdef lxb_dom_node_t *ptr
    cdef FastDoc doc
    cdef object _tag
    cdef object _attrs
    cdef bint _tag_read
    #: Free for one compiled user of the view to memoise a fact per node (placement).
    cdef public object memo

    cdef LexborNode lexbor(self)
    cdef str get_tag(self)
    cdef dict get_attributes(self)
    cdef FastNode get_parent(self)
