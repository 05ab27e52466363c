# Included by _fastdom.pyx: the elements crawler.pagefacts.HeadFacts reads, found by one walk
# of the tree instead of lexbor's selector engine, as selectolax nodes (HeadFacts runs on the
# parser itself, before the tree is stripped and viewed).

#: The selector ``head_elements`` answers (crawler.treeview uses it only while
#: crawler.pagefacts.FACTS_SELECTOR is this one).
FACTS_QUERY = "base[href], meta, title, script[type], [itemtype]"

cdef uintptr_t _ITEMTYPE = _ATTR_IDS.get("itemtype", 0)
cdef bytes _ITEMTYPE_NAME = b"itemtype"
cdef uintptr_t _TYPE = _ATTR_IDS.get("type", 0)


def head_elements(LexborHTMLParser parser not None):
    """``parser.css(FACTS_QUERY)``: the elements under the root element (and it) that
    match, in document order, each once per selector of the list it matches (as lexbor's
    engine lists them)."""
    cdef list found = []
    cdef lxb_dom_node_t *root
    cdef lxb_dom_node_t *node
    cdef uintptr_t tag
    cdef int count
    root_node = parser.root
    if root_node is None:
        return found
    root = (<LexborNode> root_node).node
    node = root
    while True:
        if node.type == FASTDOM_ELEMENT:
            tag = node.local_name
            count = 0
            if tag == LXB_TAG_META or tag == LXB_TAG_TITLE:
                count = 1
            elif tag == LXB_TAG_BASE:
                count = _has_attribute(node, LXB_DOM_ATTR_HREF, b"href")
            elif tag == LXB_TAG_SCRIPT:
                count = _has_attribute(node, _TYPE, b"type")
            count += _has_attribute(node, _ITEMTYPE, _ITEMTYPE_NAME)
            while count > 0:
                found.append(LexborNode.new(node, parser))
                count -= 1
        if node.first_child != NULL:
            node = node.first_child
            continue
        while node != root and node.next == NULL:
            node = node.parent
        if node == root:
            break
        node = node.next
    return found
