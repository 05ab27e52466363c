# Included by _fastdom.pyx: the elements crawler.pagefacts.HeadFacts reads and the script,
# style and template elements the extractor strips, found by one walk of the tree instead of
# lexbor's selector engine and three walks of lxb_dom_elements_by_tag_name (the walk that also
# builds the view's text facts table and answers its prefetched selectors, as they will be
# after the strip), and FastHeadFacts, crawler.pagefacts.HeadFacts compiled. The head facts
# are read before the tree is stripped: from FastNodes of the extractor's view (their tags
# and attributes read in C).

from libc.string cimport memcmp

from crawler.encoding import header_values
from crawler.pagefacts import _directives, _header_robots, _load_json

cdef extern from "Python.h":
    bint PyUnicode_IS_ASCII(object text)

#: The selector ``head_walk`` answers (crawler.treeview uses it only while
#: crawler.pagefacts.FACTS_SELECTOR is this one).
FACTS_QUERY = "base[href], meta, title, script[type], [itemtype]"
#: The tags ``head_walk`` collects for stripping, in the order they are stripped.
STRIP_TAGS = ("script", "style", "template")

cdef uintptr_t _ITEMTYPE = _ATTR_IDS.get("itemtype", 0)
cdef bytes _ITEMTYPE_NAME = b"itemtype"
cdef uintptr_t _TYPE = _ATTR_IDS.get("type", 0)


cdef struct HeadWalk:
    # What ``head_walk`` finds as the walk goes, borrowed from it: the view its elements are
    # FastNodes of, their list, the lists of the elements stripped (per tag of STRIP_TAGS).
    PyObject *parser
    PyObject *view
    PyObject *found
    PyObject *stripped[3]
    # The root element, and whether the walk is at or below it.
    lxb_dom_node_t *root
    bint inside


def head_walk(LexborHTMLParser parser not None, FastDoc doc not None, list queries not None):
    """(``parser.css(FACTS_QUERY)``, [the elements ``parser.strip_tags([tag])`` removes,
    for each tag of STRIP_TAGS], ``doc``) of a document (not a fragment) from one walk,
    which also builds ``doc``'s text facts table and answers its ``prefetch(queries)`` as
    they will be once those elements are stripped (their subtrees passed over: ``doc``,
    a view of ``parser``, must not have built its table yet). The first: the elements under
    the root element (and it) that match, in document order, each once per selector of the
    list it matches (as lexbor's engine lists them), less the ``<meta>`` elements
    FastHeadFacts would read nothing of (see ``_meta_matters``), as FastNodes of ``doc``:
    those of stripped elements are not to be read after ``strip_walked``. The others: the
    elements below the document node with that tag and no prefix, in document order (as
    lxb_dom_elements_by_tag_name finds them), as selectolax nodes."""
    cdef HeadWalk head
    cdef list found = []
    cdef list scripts = [], styles = [], templates = []
    if doc.table != NULL or doc.parser is not parser:
        raise ValueError("head_walk needs a new view of the parser")
    head.parser = <PyObject *> parser
    head.view = <PyObject *> doc
    head.found = <PyObject *> found
    head.stripped[0] = <PyObject *> scripts
    head.stripped[1] = <PyObject *> styles
    head.stripped[2] = <PyObject *> templates
    root_node = parser.root
    head.root = NULL if root_node is None else (<LexborNode> root_node).node
    head.inside = False
    _prefetch(doc, queries, &head)
    return found, [scripts, styles, templates], doc


cdef inline bint _head_element(HeadWalk *head, lxb_dom_node_t *node) except -1:
    """``head_walk`` reaches the element ``node``: listed when it matches (or stripped);
    whether it is stripped. Most elements are neither: told apart without Python objects."""
    cdef uintptr_t tag = node.local_name
    cdef int count = 0
    cdef int stripped = -1
    if node == head.root:
        head.inside = True
    if tag == LXB_TAG_SCRIPT:
        stripped = 0
        count = head.inside and _has_attribute(node, _TYPE, b"type")
    elif tag == LXB_TAG_META:
        count = head.inside and _meta_matters(node)
    elif tag == LXB_TAG_TITLE:
        count = head.inside
    elif tag == LXB_TAG_BASE:
        count = head.inside and _has_attribute(node, LXB_DOM_ATTR_HREF, b"href")
    elif tag == LXB_TAG_STYLE:
        stripped = 1
    elif tag == LXB_TAG_TEMPLATE:
        stripped = 2
    if head.inside:
        count += _has_attribute(node, _ITEMTYPE, _ITEMTYPE_NAME)
    if stripped >= 0 and node.prefix != 0:
        stripped = -1
    if count == 0 and stripped < 0:
        return False
    return _head_keep(head, node, count, stripped)


cdef bint _head_keep(HeadWalk *head, lxb_dom_node_t *node, int count, int stripped) except -1:
    """List the element ``node`` ``count`` times among the matches, and among the elements
    stripped (per tag: ``stripped``, or -1); whether it is stripped."""
    while count > 0:
        (<list> head.found).append((<FastDoc> head.view).wrap(node))
        count -= 1
    if stripped < 0:
        return False
    (<list> head.stripped[stripped]).append(LexborNode.new(node, <LexborHTMLParser> head.parser))
    return True


cdef inline void _head_leave(HeadWalk *head, lxb_dom_node_t *node) noexcept:
    """``head_walk`` is done with ``node`` and what is below it."""
    if node == head.root:
        head.inside = False


cdef int _head_below(HeadWalk *head, lxb_dom_node_t *top) except -1:
    """``head_walk`` reaches each element below ``top`` (stripped with it: no text facts,
    no prefetched answers)."""
    cdef lxb_dom_node_t *node = top.first_child
    while node != NULL:
        if node.type == FASTDOM_ELEMENT:
            _head_element(head, node)
        if node.first_child != NULL:
            node = node.first_child
        else:
            node = after_subtree(node, top)
    return 0


cdef class FastHeadFacts:
    """crawler.pagefacts.HeadFacts compiled, over the elements ``head_walk`` found (FastNodes
    of the view it was given, read before ``strip_walked``): the same answers, the ``<meta>``
    facts read in the one pass that sorts the elements (the methods' loops over the metas
    answer from their first matches)."""

    cdef readonly object base
    cdef LexborHTMLParser parser
    cdef FastDoc view
    cdef list titles, json_ld, items
    #: The content-language ``<meta http-equiv>``'s first language, the first generator,
    #: og:type property and og:type name contents (None: no such meta), robots directives.
    cdef object meta_language, generator_content, og_property, og_name
    cdef set meta_robots

    def __init__(self, LexborHTMLParser parser not None, tuple walked not None):
        """``HeadFacts(parser)`` from ``walked``, ``head_walk(parser)``'s answer (the loop
        of HeadFacts.__init__, its metas read at once)."""
        cdef FastNode node
        cdef str tag
        cdef dict attrs
        self.parser, self.view = parser, <FastDoc?> walked[2]
        self.base = None
        self.titles, self.json_ld, self.items = [], [], []
        self.meta_robots = set()
        for node in <list?> walked[0]:
            tag = node.get_tag()
            attrs = _head_attributes(node)
            if tag == "meta":
                self._read_meta(attrs)
            elif tag == "base":
                if self.base is None and "href" in attrs:
                    self.base = attrs.get("href") or ""
            elif tag == "title":
                self.titles.append(node)
            elif tag == "script" and "type" in attrs:
                if _reads_as(attrs.get("type"), "application/ld+json", True):
                    self.json_ld.append(node)
            if "itemtype" in attrs:
                self.items.append(attrs)

    cdef _read_meta(self, dict attrs):
        """What HeadFacts' methods read of one meta of its ``metas``, in document order."""
        name = attrs.get("name")
        if _reads_as(name, "robots", False):
            self.meta_robots |= _directives(attrs.get("content") or "")
        elif self.generator_content is None and _reads_as(name, "generator", False):
            self.generator_content = (attrs.get("content") or "").strip()
        elif self.og_name is None and _reads_as(name, "og:type", False):
            self.og_name = (attrs.get("content") or "").strip()
        if self.og_property is None and _reads_as(attrs.get("property"), "og:type", False):
            self.og_property = (attrs.get("content") or "").strip()
        if self.meta_language is None and _reads_as(attrs.get("http-equiv"), "content-language", False):
            self.meta_language = (attrs.get("content") or "").split(",")[0]

    def robots(self, headers):
        """HeadFacts.robots."""
        return frozenset(self.meta_robots), _header_robots(headers)

    def title(self):
        """HeadFacts.title."""
        cdef FastNode node
        cdef FastNode parent
        for node in self.titles:
            parent = node.get_parent()
            if parent is not None and parent.get_tag() == "head":
                return _collapsed(node)
        return _collapsed(self.titles[0]) if self.titles else ""

    def lang(self, headers):
        """HeadFacts.lang."""
        cdef str value = self._root_lang()
        if not value.strip():
            languages = header_values(headers, "Content-Language")
            value = languages[0].split(",")[0] if languages else ""
        if not value.strip() and self.meta_language is not None:
            value = self.meta_language
        return _primary_subtag(value)

    cdef str _root_lang(self):
        """crawler.pagefacts._root_lang of the parser."""
        root = self.parser.root
        if root is not None and (<LexborNode> root).node.type == FASTDOM_ELEMENT:
            attrs = self.view.wrap((<LexborNode> root).node).get_attributes()
            return attrs.get("lang") or attrs.get("xml:lang") or ""
        return ""

    def generator(self):
        """HeadFacts.generator."""
        return self.generator_content or ""

    def og_type(self):
        """HeadFacts.og_type."""
        return (self.og_property or self.og_name or "").lower()

    def schema_types(self):
        """HeadFacts.schema_types."""
        cdef set found = set()
        cdef FastNode script
        cdef dict attrs
        for script in self.json_ld:
            _jsonld_types(_load_json(_text(script.ptr, True, b"")), found, 0)
        for attrs in self.items:
            prop = (attrs.get("itemprop") or "").strip()
            if prop and prop not in ("mainEntity", "mainEntityOfPage"):
                continue
            _add_short_types(attrs.get("itemtype") or "", found)
        return frozenset(found)

    def page_classes(self):
        """HeadFacts.page_classes (crawler.pagefacts.page_classes of the parser)."""
        cdef set tokens = set()
        cdef dict attrs
        for node in (self.parser.root, self.parser.body):
            if node is None or (<LexborNode> node).node.type != FASTDOM_ELEMENT:
                continue
            attrs = self.view.wrap((<LexborNode> node).node).get_attributes()
            tokens.update((attrs.get("class") or "").lower().split())
            ident = (attrs.get("id") or "").strip().lower()
            if ident:
                tokens.add(ident)
        return frozenset(tokens)


cdef bint _reads_as(object value, str name, bint prefix) except -1:
    """``(value or "").strip().lower() == name`` (``.startswith(name)`` with ``prefix``) for
    an attribute's value (a str or None) and an ASCII, lower-case ``name``: read in place
    when the value is ASCII, else by the string methods."""
    if not value:
        return len(name) == 0
    if not PyUnicode_IS_ASCII(value):
        lowered = (<str> value).strip().lower()
        return lowered.startswith(name) if prefix else lowered == name
    return _ascii_reads_as(PyUnicode_1BYTE_DATA(<str> value), len(<str> value),  # (declared in _fasttext.pxi)
                           PyUnicode_1BYTE_DATA(name), len(name), prefix)


cdef bint _ascii_reads_as(const unsigned char *text, Py_ssize_t size, const unsigned char *name,
                          Py_ssize_t length, bint prefix) noexcept:
    """Whether the ASCII ``text[:size]``, stripped of the white space str.strip strips and
    lower-cased, is the lower-case ``name[:length]`` (starts with it, with ``prefix``)."""
    cdef Py_ssize_t start = 0, end = size, index
    cdef unsigned char code
    while start < end and Py_UNICODE_ISSPACE(text[start]):
        start += 1
    while end > start and Py_UNICODE_ISSPACE(text[end - 1]):
        end -= 1
    if end - start < length or (end - start > length and not prefix):
        return False
    for index in range(length):
        code = text[start + index]
        if 65 <= code <= 90:
            code += 32
        if code != name[index]:
            return False
    return True


#: The attributes HeadFacts reads of its elements; the list holds their bytes, the arrays
#: are what the reads use.
cdef tuple _HEAD_NAMES = ("name", "content", "property", "http-equiv", "href", "type", "itemtype", "itemprop")
cdef enum:
    HEAD_NAME_COUNT = 8
cdef list _HEAD_NAME_BYTES = [name.encode("ascii") for name in _HEAD_NAMES]
cdef const char *_HEAD_NAME_CHARS[HEAD_NAME_COUNT]
cdef size_t _HEAD_NAME_LENGTHS[HEAD_NAME_COUNT]


cdef int _fill_head_names() except -1:
    cdef Py_ssize_t index
    if len(_HEAD_NAMES) != HEAD_NAME_COUNT:
        raise ImportError("HEAD_NAME_COUNT is not the number of _HEAD_NAMES")
    for index in range(HEAD_NAME_COUNT):
        _HEAD_NAME_CHARS[index] = <bytes> _HEAD_NAME_BYTES[index]
        _HEAD_NAME_LENGTHS[index] = len(<bytes> _HEAD_NAME_BYTES[index])


_fill_head_names()


cdef dict _head_attributes(FastNode node):
    """The attributes of _HEAD_NAMES of the element ``node``, as ``node.get_attributes()``
    holds them (keyed alike: by the name lexbor gives each, see learn_attribute_name, which
    is one of these ASCII names only when its bytes are; the later of two equal names kept),
    without decoding the others; all of them when an attribute's name is not known so."""
    cdef lxb_dom_attr_t *attr = <lxb_dom_attr_t *> (<element_t *> node.ptr).first_attr
    cdef dict found = {}
    cdef const hash_entry_t *entry
    cdef Py_ssize_t index
    while attr != NULL:
        entry = _qualified_name_entry(attr)
        if entry == NULL:
            return node.get_attributes()
        for index in range(HEAD_NAME_COUNT):
            if entry.length == _HEAD_NAME_LENGTHS[index] and memcmp(
                    lexbor_hash_entry_str(entry), _HEAD_NAME_CHARS[index], entry.length) == 0:
                found[_HEAD_NAMES[index]] = _attribute_value(attr)
                break
        attr = attr.next
    return found


#: The attribute names whose values make a ``<meta>`` matter to ``_read_meta``, then the
#: ASCII values it looks for among them (stripped and lower-cased), and the one name that
#: makes it an item.
cdef tuple _META_NAMES = (b"name", b"property", b"http-equiv")
cdef tuple _META_VALUES = (b"robots", b"generator", b"og:type", b"content-language")


cdef bint _meta_matters(lxb_dom_node_t *node) except -1:
    """Whether the ``<meta>`` ``node`` may give FastHeadFacts._read_meta a fact or carries
    an itemtype (``head_walk`` lists it, ``_head_attributes`` then reads it): False only when each of its name,
    property and http-equiv values is ASCII (or absent) and reads as none of _META_VALUES,
    its attribute names all known as ``_head_attributes`` knows them, none of them itemtype.
    Read from the raw attributes: no dict, no str."""
    cdef lxb_dom_attr_t *attr = <lxb_dom_attr_t *> (<element_t *> node).first_attr
    cdef const hash_entry_t *entry
    cdef bytes name
    while attr != NULL:
        entry = _qualified_name_entry(attr)
        if entry == NULL:
            return True
        if _entry_is(entry, _ITEMTYPE_NAME):
            return True
        for name in _META_NAMES:
            if _entry_is(entry, name):
                if attr.value != NULL and attr.value.data != NULL and _value_may_read_as(
                        attr.value.data, attr.value.length):
                    return True
                break
        attr = attr.next
    return False


cdef inline bint _entry_is(const hash_entry_t *entry, bytes name) noexcept:
    """Whether the attribute name ``entry`` is ``name``, byte for byte."""
    return entry.length == <size_t> len(name) and memcmp(
        lexbor_hash_entry_str(entry), <const char *> name, entry.length) == 0


cdef bint _value_may_read_as(const unsigned char *data, size_t length) noexcept:
    """Whether the raw value may read as one of _META_VALUES in ``_reads_as``: when it is
    not ASCII, or when it reads as one there."""
    cdef size_t index
    cdef bytes wanted
    for index in range(length):
        if data[index] >= 128:
            return True
    for wanted in _META_VALUES:
        if _ascii_reads_as(data, length, <const unsigned char *> <const char *> wanted, len(wanted), False):
            return True
    return False


cdef str _collapsed(FastNode node):
    """crawler.pagefacts._collapse(node.text())."""
    return " ".join(_text(node.ptr, True, b"").split())


cdef str _primary_subtag(str value):
    """crawler.pagefacts._primary_subtag: the lower-cased value up to its first - or _."""
    cdef str lowered = value.strip().lower()
    cdef Py_ssize_t index = 0
    cdef Py_UCS4 code
    for code in lowered:
        if code == "-" or code == "_":
            return lowered[:index]
        index += 1
    return lowered


cdef void _jsonld_types(object data, set found, int depth) except *:
    """crawler.pagefacts._jsonld_types."""
    if depth > 20:
        return
    if isinstance(data, list):
        for item in <list> data:
            _jsonld_types(item, found, depth + 1)
    elif isinstance(data, dict):
        _add_short_types((<dict> data).get("@type"), found)
        for key in ("@graph", "mainEntity", "mainEntityOfPage"):
            if key in <dict> data:
                _jsonld_types((<dict> data)[key], found, depth + 1)


cdef void _add_short_types(object value, set found) except *:
    """``found.update(crawler.pagefacts._short_type(value))``: the names after the last /, #
    or : of each word (its trailing slashes left out), of a string or a list's strings."""
    cdef str part
    cdef Py_ssize_t cut
    if isinstance(value, str):
        for part in (<str> value).split():
            part = part.rstrip("/")
            cut = max(part.rfind("/"), part.rfind("#"), part.rfind(":")) + 1
            if cut < len(part):
                found.add(part[cut:])
    elif isinstance(value, list):
        for item in <list> value:
            _add_short_types(item, found)


def strip_walked(tuple walked):
    """Remove the elements ``head_walk``'s answer ``walked`` collected for stripping, tag
    after tag, as ``parser.strip_tags(list(STRIP_TAGS))`` does (an element already taken
    out with an earlier one's subtree is unlinked from that detached subtree: the document
    is the same)."""
    for nodes in walked[1]:
        for node in nodes:
            node.decompose(False)  # recursive=False, passed by place: no keywords dict per node

