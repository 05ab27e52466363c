# crawler._fastmain's TextCache readings of the compiled view's nodes, for crawler._fastplace
# (the clean-up's text lengths and link densities, read without a Python call).
from crawler._fastdom cimport FastNode


cdef tuple _cached_piece(dict pieces, FastNode node, long depth)
cdef double _density(dict pieces, dict links, dict densities, FastNode node) except? -1.0
