# Included by _fastdom.pyx: the text facts of every node of a document that has children,
# summed up the tree in one walk (each text node read once) and kept in a hash table keyed by
# the node's address, so that an element's text facts are a look-up however deep it nests.


cdef void _merge(Facts *left, const Facts *right) noexcept:
    """``left`` becomes the facts of its text followed by ``right``'s (crawler.nodetext's
    join_pieces, on the fuller facts)."""
    if right.invalid:
        left.invalid = True
    if right.chars == 0:
        return
    if left.chars == 0:
        left.lead = right.lead
    if left.in_word and not right.lead:
        left.words += right.words - 1  # the last word of left and the first of right are one
    else:
        left.words += right.words
    left.chars += right.chars
    left.word_chars += right.word_chars
    left.commas += right.commas
    left.wide_commas += right.wide_commas
    left.trail = right.trail
    left.in_word = not right.trail


cdef inline void _clear(Facts *facts) noexcept:
    facts.chars = facts.words = facts.word_chars = facts.commas = facts.wide_commas = 0
    facts.lead = facts.trail = facts.in_word = facts.invalid = False


cdef struct FactsTable:
    # Open addressing, linear probing: node pointer -> NodeFacts.
    lxb_dom_node_t **keys
    NodeFacts *values
    size_t mask
    int shift  # 64 - log2(size): Fibonacci hashing takes the product's high bits


cdef inline size_t _slot(FactsTable *table, lxb_dom_node_t *key) noexcept:
    return <size_t> (((<unsigned long long> key) * 11400714819323198485ULL) >> table.shift)


cdef NodeFacts *_find(FactsTable *table, lxb_dom_node_t *key) noexcept:
    cdef size_t slot = _slot(table, key)
    while table.keys[slot] != NULL:
        if table.keys[slot] == key:
            return &table.values[slot]
        slot = (slot + 1) & table.mask
    return NULL


cdef NodeFacts *_add(FactsTable *table, lxb_dom_node_t *key) noexcept:
    cdef size_t slot = _slot(table, key)
    while table.keys[slot] != NULL:
        slot = (slot + 1) & table.mask
    table.keys[slot] = key
    return &table.values[slot]


cdef void _free_table(FactsTable *table) noexcept:
    if table != NULL:
        free(table.keys)
        free(table.values)
        free(table)


cdef struct Open:
    lxb_dom_node_t *node
    NodeFacts facts


cdef FactsTable *_build_table(lxb_dom_node_t *root) except NULL:
    """The text facts of every node under ``root`` (and of root) that has children, from
    one walk that reads each text node once and sums the facts up the tree."""
    cdef size_t count = 1
    cdef size_t size = 16
    cdef lxb_dom_node_t *node = root.first_child
    cdef FactsTable *table
    cdef Open *stack = NULL
    cdef Open *grown
    cdef Py_ssize_t depth = 0, room = 0
    cdef Facts text_facts
    cdef NodeFacts *done
    cdef lxb_dom_character_data_t *text
    # Count the nodes with children (the walk of _scan_node), to size the table.
    while node != NULL:
        if node.first_child != NULL:
            count += 1
            node = node.first_child
            continue
        while node != root and node.next == NULL:
            node = node.parent
        if node == root:
            break
        node = node.next
    cdef int bits = 4
    while size < 2 * count:
        size *= 2
        bits += 1
    table = <FactsTable *> calloc(1, sizeof(FactsTable))
    if table == NULL:
        raise MemoryError()
    table.keys = <lxb_dom_node_t **> calloc(size, sizeof(lxb_dom_node_t *))
    table.values = <NodeFacts *> calloc(size, sizeof(NodeFacts))
    table.mask = size - 1
    table.shift = 64 - bits
    if table.keys == NULL or table.values == NULL:
        _free_table(table)
        raise MemoryError()
    try:
        # Depth-first; each open node sums its children's facts, and hands its own to its
        # parent when it is done.
        room = 64
        stack = <Open *> malloc(room * sizeof(Open))
        if stack == NULL:
            raise MemoryError()
        stack[0].node = root
        _clear(&stack[0].facts.deep)
        _clear(&stack[0].facts.own)
        depth = 1
        node = root.first_child
        while depth > 0:
            if node == NULL:
                depth -= 1
                done = _add(table, stack[depth].node)
                done[0] = stack[depth].facts
                if depth > 0:
                    _merge(&stack[depth - 1].facts.deep, &done.deep)
                node = stack[depth].node.next if depth > 0 else NULL
                continue
            if node.local_name == FASTDOM_TAG_TEXT or node.type == FASTDOM_TEXT:
                text = <lxb_dom_character_data_t *> node
                if text.data.data != NULL:
                    _clear(&text_facts)
                    _scan(text.data.data, text.data.length, &text_facts, NULL)
                    if node.local_name == FASTDOM_TAG_TEXT:
                        _merge(&stack[depth - 1].facts.deep, &text_facts)
                    if node.type == FASTDOM_TEXT:
                        _merge(&stack[depth - 1].facts.own, &text_facts)
            if node.first_child != NULL:
                if depth == room:
                    room *= 2
                    grown = <Open *> realloc(stack, room * sizeof(Open))
                    if grown == NULL:
                        raise MemoryError()
                    stack = grown
                stack[depth].node = node
                _clear(&stack[depth].facts.deep)
                _clear(&stack[depth].facts.own)
                depth += 1
                node = node.first_child
            else:
                node = node.next
    except BaseException:
        _free_table(table)
        raise
    finally:
        free(stack)
    return table
