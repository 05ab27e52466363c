# Included by _fastdom.pyx: several of the selectors the C walks answer (plain lists of tags,
# of classes, of tag[attribute]) answered by one walk of the tree. Each walk of a parsed page
# costs about as much as the next however little it matches (lexbor's nodes are scattered in
# memory), so the extractor asks the ones it will need together (FastDoc.prefetch), they are
# matched during the walk that builds the text facts table (_factstable.pxi) when it has not
# been built yet, and ``css`` hands each answer out once.

from cpython.object cimport PyObject

DEF MAX_WALK_QUERIES = 8
DEF KIND_TAGS = 1
DEF KIND_CLASSES = 2
DEF KIND_ATTRIBUTES = 3


cdef struct WantedAttribute:
    # A part of a tag[attribute] list: the tag's id, the attribute's (lexbor's fixed id, or 0:
    # then its name, bytes borrowed from the query's parts).
    uintptr_t tag
    uintptr_t attribute
    PyObject *name


cdef struct WalkState:
    Py_ssize_t count
    int kinds[MAX_WALK_QUERIES]
    lxb_dom_node_t *scopes[MAX_WALK_QUERIES]
    # Sets of queries (bit ``index`` for query ``index``): those whose scope the walk is in;
    # by tag id, those that may match an element of that tag (a tag[attribute] list too, to
    # pass over the other elements at once); those that are class lists.
    unsigned int inside
    unsigned int tag_queries[256]
    unsigned int class_queries
    # Per class list, its names.
    ClassNames classes[MAX_WALK_QUERIES]
    # Per tag[attribute] list, its parts.
    WantedAttribute attributes[MAX_WALK_QUERIES][MAX_TAGS]
    Py_ssize_t attribute_counts[MAX_WALK_QUERIES]
    # The lowest scope's address and how far above it the highest one is: most nodes are
    # passed over on these (with one comparison: one below wraps round to above).
    uintptr_t lowest_scope
    uintptr_t scopes_span
    bint quirks
    # Borrowed (the caller holds them): the view, and per query the list of what it found.
    PyObject *doc
    PyObject *found[MAX_WALK_QUERIES]


cdef bint _within(lxb_dom_node_t *node, lxb_dom_node_t *root) noexcept:
    """Whether ``node`` is ``root`` or below it."""
    while node != NULL:
        if node == root:
            return True
        node = node.parent
    return False


cdef inline int _arrive(WalkState *state, lxb_dom_node_t *node) except -1:
    """The walk reaches ``node``: match it against each query whose scope it is in."""
    cdef unsigned int wanted
    cdef Py_ssize_t index
    if <uintptr_t> node - state.lowest_scope <= state.scopes_span:
        for index in range(state.count):
            if node == state.scopes[index]:
                state.inside |= 1U << index
    if node.type == FASTDOM_ELEMENT:
        wanted = state.tag_queries[node.local_name] if node.local_name < 256 else 0
        if state.class_queries and (<element_t *> node).attr_class != NULL:
            wanted |= state.class_queries
        wanted &= state.inside
        if wanted:
            return _match(state, node, wanted)
    return 0


cdef int _match(WalkState *state, lxb_dom_node_t *node, unsigned int wanted) except -1:
    """Add the element ``node`` to the answer of each query of the set ``wanted`` (those
    whose scope it is in that its tag or its class attribute may match) it matches."""
    cdef Py_ssize_t index = 0, matches
    cdef lxb_dom_attr_t *classes
    cdef FastDoc doc = <FastDoc> state.doc
    while wanted:
        if wanted & 1:
            if state.kinds[index] == KIND_TAGS:
                matches = 1
            elif state.kinds[index] == KIND_CLASSES:
                # (In ``wanted`` only when the element has a class attribute.) lexbor lists
                # an element once per selector of the list it matches.
                classes = (<element_t *> node).attr_class
                matches = 0 if classes.value == NULL else _class_matches(
                    classes.value.data, classes.value.length, &state.classes[index], state.quirks)
            else:
                matches = _has_wanted_attribute(state, node, index)
            while matches > 0:
                (<list> state.found[index]).append(doc.wrap(node))
                matches -= 1
        wanted >>= 1
        index += 1
    return 0


cdef bint _has_wanted_attribute(WalkState *state, lxb_dom_node_t *node, Py_ssize_t index) noexcept:
    """Whether the element ``node`` has the attribute the tag[attribute] list ``index``
    wants of its tag."""
    cdef WantedAttribute *part
    cdef Py_ssize_t which
    for which in range(state.attribute_counts[index]):
        part = &state.attributes[index][which]
        if node.local_name == part.tag:
            return _has_attribute(node, part.attribute, <bytes> part.name)
    return False


cdef inline void _leave(WalkState *state, lxb_dom_node_t *node) noexcept:
    """The walk is done with ``node`` and what is below it."""
    cdef Py_ssize_t index
    if <uintptr_t> node - state.lowest_scope <= state.scopes_span:
        for index in range(state.count):
            if node == state.scopes[index]:
                state.inside &= ~(1U << index)


cdef int _want_attribute(WalkState *state, Py_ssize_t which, tuple part) except -1:
    """Part ``which`` of the tag[attribute] list being added to ``state`` is ``part``
    (tag id, attribute id or 0, attribute name: _attr_query's)."""
    cdef WantedAttribute *wanted = &state.attributes[state.count][which]
    wanted.tag = <uintptr_t> part[0]
    wanted.attribute = <uintptr_t> part[1]
    wanted.name = <PyObject *> part[2]
    state.tag_queries[wanted.tag] |= 1U << state.count
    return 0


cdef int _prefetch(FastDoc doc, list queries, HeadWalk *head) except -1:
    """FastDoc.prefetch(queries); with ``head``, from ``head_walk``'s walk (which builds the
    text facts table even when there is no root element to answer them from)."""
    cdef lxb_dom_node_t *root = NULL
    cdef FastNode root_node
    found = doc.parser.root
    if found is not None:
        root_node = doc.wrap((<LexborNode> found).node)
        root = root_node.ptr
        queries = [(query, root_node if scope is None else scope) for query, scope in queries]
    elif head == NULL:
        return 0
    doc.answers.update(_walk_answers(doc, root, queries, head))
    return 0


cdef dict _walk_answers(FastDoc doc, lxb_dom_node_t *root, list queries, HeadWalk *head):
    """{(query, scope's address): the FastNodes ``scope.css(query)`` gives} for
    ``queries`` = [(query, scope FastNode)], scopes at or below ``root``, from one walk
    (the text facts table's, when it is not built yet; ``head_walk``'s with ``head``, the
    table then not built yet); queries of other kinds are left out."""
    cdef WalkState state
    cdef uintptr_t[MAX_TAGS] ids
    cdef Py_ssize_t index, matches
    cdef list held = []  # what the state borrows: the queries' names or parts, and answers
    cdef dict answers = {}
    cdef lxb_dom_node_t *node
    cdef FastNode scope
    cdef tuple names, parts
    cdef uintptr_t highest_scope = 0
    state.count = 0
    state.lowest_scope = state.scopes_span = 0
    state.quirks = doc.parser.document.dom_document.compat_mode == 1
    state.doc = <PyObject *> doc
    state.inside = 0
    state.class_queries = 0
    memset(state.tag_queries, 0, sizeof(state.tag_queries))
    for query, scope in queries:
        if state.count == MAX_WALK_QUERIES or scope is None or not _within(scope.ptr, root):
            continue
        matches = _tag_query(query, ids)
        names = _class_query(query) if not matches else ()
        parts = _attr_query(query) if not matches and not names else ()
        if matches:
            state.kinds[state.count] = KIND_TAGS
            for index in range(matches):
                if ids[index] < 256:
                    state.tag_queries[ids[index]] |= 1U << state.count
        elif names:
            state.kinds[state.count] = KIND_CLASSES
            state.class_queries |= 1U << state.count
            held.append(names)
            _class_names(names, &state.classes[state.count])
        elif parts and len(parts) <= MAX_TAGS and all(<uintptr_t> part[0] < 256 for part in parts):
            state.kinds[state.count] = KIND_ATTRIBUTES
            held.append(parts)
            for index in range(len(parts)):
                _want_attribute(&state, index, <tuple> parts[index])
            state.attribute_counts[state.count] = len(parts)
        else:
            continue
        if state.count == 0 or <uintptr_t> scope.ptr < state.lowest_scope:
            state.lowest_scope = <uintptr_t> scope.ptr
        if state.count == 0 or <uintptr_t> scope.ptr > highest_scope:
            highest_scope = <uintptr_t> scope.ptr
        state.scopes[state.count] = scope.ptr
        found = []
        held.append(found)
        state.found[state.count] = <PyObject *> found
        answers[(query, <size_t> scope.ptr)] = found
        state.count += 1
    if state.count == 0 and head == NULL:
        return answers
    if state.count > 0:
        state.scopes_span = highest_scope - state.lowest_scope
    if head != NULL or (doc.table == NULL and _within(root, &doc.parser.document.dom_document.node)):
        doc.table = _build_table(&doc.parser.document.dom_document.node, &state, head)
        return answers
    node = root
    while True:
        _arrive(&state, node)
        if node.first_child != NULL:
            node = node.first_child
            continue
        while node != root and node.next == NULL:
            _leave(&state, node)
            node = node.parent
        if node == root:
            break
        _leave(&state, node)
        node = node.next
    return answers
