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


cdef struct WalkState:
    Py_ssize_t count
    int kinds[MAX_WALK_QUERIES]
    lxb_dom_node_t *scopes[MAX_WALK_QUERIES]
    bint inside[MAX_WALK_QUERIES]
    # Per query, the tags it may match (of a tag[attribute] list too, to pass over the
    # other elements at once) and, of a class list, the lengths of its names.
    unsigned char tags[MAX_WALK_QUERIES][256]
    unsigned long long name_lengths[MAX_WALK_QUERIES]
    # What any query may match: its tags, an element with a class attribute (when one is a
    # class list); and the lowest and highest scope: most nodes are passed over on these.
    unsigned char any_tags[256]
    bint any_classes
    uintptr_t lowest_scope
    uintptr_t highest_scope
    bint quirks
    # Borrowed (the caller holds them): the view, and per query its classes or
    # tag[attribute] parts and the list of what it found.
    PyObject *doc
    PyObject *data
    PyObject *lists


cdef bint _within(lxb_dom_node_t *node, lxb_dom_node_t *root) noexcept:
    """Whether ``node`` is ``root`` or below it."""
    while node != NULL:
        if node == root:
            return True
        node = node.parent
    return False


cdef inline int _arrive(WalkState *state, lxb_dom_node_t *node) except -1:
    """The walk reaches ``node``: match it against each query whose scope it is in."""
    cdef Py_ssize_t index
    if state.lowest_scope <= <uintptr_t> node <= state.highest_scope:
        for index in range(state.count):
            if node == state.scopes[index]:
                state.inside[index] = True
    if node.type == FASTDOM_ELEMENT and (
            (node.local_name < 256 and state.any_tags[node.local_name])
            or (state.any_classes and (<element_t *> node).attr_class != NULL)):
        return _match(state, node)
    return 0


cdef int _match(WalkState *state, lxb_dom_node_t *node) except -1:
    """Add the element ``node`` to the answer of each query it matches whose scope it is in."""
    cdef Py_ssize_t index, matches
    cdef lxb_dom_attr_t *classes
    cdef tuple part
    cdef FastDoc doc
    for index in range(state.count):
        if not state.inside[index]:
            continue
        if state.kinds[index] == KIND_TAGS:
            if node.local_name < 256 and state.tags[index][node.local_name]:
                doc = <FastDoc> state.doc
                (<list> (<list> state.lists)[index]).append(doc.wrap(node))
        elif state.kinds[index] == KIND_CLASSES:
            classes = (<element_t *> node).attr_class
            if classes != NULL and classes.value != NULL:
                # lexbor lists an element once per selector of the list it matches.
                matches = _class_matches(classes.value.data, classes.value.length,
                                         <tuple> (<list> state.data)[index], state.quirks,
                                         state.name_lengths[index])
                doc = <FastDoc> state.doc
                while matches > 0:
                    (<list> (<list> state.lists)[index]).append(doc.wrap(node))
                    matches -= 1
        elif node.local_name < 256 and state.tags[index][node.local_name]:
            for part in <tuple> (<list> state.data)[index]:
                if node.local_name == <uintptr_t> part[0]:
                    if _has_attribute(node, <uintptr_t> part[1], <bytes> part[2]):
                        doc = <FastDoc> state.doc
                        (<list> (<list> state.lists)[index]).append(doc.wrap(node))
                    break
    return 0


cdef inline void _leave(WalkState *state, lxb_dom_node_t *node) noexcept:
    """The walk is done with ``node`` and what is below it."""
    cdef Py_ssize_t index
    if state.lowest_scope <= <uintptr_t> node <= state.highest_scope:
        for index in range(state.count):
            if node == state.scopes[index]:
                state.inside[index] = False


cdef dict _walk_answers(FastDoc doc, lxb_dom_node_t *root, list queries):
    """{(query, scope's address): the FastNodes ``scope.css(query)`` gives} for
    ``queries`` = [(query, scope FastNode)], scopes at or below ``root``, from one walk
    (the text facts table's, when it is not built yet); queries of other kinds are left
    out."""
    cdef WalkState state
    cdef uintptr_t[MAX_TAGS] ids
    cdef Py_ssize_t index, matches
    cdef list data = []
    cdef list lists = []
    cdef dict answers = {}
    cdef lxb_dom_node_t *node
    cdef FastNode scope
    state.count = 0
    state.quirks = doc.parser.document.dom_document.compat_mode == 1
    state.doc = <PyObject *> doc
    state.data = <PyObject *> data
    state.lists = <PyObject *> lists
    state.any_classes = False
    memset(state.any_tags, 0, 256)
    for query, scope in queries:
        if state.count == MAX_WALK_QUERIES or scope is None or not _within(scope.ptr, root):
            continue
        memset(state.tags[state.count], 0, 256)
        matches = _tag_query(query, ids)
        if matches:
            state.kinds[state.count] = KIND_TAGS
            for index in range(matches):
                if ids[index] < 256:
                    state.tags[state.count][ids[index]] = 1
            data.append(None)
        elif _class_query(query):
            state.kinds[state.count] = KIND_CLASSES
            state.any_classes = True
            data.append(_class_query(query))
            state.name_lengths[state.count] = _name_lengths(_class_query(query))
        elif _attr_query(query) and all(<uintptr_t> part[0] < 256 for part in _attr_query(query)):
            state.kinds[state.count] = KIND_ATTRIBUTES
            for part in _attr_query(query):
                state.tags[state.count][<uintptr_t> part[0]] = 1
            data.append(_attr_query(query))
        else:
            continue
        for index in range(256):
            state.any_tags[index] |= state.tags[state.count][index]
        if state.count == 0 or <uintptr_t> scope.ptr < state.lowest_scope:
            state.lowest_scope = <uintptr_t> scope.ptr
        if state.count == 0 or <uintptr_t> scope.ptr > state.highest_scope:
            state.highest_scope = <uintptr_t> scope.ptr
        state.scopes[state.count] = scope.ptr
        state.inside[state.count] = False
        found = []
        lists.append(found)
        answers[(query, <size_t> scope.ptr)] = found
        state.count += 1
    if state.count == 0:
        return answers
    if doc.table == NULL and _within(root, &doc.parser.document.dom_document.node):
        doc.table = _build_table(&doc.parser.document.dom_document.node, &state)
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
