# Included by _fastdom.pyx: the elements crawler.pagefacts.HeadFacts reads and the script,
# style and template elements the extractor strips, found by one walk of the tree instead of
# lexbor's selector engine and three walks of lxb_dom_elements_by_tag_name. HeadFacts runs
# before the tree is stripped and viewed: it reads its elements as the FastNodes of a view
# of their own (their tags and attributes read in C), released before the strip.

#: The selector ``head_walk`` answers (crawler.treeview uses it only while
#: crawler.pagefacts.FACTS_SELECTOR is this one).
FACTS_QUERY = "base[href], meta, title, script[type], [itemtype]"
#: The tags ``head_walk`` collects for stripping, in the order they are stripped.
STRIP_TAGS = ("script", "style", "template")

cdef uintptr_t _ITEMTYPE = _ATTR_IDS.get("itemtype", 0)
cdef bytes _ITEMTYPE_NAME = b"itemtype"
cdef uintptr_t _TYPE = _ATTR_IDS.get("type", 0)


def head_walk(LexborHTMLParser parser not None):
    """(``parser.css(FACTS_QUERY)``, [the elements ``parser.strip_tags([tag])`` removes,
    for each tag of STRIP_TAGS], the view the first are FastNodes of) of a document (not a
    fragment) from one walk. The first: the elements under the root element (and it) that
    match, in document order, each once per selector of the list it matches (as lexbor's
    engine lists them). The others: the elements below the document node with that tag and
    no prefix, in document order (as lxb_dom_elements_by_tag_name finds them), as selectolax
    nodes. The view must be released before the tree changes (``strip_walked`` does)."""
    cdef FastDoc facts_view = FastDoc(parser)
    cdef list found = []
    cdef list scripts = [], styles = [], templates = []
    cdef lxb_dom_node_t *top = &parser.document.dom_document.node
    cdef lxb_dom_node_t *root = NULL
    cdef lxb_dom_node_t *node
    cdef uintptr_t tag
    cdef int count
    cdef bint inside = False
    root_node = parser.root
    if root_node is not None:
        root = (<LexborNode> root_node).node
    node = top.first_child
    while node != NULL:
        if node == root:
            inside = True
        if node.type == FASTDOM_ELEMENT:
            tag = node.local_name
            if node.prefix == 0:
                if tag == LXB_TAG_SCRIPT:
                    scripts.append(LexborNode.new(node, parser))
                elif tag == LXB_TAG_STYLE:
                    styles.append(LexborNode.new(node, parser))
                elif tag == LXB_TAG_TEMPLATE:
                    templates.append(LexborNode.new(node, parser))
            if inside:
                count = 0
                if tag == LXB_TAG_META or tag == LXB_TAG_TITLE:
                    count = 1
                elif tag == LXB_TAG_BASE:
                    count = _has_attribute(node, LXB_DOM_ATTR_HREF, b"href")
                elif tag == LXB_TAG_SCRIPT:
                    count = _has_attribute(node, _TYPE, b"type")
                count += _has_attribute(node, _ITEMTYPE, _ITEMTYPE_NAME)
                while count > 0:
                    found.append(facts_view.wrap(node))
                    count -= 1
        if node.first_child != NULL:
            node = node.first_child
            continue
        while node != top and node.next == NULL:
            if node == root:
                inside = False
            node = node.parent
        if node == top:
            break
        if node == root:
            inside = False
        node = node.next
    return found, [scripts, styles, templates], facts_view


def head_parts(list elements):
    """(base, metas, titles, json_ld, items): the fields crawler.pagefacts.HeadFacts.__init__
    sets from ``elements`` (the FastNodes ``head_walk`` found), by the same loop compiled."""
    cdef FastNode node
    cdef str tag
    cdef dict attrs
    cdef list metas = [], titles = [], json_ld = [], items = []
    base = None
    for node in elements:
        tag = node.get_tag()
        attrs = node.get_attributes()
        if tag == "meta":
            metas.append(attrs)
        elif tag == "base":
            if base is None and "href" in attrs:
                base = attrs.get("href") or ""
        elif tag == "title":
            titles.append(node)
        elif tag == "script" and "type" in attrs:
            if (attrs.get("type") or "").strip().lower().startswith("application/ld+json"):
                json_ld.append(node)
        if "itemtype" in attrs:
            items.append(attrs)
    return base, metas, titles, json_ld, items


def strip_walked(tuple walked):
    """Release the view of ``head_walk``'s answer ``walked``, then remove the elements it
    collected for stripping, tag after tag, as ``parser.strip_tags(list(STRIP_TAGS))`` does
    (an element already taken out with an earlier one's subtree is unlinked from that
    detached subtree: the document is the same)."""
    (<FastDoc> walked[2]).release()
    for nodes in walked[1]:
        for node in nodes:
            node.decompose(recursive=False)
