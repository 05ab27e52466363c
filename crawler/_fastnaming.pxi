# Included by _fastplace.pyx and _fastmain.pyx (each keeps its own answers table; the structs
# are in _fastnaming.pxd): the attributes placement judges an element by, read from
# lexbor without decoding them (a Naming), and the answers that follow from its tag, class,
# id and role, and whether it sits in an article (placement._markers; cleanup._name_flags,
# mainblock.unlikely_candidate and mainblock.class_weight for Cleaner.dropped and for
# mainblock's scoring pass), kept in C by
# the raw bytes they were worked out from. Names repeat across a page's elements and a site's pages; decoding them and
# hashing a tuple of fresh strings for a dict cost more than the answers' look-up. A kept
# answer is used only for the very bytes it was worked out from (compared in full), and the
# answers are worked out from the values as the attribute dict holds them, by the reference
# functions or (placement._markers, the first sight of every class name) a compiled copy.

from cpython.ref cimport PyObject, Py_INCREF, Py_XDECREF
from cpython.unicode cimport PyUnicode_AsUTF8AndSize, PyUnicode_DecodeUTF8
from libc.stdint cimport uint32_t, uint64_t, uintptr_t
from libc.stdlib cimport calloc, free, malloc
from libc.string cimport memcmp, memcpy, memset
from selectolax.lexbor cimport lxb_dom_attr_t

from crawler._fastnaming cimport Answers, Naming, Value

from crawler.cleanup import _name_flags
from crawler.placement import _markers
from crawler.positions import (
    _TAG_LANDMARKS,
    _TOKEN_LANDMARKS,
    COMMENT_TOKENS,
    NAV_PARTS,
    NAV_TOKENS,
    REGION_TOKENS,
    ROLE_LANDMARKS,
)

cdef extern from "lexbor/dom/interfaces/element.h":
    ctypedef struct _element_t "lxb_dom_element_t":
        uintptr_t qualified_name
        lxb_dom_attr_t *first_attr

cdef extern from "lexbor/dom/interfaces/attr_const.h":
    enum:
        LXB_DOM_ATTR__LAST_ENTRY
        LXB_DOM_ATTR_CLASS
        LXB_DOM_ATTR_ID
        LXB_DOM_ATTR_REL
        LXB_DOM_ATTR_STYLE

cdef extern from "lexbor/core/hash.h":
    ctypedef struct _hash_entry_t "lexbor_hash_entry_t":
        size_t length
    const unsigned char *lexbor_hash_entry_str(const _hash_entry_t *entry)

cdef object _name_flags_of = _name_flags
cdef object _markers_of = _markers
cdef frozenset _NAV_TOKENS = NAV_TOKENS
cdef frozenset _NAV_PARTS = NAV_PARTS
cdef frozenset _COMMENT_TOKENS = COMMENT_TOKENS
cdef dict _ROLE_LANDMARKS = ROLE_LANDMARKS
cdef dict _TAG_LANDMARK = _TAG_LANDMARKS
cdef dict _TOKEN_LANDMARK = _TOKEN_LANDMARKS
cdef dict _REGION_TOKENS = REGION_TOKENS

#: What an attribute's name makes it for placement.
cdef enum:
    A_OTHER
    A_CLASS
    A_ID
    A_ROLE
    A_STYLE
    A_HIDDEN
    A_ARIA_HIDDEN
    A_REL
    A_ITEMPROP
    A_NAMELESS  # lexbor has no entry for its name: the attribute dict decides

#: The answers of an Answers worked out so far.
cdef enum:
    K_FLAGS = 1
    K_UNLIKELY = 2
    K_WEIGHT = 4

#: Slots of the answers' table (a power of two), and how many of them a key may sit in.
#: One table for the process (in each module that includes this), used under the GIL by one
#: parse at a time: an entry handed out stays valid only until the next look-up, and a
#: caller such as FastPlacement.dropped calls into Python meanwhile. Parsing pages in
#: several threads at once would need a table per thread (or a lock) first.
cdef size_t _SLOTS = 32768
cdef size_t _PROBES = 4
cdef enum:
    #: Keys (tag, class, id and role, with their lengths) longer than this are not kept:
    #: their answers are worked out each time (the repeated names worth keeping are short).
    _KEY_ROOM = 512
#: The length written for a value that is None.
cdef uint32_t _NONE = 0xFFFFFFFF

cdef extern from "stdlib.h":
    void *aligned_alloc(size_t alignment, size_t size)

from crawler._fastdom cimport prefetch_line

cdef extern from *:
    """
    #if defined(__linux__)
    #include <sys/mman.h>
    #endif
    /* Ask for huge pages behind ``length`` bytes from ``address`` (Linux; a hint). */
    static void backlinks_huge_pages(void *address, size_t length) {
    #if defined(__linux__) && defined(MADV_HUGEPAGE)
        madvise(address, length, MADV_HUGEPAGE);
    #endif
    }
    """
    void _huge_pages "backlinks_huge_pages" (void *address, size_t length)

#: The table (2 MB), each slot a cache line of its own, on one huge page where the system
#: gives one: its slots are read at random, each read a TLB miss too on 4 kB pages.
cdef size_t _TABLE_BYTES = _SLOTS * sizeof(Answers)
cdef Answers *_table = <Answers *> aligned_alloc(_TABLE_BYTES, _TABLE_BYTES)
if _table == NULL:
    raise MemoryError()
_huge_pages(_table, _TABLE_BYTES)
memset(_table, 0, _TABLE_BYTES)
#: The answers of the element whose key is too long to keep (one element at a time).
cdef Answers _unkept


cdef int _name_kind(lxb_dom_attr_t *attr) noexcept:
    """The A_* kind of ``attr``'s name: its key in the attribute dict is lexbor's qualified
    name (the entry of its qualified name id, else of its local name id, in lexbor's fixed
    table or the document's; _fastdom.learn_attribute_name)."""
    cdef uintptr_t name_id = attr.qualified_name if attr.qualified_name != 0 else attr.node.local_name
    cdef const _hash_entry_t *entry
    if name_id < LXB_DOM_ATTR__LAST_ENTRY:
        if name_id == LXB_DOM_ATTR_CLASS:
            return A_CLASS
        if name_id == LXB_DOM_ATTR_ID:
            return A_ID
        if name_id == LXB_DOM_ATTR_STYLE:
            return A_STYLE
        if name_id == LXB_DOM_ATTR_REL:
            return A_REL
        return A_NAMELESS if name_id == 0 else A_OTHER
    if name_id == LXB_DOM_ATTR__LAST_ENTRY:
        return A_NAMELESS
    # A name outside lexbor's fixed table ("role", "hidden" ...): its entry's bytes.
    entry = <const _hash_entry_t *> name_id
    return _kind_named(lexbor_hash_entry_str(entry), entry.length)


cdef int _kind_named(const unsigned char *name, size_t length) noexcept:
    """The A_* kind of the attribute name ``name``."""
    if length == 2 and memcmp(name, b"id", 2) == 0:
        return A_ID
    if length == 3 and memcmp(name, b"rel", 3) == 0:
        return A_REL
    if length == 4 and memcmp(name, b"role", 4) == 0:
        return A_ROLE
    if length == 5:
        if memcmp(name, b"class", 5) == 0:
            return A_CLASS
        if memcmp(name, b"style", 5) == 0:
            return A_STYLE
    if length == 6 and memcmp(name, b"hidden", 6) == 0:
        return A_HIDDEN
    if length == 8 and memcmp(name, b"itemprop", 8) == 0:
        return A_ITEMPROP
    if length == 11 and memcmp(name, b"aria-hidden", 11) == 0:
        return A_ARIA_HIDDEN
    return A_OTHER


cdef Value *_value_slot(Naming *naming, int kind) noexcept:
    """The field of ``naming`` an attribute of ``kind`` fills, or NULL."""
    if kind == A_CLASS:
        return &naming.classes
    if kind == A_ID:
        return &naming.ident
    if kind == A_ROLE:
        return &naming.role
    if kind == A_STYLE:
        return &naming.style
    if kind == A_ARIA_HIDDEN:
        return &naming.aria_hidden
    if kind == A_REL:
        return &naming.rel
    if kind == A_ITEMPROP:
        return &naming.itemprop
    return NULL


cdef int _read_naming(FastNode element, Naming *naming) except -1:
    """Fill ``naming`` with what ``element.get_attributes()`` says of it, read from lexbor."""
    cdef lxb_dom_attr_t *attr = (<_element_t *> element.ptr).first_attr
    cdef Value *value
    cdef int kind
    memset(naming, 0, sizeof(Naming))
    naming.any = attr != NULL
    while attr != NULL:
        kind = _name_kind(attr)
        if kind == A_NAMELESS:
            return _naming_from(element.get_attributes(), naming)
        if kind == A_HIDDEN:
            naming.hidden = True
        else:
            value = _value_slot(naming, kind)
            # Later attributes of one name win, as in the dict; one without a value (or
            # with lexbor's empty value pointer) is None there (_fastdom._attribute_value).
            if value != NULL:
                if attr.value == NULL or attr.value.data == NULL:
                    value.data = NULL
                    value.length = 0
                else:
                    value.data = attr.value.data
                    value.length = attr.value.length
        attr = attr.next
    return 0


cdef int _naming_from(dict attrs, Naming *naming) except -1:
    """Fill ``naming`` from an attribute dict (its values as UTF-8, kept by the dict)."""
    memset(naming, 0, sizeof(Naming))
    naming.any = bool(attrs)
    naming.hidden = "hidden" in attrs
    _encoded(attrs.get("class"), &naming.classes)
    _encoded(attrs.get("id"), &naming.ident)
    _encoded(attrs.get("role"), &naming.role)
    _encoded(attrs.get("style"), &naming.style)
    _encoded(attrs.get("aria-hidden"), &naming.aria_hidden)
    _encoded(attrs.get("rel"), &naming.rel)
    _encoded(attrs.get("itemprop"), &naming.itemprop)
    return 0


cdef int _encoded(str text, Value *value) except -1:
    cdef Py_ssize_t length
    if text is not None:
        value.data = <const unsigned char *> PyUnicode_AsUTF8AndSize(text, &length)
        value.length = length
    return 0


cdef object _decoded(Value *value):
    """The value as the attribute dict holds it."""
    if value.data == NULL:
        return None
    return PyUnicode_DecodeUTF8(<const char *> value.data, value.length, "replace")


cdef inline bint _hidden_named(Naming *naming) except -1:
    """positions.is_hidden of the element's attributes."""
    return naming.hidden or (naming.style.length != 0 and _hiding_style(_decoded(&naming.style)))


cdef bint _equals(Value *value, const char *text, size_t length) noexcept:
    """Whether the value is ``text`` (ASCII): its decoded string is that text just when its
    bytes are (a byte that is not UTF-8 would decode as U+FFFD)."""
    return value.data != NULL and value.length == length and memcmp(value.data, text, length) == 0


cdef inline uint64_t _hash(const unsigned char *data, size_t length) noexcept:
    """A 64-bit hash of ``data``, eight bytes a step."""
    cdef uint64_t state = 0x9E3779B97F4A7C15ULL ^ length
    cdef uint64_t word
    cdef size_t index = 0
    while index + 8 <= length:
        memcpy(&word, data + index, 8)
        state = (state ^ word) * 0xFF51AFD7ED558CCDULL
        state ^= state >> 32
        index += 8
    word = 0
    memcpy(&word, data + index, length - index)
    state = (state ^ word) * 0xC4CEB9FE1A85EC53ULL
    return state ^ (state >> 29)


cdef inline Py_ssize_t _put(unsigned char *key, Py_ssize_t at, const unsigned char *data, size_t length) noexcept:
    """Write one part of a key at ``at`` (its length, _NONE for None, then its bytes); the
    end, or -1 when it does not fit in _KEY_ROOM."""
    cdef uint32_t written = _NONE if data == NULL else <uint32_t> length
    if data != NULL and length > _KEY_ROOM:
        return -1
    if at + 4 + (0 if data == NULL else <Py_ssize_t> length) > _KEY_ROOM:
        return -1
    memcpy(key + at, &written, 4)
    if data != NULL:
        memcpy(key + at + 4, data, length)
        return at + 4 + length
    return at + 4


cdef struct AnswersKey:
    # The key of an element's answers: whether it sits in an article (its first byte), then
    # its tag, class, id and role; hashed without that first byte, so that the key's slots
    # are known before it is (a key differing only there sits in the same slots).
    Py_ssize_t length  # -1: too long to keep
    uint64_t hash
    unsigned char bytes[_KEY_ROOM]


cdef int _key_of(str tag, Naming *naming, AnswersKey *key) except -1:
    """Write the key of an element's answers (but its first byte) and its hash to ``key``,
    and have its first slot loaded meanwhile (_answers_by reads it)."""
    cdef const unsigned char *name = NULL
    cdef Py_ssize_t length = 0
    cdef Py_ssize_t at = 1
    if tag is not None:
        name = <const unsigned char *> PyUnicode_AsUTF8AndSize(tag, &length)
    at = _put(key.bytes, at, name, length)
    if at >= 0:
        at = _put(key.bytes, at, naming.classes.data, naming.classes.length)
    if at >= 0:
        at = _put(key.bytes, at, naming.ident.data, naming.ident.length)
    if at >= 0:
        at = _put(key.bytes, at, naming.role.data, naming.role.length)
    key.length = at
    key.hash = 0
    if at >= 0:
        key.hash = _hash(key.bytes + 1, at - 1)
        prefetch_line(&_table[key.hash & (_SLOTS - 1)])
    return 0


cdef Answers *_answers_of(str tag, Naming *naming, bint in_article, bint marked=True) except NULL:
    """The answers for an element with ``tag`` and ``naming`` (its placement._markers
    worked out unless not ``marked``, then landmark and region None: mainblock's scoring
    pass needs none; the others when first asked); valid until the next call."""
    cdef AnswersKey key
    _key_of(tag, naming, &key)
    return _answers_by(&key, tag, naming, in_article, marked)


cdef Answers *_answers_by(AnswersKey *key, str tag, Naming *naming, bint in_article, bint marked=True) except NULL:
    """``_answers_of`` for the key _key_of wrote (of these ``tag`` and ``naming``)."""
    cdef Py_ssize_t length = key.length
    cdef uint64_t hashed = key.hash
    cdef Answers *slot
    cdef Answers *free_slot = NULL
    cdef unsigned char *copy = NULL
    cdef size_t probe
    if length >= 0:
        key.bytes[0] = in_article
        for probe in range(_PROBES):
            slot = &_table[(hashed + probe) & (_SLOTS - 1)]
            if slot.key == NULL:
                if free_slot == NULL:
                    free_slot = slot
            elif (slot.hash == hashed and slot.length == <size_t> length
                  and memcmp(slot.key, key.bytes, length) == 0):
                return slot
    marks = (None, None)
    if marked:
        classes, ident, role = _decoded(&naming.classes), _decoded(&naming.ident), _decoded(&naming.role)
        # A key not kept here: placement's own cache of _markers keeps it by value.
        marks = (_markers_named(tag, classes, ident, role, in_article) if length >= 0
                 else _markers_of(tag, classes, ident, role, in_article))
    if length < 0:
        free_slot = &_unkept
        _forget(free_slot)
    else:
        if free_slot == NULL:
            free_slot = &_table[(hashed + (hashed >> 32) % _PROBES) & (_SLOTS - 1)]
        copy = <unsigned char *> malloc(length)
        if copy == NULL:
            raise MemoryError()
        _forget(free_slot)
        memcpy(copy, key.bytes, length)
        free_slot.key = copy
        free_slot.length = length
        free_slot.hash = hashed
    _keep_marks(free_slot, marks)
    return free_slot


cdef int _keep_marks(Answers *answers, tuple marks) except -1:
    """Keep placement._markers' (landmark, region) in ``answers``, a reference each."""
    landmark, region = marks
    Py_INCREF(landmark)
    Py_INCREF(region)
    answers.landmark = <PyObject *> landmark
    answers.region = <PyObject *> region
    return 0


cdef tuple _markers_named(str tag, str classes, str ident, str role, bint in_article):
    """placement._markers: (landmark, region) of an element with these tag, class, id and role."""
    cdef str ident_lower = ident.strip().lower() if ident else ""
    cdef list tokens = classes.lower().split() if classes else []
    if ident_lower:
        tokens.append(ident_lower)
    landmark = _landmark_named(tag, tokens, ident_lower, role.strip().lower() if role else "", in_article)
    for token in tokens:
        region = _REGION_TOKENS.get(token)
        if region is not None:
            return landmark, region
    return landmark, ""


cdef object _landmark_named(str tag, list tokens, str ident, str role, bint in_article):
    """positions.landmark_of."""
    if tag == "nav":
        return "nav"
    if role:
        landmark = _ROLE_LANDMARKS.get(role)
        if landmark is not None:
            return landmark
    if ident == "comments" or ident.startswith("comment-"):
        return "comment"
    for token in tokens:
        if token in _COMMENT_TOKENS:
            return "comment"
    for token in tokens:
        if token in _NAV_TOKENS or (("-" in token or "_" in token) and _has_nav_part(token)):
            return "nav"
    if not in_article:
        landmark = _TAG_LANDMARK.get(tag)
        if landmark is not None:
            return landmark
    for token in tokens:
        landmark = _TOKEN_LANDMARK.get(token)
        if landmark is not None:
            return landmark
    return None


cdef bint _has_nav_part(str token) except -1:
    """Whether a part of ``token`` between dashes and underscores is a nav part
    (positions._has_nav_token)."""
    for part in token.replace("_", "-").split("-"):
        if part in _NAV_PARTS:
            return True
    return False


cdef void _forget(Answers *answers) noexcept:
    """Empty an Answers (its key and its references)."""
    free(answers.key)
    Py_XDECREF(answers.landmark)
    Py_XDECREF(answers.region)
    memset(answers, 0, sizeof(Answers))


cdef int _flags_of(Answers *answers, Naming *naming) except -1:
    """cleanup._name_flags of the element's ``"<class> <id>"`` (0 without either)."""
    if not answers.known & K_FLAGS:
        classes = _decoded(&naming.classes)
        ident = _decoded(&naming.ident)
        answers.flags = _name_flags_of(f"{classes or ''} {ident or ''}") if classes or ident else 0
        answers.known |= K_FLAGS
    return answers.flags


cdef bint _unlikely_of(Answers *answers, str tag, Naming *naming) except -1:
    """mainblock.unlikely_candidate."""
    if not answers.known & K_UNLIKELY:
        answers.unlikely = _unlikely_names(tag, _decoded(&naming.classes), _decoded(&naming.ident),
                                           _decoded(&naming.role))
        answers.known |= K_UNLIKELY
    return answers.unlikely


cdef long _weight_of(Answers *answers, Naming *naming) except? -1:
    """mainblock.class_weight."""
    if not answers.known & K_WEIGHT:
        answers.weight = _names_weight(_decoded(&naming.classes), _decoded(&naming.ident))
        answers.known |= K_WEIGHT
    return answers.weight


def markers(str tag, str classes, str ident, str role, bint in_article):
    """placement._markers, compiled (for the tests)."""
    return _markers_named(tag, classes, ident, role, in_article)


def kept_answers():
    """How many elements' answers are kept (for the tests)."""
    cdef size_t index
    cdef Py_ssize_t kept = 0
    for index in range(_SLOTS):
        kept += _table[index].key != NULL
    return kept
