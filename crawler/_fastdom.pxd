# The compiled tree view's classes, for the other compiled modules (crawler._fastplace).
from libc.stdint cimport uintptr_t
from selectolax.lexbor cimport LexborHTMLParser, LexborNode, lxb_dom_attr_t, lxb_dom_node_t


cdef struct Facts:
    # What a scan of text found: code points, words, code points in words, commas (",")
    # and fullwidth commas ("，"), whether the first and the last code point are white space.
    Py_ssize_t chars
    Py_ssize_t words
    Py_ssize_t word_chars
    Py_ssize_t commas
    Py_ssize_t wide_commas
    bint lead
    bint trail
    bint in_word
    bint invalid


cdef struct NodeFacts:
    Facts deep  # of text() (every text node below)
    Facts own  # of text(deep=False) (the text children)
    size_t first  # the node's place in document order (every node counted)
    size_t end  # one past the place of its last descendant


cdef class FastDoc:
    cdef readonly LexborHTMLParser parser
    cdef list nodes
    cdef dict tags
    cdef dict attribute_names
    #: Answers of FastDoc.prefetch not handed out yet: (query, scope address) -> FastNodes.
    cdef dict answers
    #: The text facts of every node that has children (a FactsTable, built on first use).
    cdef void *table

    cdef FastNode wrap(self, lxb_dom_node_t *ptr)
    cdef list wrap_all(self, list found)
    cdef str tag_of(self, FastNode node)
    cdef dict attributes_of(self, FastNode node)
    cdef dict _learn_names(self, FastNode node)
    cdef NodeFacts *facts_of(self, lxb_dom_node_t *node) except? NULL


cdef class FastNode:
    cdef lxb_dom_node_t *ptr
    cdef FastDoc doc
    cdef object _tag
    cdef object _attrs
    cdef bint _tag_read
    #: Free for one compiled user of the view to memoise a fact per node (placement).
    cdef public object memo
    #: crawler._fastmain's _alive states of the node, one per scoring pass (0: not known yet).
    cdef unsigned int alive_states[2]
    #: crawler._fastmain's score_paragraphs: the node's place in the running totals of the
    #: call numbered ``scoring`` (a place kept by an earlier call is not the current one's).
    cdef size_t scoring
    cdef Py_ssize_t score_place
    #: crawler._fastlinks' collect: what TextCache.anchor records of this <a> (the piece of
    #: its text and its weighted link text length) for the cache whose ``pieces`` dict is
    #: ``noted_in``, kept here rather than in that cache's dicts (crawler._fastmain reads
    #: them here; another cache has not seen them).
    cdef dict noted_in
    cdef tuple anchor_piece
    cdef double anchor_weight

    cdef LexborNode lexbor(self)
    cdef str get_tag(self)
    cdef dict get_attributes(self)
    cdef FastNode get_parent(self)
    cpdef list element_children(self)
    cdef Facts *facts(self, bint deep, Facts *scratch) except? NULL
    cdef str collapsed(self, bint spaced)
    cdef list with_tags(self, const uintptr_t *ids, Py_ssize_t count, bint first=*)
    cdef list with_classes(self, tuple names)
    cdef list with_attributes(self, tuple wanted)


cdef FastNode wrapped(FastDoc doc, lxb_dom_node_t *ptr)


cdef class TextReader:
    cdef lxb_dom_node_t *root
    #: The node to read on from; NULL once the text is read to its end.
    cdef lxb_dom_node_t *next
    cdef Facts facts
    #: The words read so far: a Words (crawler/_fasttext.pxi) of its own, kept between steps.
    cdef void *words
    cdef readonly bint whole

    cdef str read(self, Py_ssize_t room)


cdef TextReader text_reader(FastNode node)
cdef int any_below(FastNode node, str query) except -1
cdef Py_ssize_t anchors_below(FastNode node, lxb_dom_node_t ***anchors) except -2
cdef str anchor_of(FastNode node, Facts *facts)
cdef tuple facts_piece(Facts *facts)
cdef Facts *node_facts(FastDoc doc, lxb_dom_node_t *node, bint deep, Facts *scratch) except? NULL
cdef str learn_attribute_name(FastDoc doc, lxb_dom_attr_t *attr)


cdef inline lxb_dom_node_t *after_subtree(lxb_dom_node_t *node, lxb_dom_node_t *root) noexcept nogil:
    """The node after ``node``'s subtree in document order within ``root``'s subtree
    (``node`` in it), or NULL at its end: the step of every walk of lexbor's nodes that has
    no child to go down to."""
    while node != root and node.next == NULL:
        node = node.parent
    return NULL if node == root else node.next


cdef extern from *:
    """
    /* __builtin_prefetch, but as an instruction on x86: GCC 12 drops some of the builtin's
       calls from loops (two in a row, seen in emit's). */
    static inline void backlinks_prefetch(const void *address) {
    #if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
        __asm__ volatile ("prefetcht0 %0" : : "m" (*(const char *) address));
    #else
        __builtin_prefetch(address);
    #endif
    }
    """
    # Ask the processor to start loading the cache line at ``address`` (a hint: nothing
    # else happens; used where a read that misses the cache is known some work ahead).
    void prefetch_line "backlinks_prefetch" (const void *address) noexcept nogil
