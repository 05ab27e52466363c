# Included by _fastdom.pyx: several of the selectors the C walks answer (plain lists of tags,
# of classes, of tag[attribute]) answered by one walk of the tree. Each walk of a parsed page
# costs about as much as the next however little it matches (lexbor's nodes are scattered in
# memory), so the extractor asks the ones it will need together (FastDoc.prefetch) and
# ``css`` hands each answer out once.

DEF MAX_WALK_QUERIES = 8
DEF KIND_TAGS = 1
DEF KIND_CLASSES = 2
DEF KIND_ATTRIBUTES = 3


cdef bint _within(lxb_dom_node_t *node, lxb_dom_node_t *root) noexcept:
    """Whether ``node`` is ``root`` or below it."""
    while node != NULL:
        if node == root:
            return True
        node = node.parent
    return False


cdef dict _walk_answers(FastDoc doc, lxb_dom_node_t *root, list queries):
    """{(query, scope's address): the FastNodes ``scope.css(query)`` gives} for
    ``queries`` = [(query, scope FastNode)], scopes at or below ``root``, from one walk from
    ``root``; queries of other kinds are left out."""
    cdef int kinds[MAX_WALK_QUERIES]
    cdef lxb_dom_node_t *scopes[MAX_WALK_QUERIES]
    cdef bint inside[MAX_WALK_QUERIES]
    cdef unsigned char tags[MAX_WALK_QUERIES][256]
    cdef uintptr_t[MAX_TAGS] ids
    cdef Py_ssize_t count = 0, index, matches
    cdef list data = []  # per query: its classes or tag[attribute] parts
    cdef list lists = []  # per query: what it found
    cdef dict answers = {}
    cdef lxb_dom_node_t *node
    cdef lxb_dom_attr_t *classes
    cdef bint quirks = doc.parser.document.dom_document.compat_mode == 1
    cdef tuple part
    cdef FastNode scope
    for query, scope in queries:
        if count == MAX_WALK_QUERIES or scope is None or not _within(scope.ptr, root):
            continue
        memset(tags[count], 0, 256)
        matches = _tag_query(query, ids)
        if matches:
            kinds[count] = KIND_TAGS
            for index in range(matches):
                if ids[index] < 256:
                    tags[count][ids[index]] = 1
            data.append(None)
        elif _class_query(query):
            kinds[count] = KIND_CLASSES
            data.append(_class_query(query))
        elif _attr_query(query):
            kinds[count] = KIND_ATTRIBUTES
            data.append(_attr_query(query))
        else:
            continue
        scopes[count] = scope.ptr
        inside[count] = False
        found = []
        lists.append(found)
        answers[(query, <size_t> scope.ptr)] = found
        count += 1
    if count == 0:
        return answers
    node = root
    while True:
        for index in range(count):
            if node == scopes[index]:
                inside[index] = True
        if node.type == FASTDOM_ELEMENT:
            for index in range(count):
                if not inside[index]:
                    continue
                if kinds[index] == KIND_TAGS:
                    if node.local_name < 256 and tags[index][node.local_name]:
                        (<list> lists[index]).append(doc.wrap(node))
                elif kinds[index] == KIND_CLASSES:
                    classes = (<element_t *> node).attr_class
                    if classes != NULL and classes.value != NULL:
                        # lexbor lists an element once per selector of the list it matches.
                        matches = _class_matches(classes.value.data, classes.value.length, <tuple> data[index],
                                                 quirks)
                        while matches > 0:
                            (<list> lists[index]).append(doc.wrap(node))
                            matches -= 1
                else:
                    for part in <tuple> data[index]:
                        if node.local_name == <uintptr_t> part[0]:
                            if _has_attribute(node, <uintptr_t> part[1], <bytes> part[2]):
                                (<list> lists[index]).append(doc.wrap(node))
                            break
        if node.first_child != NULL:
            node = node.first_child
            continue
        while node != root and node.next == NULL:
            _leave(node, scopes, inside, count)
            node = node.parent
        if node == root:
            break
        _leave(node, scopes, inside, count)
        node = node.next
    return answers


cdef inline void _leave(lxb_dom_node_t *node, lxb_dom_node_t **scopes, bint *inside, Py_ssize_t count) noexcept:
    cdef Py_ssize_t index
    for index in range(count):
        if node == scopes[index]:
            inside[index] = False
