# Included by _fastdom.pyx: the text facts of every node of a document that has children,
# summed up the tree in one walk (each text node read once) and kept in a hash table keyed by
# the node's address, so that an element's text facts are a look-up however deep it nests.


cdef inline void _merge(Facts *left, const Facts *right) noexcept:
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


cdef inline int _add_text_node(NodeFacts *facts, lxb_dom_node_t *node) except -1:
    """Add the text node ``node``'s facts to its parent's ``facts``: of its text for
    ``deep`` (a ``#text`` node) and for ``own`` (of text type). Its leading ASCII white
    space is read here; most of a page's text nodes are nothing but that (between tags),
    and need no ``_scan`` call."""
    cdef lxb_dom_character_data_t *text = <lxb_dom_character_data_t *> node
    cdef const unsigned char *data = text.data.data
    cdef Py_ssize_t length = text.data.length
    cdef Py_ssize_t blank
    cdef Facts text_facts
    if data == NULL:
        return 0
    blank = _leading_blank(data, length)
    if blank == length:
        if node.local_name == FASTDOM_TAG_TEXT:
            _add_blank(&facts.deep, blank)
        if node.type == FASTDOM_TEXT:
            _add_blank(&facts.own, blank)
        return 0
    # As _scan reads the whole text into cleared facts: the white space read, then the rest.
    _clear(&text_facts)
    _add_blank(&text_facts, blank)
    _scan(data + blank, length - blank, &text_facts, NULL)
    if node.local_name == FASTDOM_TAG_TEXT:
        _merge(&facts.deep, &text_facts)
    if node.type == FASTDOM_TEXT:
        _merge(&facts.own, &text_facts)
    return 0


cdef struct FactsTable:
    # Open addressing, linear probing: node pointer -> place of its NodeFacts in ``values``,
    # which are stored densely in the order the walk finishes the nodes. Grown as the walk
    # goes (no walk to count the nodes first: that second pass over the tree's scattered
    # nodes cost more than the rehashing).
    lxb_dom_node_t **keys
    size_t *places
    NodeFacts *values
    size_t count  # values stored
    size_t room  # values allocated
    size_t mask  # slots - 1
    int shift  # 64 - log2(slots): Fibonacci hashing takes the product's high bits
    # The <a> elements in document order, with their places: the ones below a node are
    # those placed from its ``first`` to its ``end`` (FastNode.css("a") without a walk).
    lxb_dom_node_t **anchors
    size_t *anchor_places
    size_t anchor_count
    size_t anchor_room


cdef inline size_t _slot(FactsTable *table, lxb_dom_node_t *key) noexcept:
    return <size_t> (((<unsigned long long> key) * 11400714819323198485ULL) >> table.shift)


cdef NodeFacts *_find(FactsTable *table, lxb_dom_node_t *key) noexcept:
    cdef size_t slot = _slot(table, key)
    while table.keys[slot] != NULL:
        if table.keys[slot] == key:
            return &table.values[table.places[slot]]
        slot = (slot + 1) & table.mask
    return NULL


cdef inline void _place(FactsTable *table, lxb_dom_node_t *key, size_t place) noexcept:
    cdef size_t slot = _slot(table, key)
    while table.keys[slot] != NULL:
        slot = (slot + 1) & table.mask
    table.keys[slot] = key
    table.places[slot] = place


cdef int _allocate_slots(FactsTable *table, int bits) except -1:
    cdef size_t size = (<size_t> 1) << bits
    table.keys = <lxb_dom_node_t **> calloc(size, sizeof(lxb_dom_node_t *))
    table.places = <size_t *> malloc(size * sizeof(size_t))
    if table.keys == NULL or table.places == NULL:
        raise MemoryError()
    table.mask = size - 1
    table.shift = 64 - bits
    return 0


cdef inline Py_ssize_t _add(FactsTable *table, lxb_dom_node_t *key) except -1:
    """The place in ``table.values`` of new facts for ``key`` (not stored yet), to be filled
    in by the caller."""
    if 2 * (table.count + 1) > table.mask + 1 or table.count == table.room:
        _grow(table)
    _place(table, key, table.count)
    table.count += 1
    return table.count - 1


cdef int _grow(FactsTable *table) except -1:
    """Make room in ``table`` for one more node: twice the slots when they are half full,
    twice the values when they are full."""
    cdef lxb_dom_node_t **old_keys
    cdef size_t *old_places
    cdef size_t old_size, slot
    cdef NodeFacts *grown
    if 2 * (table.count + 1) > table.mask + 1:
        old_keys = table.keys
        old_places = table.places
        old_size = table.mask + 1
        table.keys = NULL
        table.places = NULL
        try:
            _allocate_slots(table, 64 - table.shift + 1)
        except MemoryError:
            free(table.keys)
            free(table.places)
            table.keys = old_keys
            table.places = old_places
            raise
        for slot in range(old_size):
            if old_keys[slot] != NULL:
                _place(table, old_keys[slot], old_places[slot])
        free(old_keys)
        free(old_places)
    if table.count == table.room:
        grown = <NodeFacts *> realloc(table.values, 2 * table.room * sizeof(NodeFacts))
        if grown == NULL:
            raise MemoryError()
        table.values = grown
        table.room *= 2
    return 0


#: The table last freed, emptied and kept for the next page's (its arrays then need no
#: growing: most pages are alike in size), unless it is larger than this many slots.
DEF SPARE_TABLE_SLOTS = 32768
cdef FactsTable *_spare_table = NULL


cdef FactsTable *_new_table() except NULL:
    """An empty table: the spare one when there is one, else a new one."""
    global _spare_table
    cdef FactsTable *table = _spare_table
    if table != NULL:
        _spare_table = NULL
        memset(table.keys, 0, (table.mask + 1) * sizeof(lxb_dom_node_t *))
        table.count = 0
        table.anchor_count = 0
        return table
    table = <FactsTable *> calloc(1, sizeof(FactsTable))
    if table == NULL:
        raise MemoryError()
    try:
        _allocate_slots(table, 10)
        table.room = 256
        table.values = <NodeFacts *> malloc(table.room * sizeof(NodeFacts))
        if table.values == NULL:
            raise MemoryError()
    except MemoryError:
        _release_table(table)
        raise
    return table


cdef void _free_table(FactsTable *table) noexcept:
    """Done with ``table``: kept as the spare one (its slots no more than twice as many as
    its nodes need: the next page is likely alike, and the slots are cleared for each), or
    freed."""
    global _spare_table
    cdef int bits = 10
    if table == NULL:
        return
    if _spare_table == NULL and table.mask < SPARE_TABLE_SLOTS:
        while (<size_t> 1 << bits) < 2 * (table.count + 1):
            bits += 1
        if 64 - table.shift <= bits + 1:
            _spare_table = table
            return
        free(table.keys)
        free(table.places)
        table.keys = NULL
        table.places = NULL
        try:
            _allocate_slots(table, bits)
        except MemoryError:
            pass
        else:
            _spare_table = table
            return
    _release_table(table)


cdef void _release_table(FactsTable *table) noexcept:
    if table != NULL:
        free(table.keys)
        free(table.places)
        free(table.values)
        free(table.anchors)
        free(table.anchor_places)
        free(table)


cdef int _add_anchor(FactsTable *table, lxb_dom_node_t *node, size_t place) except -1:
    cdef size_t room
    cdef lxb_dom_node_t **nodes
    cdef size_t *places
    if table.anchor_count == table.anchor_room:
        room = 2 * table.anchor_room if table.anchor_room else 64
        nodes = <lxb_dom_node_t **> realloc(table.anchors, room * sizeof(lxb_dom_node_t *))
        if nodes == NULL:
            raise MemoryError()
        table.anchors = nodes
        places = <size_t *> realloc(table.anchor_places, room * sizeof(size_t))
        if places == NULL:
            raise MemoryError()
        table.anchor_places = places
        table.anchor_room = room
    table.anchors[table.anchor_count] = node
    table.anchor_places[table.anchor_count] = place
    table.anchor_count += 1
    return 0


cdef size_t _anchors_span(FactsTable *table, const NodeFacts *facts, size_t *end) noexcept:
    """The places in ``table.anchors`` of the <a> elements placed from ``facts.first`` to
    ``facts.end``: the first, and one past the last in ``end``."""
    cdef size_t low = 0, high = table.anchor_count, middle
    while low < high:  # the first anchor placed at or after facts.first
        middle = (low + high) // 2
        if table.anchor_places[middle] < facts.first:
            low = middle + 1
        else:
            high = middle
    high = low
    while high < table.anchor_count and table.anchor_places[high] < facts.end:
        high += 1
    end[0] = high
    return low


cdef list _anchors_within(FastDoc doc, FactsTable *table, const NodeFacts *facts):
    """The <a> elements placed from ``facts.first`` to ``facts.end``, in document order."""
    cdef size_t end
    cdef size_t low = _anchors_span(table, facts, &end)
    cdef list found = []
    while low < end:
        found.append(doc.wrap(table.anchors[low]))
        low += 1
    return found


cdef struct Open:
    lxb_dom_node_t *node
    size_t place  # of its facts in the table's values


cdef FactsTable *_build_table(lxb_dom_node_t *root, WalkState *walk=NULL, HeadWalk *head=NULL) except NULL:
    """The text facts of every node under ``root`` (and of root) that has children, from
    one walk that reads each text node once and sums the facts up the tree (``walk``:
    selectors to match on the way, crawler/_fastwalk.pxi; ``head``: ``head_walk``'s
    elements to find on the way, crawler/_fasthead.pxi, the subtrees of those it strips
    then left out of the table and of ``walk``)."""
    cdef lxb_dom_node_t *node
    cdef FactsTable *table = _new_table()
    cdef Open *stack = NULL
    cdef Open *grown
    cdef NodeFacts *facts
    cdef Py_ssize_t depth = 0, room = 0
    cdef size_t place = 0
    try:
        # Depth-first; each open node sums its children's facts in the table as the walk
        # goes, and hands its own to its parent's when it is done.
        room = 64
        stack = <Open *> malloc(room * sizeof(Open))
        if stack == NULL:
            raise MemoryError()
        _open(table, &stack[0], root, 0)
        place = 1
        depth = 1
        node = root.first_child
        while depth > 0:
            if node == NULL:
                depth -= 1
                facts = &table.values[stack[depth].place]
                facts.end = place
                if walk != NULL:
                    _leave(walk, stack[depth].node)
                if head != NULL:
                    _head_leave(head, stack[depth].node)
                if depth > 0:
                    _merge(&table.values[stack[depth - 1].place].deep, &facts.deep)
                node = stack[depth].node.next if depth > 0 else NULL
                continue
            if head != NULL and node.type == FASTDOM_ELEMENT and _head_element(head, node):
                _head_below(head, node)
                node = node.next
                continue
            if walk != NULL:
                _arrive(walk, node)
            if node.type == FASTDOM_ELEMENT and node.local_name == LXB_TAG_A:
                _add_anchor(table, node, place)
            place += 1
            if node.local_name == FASTDOM_TAG_TEXT or node.type == FASTDOM_TEXT:
                _add_text_node(&table.values[stack[depth - 1].place], node)
            if node.first_child != NULL:
                if depth == room:
                    room *= 2
                    grown = <Open *> realloc(stack, room * sizeof(Open))
                    if grown == NULL:
                        raise MemoryError()
                    stack = grown
                _open(table, &stack[depth], node, place - 1)
                depth += 1
                node = node.first_child
            else:
                if walk != NULL:
                    _leave(walk, node)
                if head != NULL:
                    _head_leave(head, node)
                node = node.next
    except BaseException:
        _free_table(table)
        raise
    finally:
        free(stack)
    return table


cdef inline int _open(FactsTable *table, Open *entry, lxb_dom_node_t *node, size_t first) except -1:
    """The walk enters ``node`` (which has children), placed at ``first``: its facts, empty
    so far, are added to the table."""
    cdef NodeFacts *facts
    entry.node = node
    entry.place = _add(table, node)
    facts = &table.values[entry.place]
    _clear(&facts.deep)
    _clear(&facts.own)
    facts.first = first
    return 0
