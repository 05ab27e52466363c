# Included by _fastdom.pyx: reading the text of lexbor nodes in C. ``_text`` builds what
# ``LexborNode.text()`` returns; ``_scan`` and ``_scan_node`` read the text's facts (code points,
# words, commas, white space at the ends) and, when asked, its collapsed words, as
# ``str.split`` and ``" ".join`` would, declining (``facts.invalid``) on bytes that are not
# UTF-8, where Python's decoder would substitute U+FFFD.


cdef struct Buffer:
    char *data
    Py_ssize_t length
    Py_ssize_t size
    Py_ssize_t count  # fragments added


cdef int _append(Buffer *buffer, const char *data, Py_ssize_t length) except -1:
    cdef Py_ssize_t needed = buffer.length + length
    cdef Py_ssize_t size
    cdef char *grown
    if needed > buffer.size:
        size = buffer.size * 2 if buffer.size else 256
        while size < needed:
            size *= 2
        grown = <char *> realloc(buffer.data, size)
        if grown == NULL:
            raise MemoryError()
        buffer.data = grown
        buffer.size = size
    if length:
        memcpy(buffer.data + buffer.length, data, length)
    buffer.length = needed
    return 0


cdef inline int _add_text(Buffer *buffer, lxb_dom_node_t *node, const char *separator,
                          Py_ssize_t separator_length) except -1:
    """Append a text node's data, after the separator when it is not the first fragment
    (selectolax's TextContainer: ``separator.join(fragments)``)."""
    cdef lxb_dom_character_data_t *text = <lxb_dom_character_data_t *> node
    if text.data.data == NULL:
        return 0
    if buffer.count > 0 and separator_length > 0:
        _append(buffer, separator, separator_length)
    _append(buffer, <const char *> text.data.data, text.data.length)
    buffer.count += 1
    return 0


cdef extern from "Python.h":
    object PyUnicode_FromKindAndData(int kind, const void *buffer, Py_ssize_t size)
    int PyUnicode_4BYTE_KIND
    str PyUnicode_New(Py_ssize_t size, Py_UCS4 maxchar)
    unsigned char *PyUnicode_1BYTE_DATA(str text)
    void *PyUnicode_DATA(str text)


cdef struct Words:
    # The collapsed text being written (code points), when wanted.
    Py_UCS4 *data
    Py_ssize_t length
    Py_ssize_t size
    Py_UCS4 widest  # the widest code point written (below 128: nothing but ASCII)


#: The words of every read that writes them (anchor and block texts): the GIL is held and no
#: Python code runs while they are written and copied out, so reads never overlap. A buffer
#: of their own cost each read a malloc and free, and page faults for long blocks.
cdef Words _scratch
_scratch.data = NULL
_scratch.length = _scratch.size = 0
#: Code points the scratch buffer keeps between reads; one longer read frees it after use.
cdef enum:
    _SCRATCH_KEPT = 1 << 18


cdef inline Words *_scratch_words() noexcept:
    _scratch.length = 0
    _scratch.widest = 0
    return &_scratch


cdef inline void _trim_scratch() noexcept:
    _scratch.length = 0
    if _scratch.size > _SCRATCH_KEPT:
        free(_scratch.data)
        _scratch.data = NULL
        _scratch.size = 0


cdef int _reserve(Words *out, Py_ssize_t more) except -1:
    """Room for ``more`` code points (a text of n bytes has at most n code points)."""
    cdef Py_ssize_t size
    cdef Py_UCS4 *grown
    if out.length + more <= out.size:
        return 0
    size = out.size * 2 if out.size else 256
    while size < out.length + more:
        size *= 2
    grown = <Py_UCS4 *> realloc(out.data, size * sizeof(Py_UCS4))
    if grown == NULL:
        raise MemoryError()
    out.data = grown
    out.size = size
    return 0


cdef inline bint _wide_space(Py_UCS4 code) noexcept:
    """``Py_UNICODE_ISSPACE`` of a code point past ASCII, without its call where no white
    space is: below U+1680 only U+0085 and U+00A0 are, and none past U+3000."""
    if code < 0x1680:
        return code == 0x85 or code == 0xA0
    return code <= 0x3000 and Py_UNICODE_ISSPACE(code)


cdef inline bint _continuation(unsigned char byte) noexcept:
    return (byte & 0xC0) == 0x80


# What _scan's ASCII loops need of a byte, in one look-up: part of a word, a comma (also
# part of a word), white space as str.split sees it, or not ASCII.
cdef enum:
    _WORD_BYTE = 0
    _COMMA_BYTE = 1
    _SPACE_BYTE = 2
    _OTHER_BYTE = 3

cdef unsigned char[256] _BYTE_CLASS


cdef void _fill_byte_class() noexcept:
    cdef int byte
    for byte in range(256):
        if byte >= 0x80:
            _BYTE_CLASS[byte] = _OTHER_BYTE
        elif Py_UNICODE_ISSPACE(byte):
            _BYTE_CLASS[byte] = _SPACE_BYTE
        elif byte == 0x2C:
            _BYTE_CLASS[byte] = _COMMA_BYTE
        else:
            _BYTE_CLASS[byte] = _WORD_BYTE


_fill_byte_class()

#: Eight spaces, as one 64-bit word: indentation (most of a page's text bytes are white
#: space between tags) is passed over eight bytes at a time.
cdef unsigned long long _EIGHT_SPACES = 0x2020202020202020ULL


cdef inline Py_ssize_t _after_spaces(const unsigned char *data, Py_ssize_t j, Py_ssize_t length) noexcept:
    """Where the run of ASCII white space from ``j`` ends."""
    cdef unsigned long long eight
    while j + 8 <= length:
        memcpy(&eight, data + j, 8)
        if eight != _EIGHT_SPACES:
            break
        j += 8
    while j < length and _BYTE_CLASS[data[j]] == _SPACE_BYTE:
        j += 1
    return j


cdef extern from *:
    """
    #include <string.h>
    #if defined(__SSE2__)
    #include <emmintrin.h>
    #endif

    typedef struct {
        Py_ssize_t words;  /* words begun */
        Py_ssize_t blanks;  /* white space bytes */
        Py_ssize_t commas;
    } fasttext_ascii_counts;

    #if defined(__SSE2__)
    /* Per byte lane, how many blocks began a word there, were white space, were a comma. */
    typedef struct {
        __m128i starts, blanks, commas;
        __m128i before;  /* lane 0: whether the byte before the block is white space */
    } fasttext_lanes;

    /* Per byte lane of 16 ASCII bytes, -1 where it is white space as str.split sees ASCII:
       9 to 13, 28 to 32. */
    static inline __m128i fasttext_blanks(__m128i bytes) {
        return _mm_or_si128(
            _mm_and_si128(_mm_cmpgt_epi8(bytes, _mm_set1_epi8(8)), _mm_cmplt_epi8(bytes, _mm_set1_epi8(14))),
            _mm_and_si128(_mm_cmpgt_epi8(bytes, _mm_set1_epi8(27)), _mm_cmplt_epi8(bytes, _mm_set1_epi8(33))));
    }

    /* Count the 16 ASCII bytes of ``bytes`` into ``lanes`` (white space as str.split sees
       ASCII: 9 to 13, 28 to 32). Lanes are 0 or -1 per test: subtracting counts one. */
    static inline void fasttext_count_block(fasttext_lanes *lanes, __m128i bytes) {
        __m128i blank = fasttext_blanks(bytes);
        __m128i blank_before = _mm_or_si128(_mm_slli_si128(blank, 1), lanes->before);
        lanes->starts = _mm_sub_epi8(lanes->starts, _mm_andnot_si128(blank, blank_before));
        lanes->blanks = _mm_sub_epi8(lanes->blanks, blank);
        lanes->commas = _mm_sub_epi8(lanes->commas, _mm_cmpeq_epi8(bytes, _mm_set1_epi8(',')));
        lanes->before = _mm_srli_si128(blank, 15);
    }

    /* The sum of the 16 byte lanes of ``lanes``. */
    static inline Py_ssize_t fasttext_lane_sum(__m128i lanes) {
        __m128i sums = _mm_sad_epu8(lanes, _mm_setzero_si128());
        return _mm_cvtsi128_si32(sums) + _mm_extract_epi16(sums, 4);
    }

    /* Add the lanes' counts to ``counts``, and clear them. */
    static inline void fasttext_add_lanes(fasttext_ascii_counts *counts, fasttext_lanes *lanes) {
        counts->words += fasttext_lane_sum(lanes->starts);
        counts->blanks += fasttext_lane_sum(lanes->blanks);
        counts->commas += fasttext_lane_sum(lanes->commas);
        lanes->starts = lanes->blanks = lanes->commas = _mm_setzero_si128();
    }
    #endif

    /* Read data[0:n] 16 bytes at a time while they are ASCII, the last few padded with
       spaces: count the words begun (``in_word``: the byte before data is part of a word),
       the white space bytes and the commas into ``counts``. Returns n: all of data, or up
       to a block of 16 bytes holding one that is not ASCII (0 without SSE2). */
    static Py_ssize_t fasttext_ascii_blocks(const unsigned char *data, Py_ssize_t length, int in_word,
                                            fasttext_ascii_counts *counts) {
        Py_ssize_t read = 0;
        counts->words = counts->blanks = counts->commas = 0;
    #if defined(__SSE2__)
        fasttext_lanes lanes;
        unsigned char last[16];
        __m128i bytes;
        int blocks = 0;
        lanes.starts = lanes.blanks = lanes.commas = _mm_setzero_si128();
        lanes.before = _mm_cvtsi32_si128(in_word ? 0 : 0xFF);
        for (; read + 16 <= length; read += 16) {
            bytes = _mm_loadu_si128((const __m128i *) (data + read));
            if (_mm_movemask_epi8(bytes)) {
                fasttext_add_lanes(counts, &lanes);
                return read;
            }
            fasttext_count_block(&lanes, bytes);
            if (++blocks == 255) {  /* a lane counts up to 255 */
                fasttext_add_lanes(counts, &lanes);
                blocks = 0;
            }
        }
        if (read < length) {
            memset(last, ' ', 16);
            memcpy(last, data + read, length - read);
            bytes = _mm_loadu_si128((const __m128i *) last);
            if (!_mm_movemask_epi8(bytes)) {
                fasttext_count_block(&lanes, bytes);
                counts->blanks -= 16 - (length - read);  /* the padding */
                read = length;
            }
        }
        fasttext_add_lanes(counts, &lanes);
    #endif
        return read;
    }

    /* Copy data[0:n] to ``written`` as code points, 16 bytes at a time while a block of them
       is its own collapsed text once its white space is written as spaces: ASCII, no white
       space byte next to another (nor to the last byte of the block before), data[0] part
       of a word. Count the words begun after data[0], the white space bytes and the commas
       into ``counts``; ``*ends_blank``: data[n - 1] is white space. Returns n, a multiple of
       16 (0 without SSE2). ``written`` has room for 16 code points from each block's place
       (a space written there may be dropped). */
    static Py_ssize_t fasttext_verbatim_blocks(const unsigned char *data, Py_ssize_t length, Py_UCS4 *written,
                                               fasttext_ascii_counts *counts, int *ends_blank) {
        Py_ssize_t read = 0;
        int before = 0;
        counts->words = counts->blanks = counts->commas = 0;
    #if defined(__SSE2__)
        fasttext_lanes lanes;
        __m128i bytes, blank, zero = _mm_setzero_si128(), low, high;
        int spaces, blocks = 0;
        lanes.starts = lanes.blanks = lanes.commas = lanes.before = zero;
        for (; read + 16 <= length; read += 16) {
            bytes = _mm_loadu_si128((const __m128i *) (data + read));
            if (_mm_movemask_epi8(bytes)) {
                break;
            }
            blank = fasttext_blanks(bytes);
            spaces = _mm_movemask_epi8(blank);
            if (spaces & ((spaces << 1) | before)) {
                break;
            }
            before = spaces >> 15;
            fasttext_count_block(&lanes, bytes);
            bytes = _mm_or_si128(_mm_andnot_si128(blank, bytes), _mm_and_si128(blank, _mm_set1_epi8(' ')));
            low = _mm_unpacklo_epi8(bytes, zero);
            high = _mm_unpackhi_epi8(bytes, zero);
            _mm_storeu_si128((__m128i *) (written + read), _mm_unpacklo_epi16(low, zero));
            _mm_storeu_si128((__m128i *) (written + read + 4), _mm_unpackhi_epi16(low, zero));
            _mm_storeu_si128((__m128i *) (written + read + 8), _mm_unpacklo_epi16(high, zero));
            _mm_storeu_si128((__m128i *) (written + read + 12), _mm_unpackhi_epi16(high, zero));
            if (++blocks == 255) {  /* a lane counts up to 255 */
                fasttext_add_lanes(counts, &lanes);
                blocks = 0;
            }
        }
        fasttext_add_lanes(counts, &lanes);
    #endif
        *ends_blank = before;
        return read;
    }
    """
    ctypedef struct AsciiCounts "fasttext_ascii_counts":
        Py_ssize_t words
        Py_ssize_t blanks
        Py_ssize_t commas
    Py_ssize_t fasttext_ascii_blocks(const unsigned char *data, Py_ssize_t length, bint in_word,
                                     AsciiCounts *counts) noexcept
    Py_ssize_t fasttext_verbatim_blocks(const unsigned char *data, Py_ssize_t length, Py_UCS4 *written,
                                        AsciiCounts *counts, int *ends_blank) noexcept


cdef inline int _scan(const unsigned char *data, Py_ssize_t length, Facts *facts, Words *out) except -1:
    """Read UTF-8 ``data`` into ``facts`` (white space as ``str.split`` sees it) and, when
    ``out`` is given, write its words separated by one space. Bytes that are not valid
    UTF-8 (where Python's decoder would put U+FFFD) set ``facts.invalid`` and stop: the
    caller then answers with the plain Python computation."""
    if out == NULL:
        return _scan_blocks(data, length, facts)
    return _scan_runs(data, length, facts, out)


cdef int _scan_blocks(const unsigned char *data, Py_ssize_t length, Facts *facts) except -1:
    """``_scan`` without words: blocks of 16 ASCII bytes read at once (SSE2), a block
    holding other bytes by ``_scan_runs``."""
    cdef Py_ssize_t i = 0, read, end
    cdef AsciiCounts ascii
    while i < length and not facts.invalid:
        read = fasttext_ascii_blocks(data + i, length - i, facts.in_word, &ascii)
        if read > 0:
            if facts.chars == 0:
                facts.lead = _BYTE_CLASS[data[i]] == _SPACE_BYTE
            facts.chars += read
            facts.words += ascii.words
            facts.word_chars += read - ascii.blanks
            facts.commas += ascii.commas
            facts.trail = _BYTE_CLASS[data[i + read - 1]] == _SPACE_BYTE
            facts.in_word = not facts.trail
            i += read
            if i == length:
                break
        # The next 16 bytes, and the rest of the code point they end in.
        end = min(i + 16, length)
        while end < length and _continuation(data[end]):
            end += 1
        _scan_runs(data + i, end - i, facts, NULL)
        i = end
    return 0


cdef int _scan_runs(const unsigned char *data, Py_ssize_t length, Facts *facts, Words *out) except -1:
    """``_scan``: runs of ASCII white space and of other ASCII characters read in tight
    loops, other code points one by one."""
    cdef Py_ssize_t i = 0, j
    cdef unsigned char byte, second
    cdef Py_UCS4 code
    cdef bint space
    # The facts as locals while scanning (written back at the end, or where it stops).
    cdef Py_ssize_t chars = facts.chars, words = facts.words, word_chars = facts.word_chars
    cdef Py_ssize_t commas = facts.commas, wide_commas = facts.wide_commas
    cdef bint lead = facts.lead, trail = facts.trail, in_word = facts.in_word
    cdef Py_UCS4 *written = NULL
    cdef Py_ssize_t count = 0
    cdef AsciiCounts ascii
    cdef int ends_blank
    if out != NULL:
        _reserve(out, length + 1)  # each code point, and one space before the first word
        written = out.data
        count = out.length
    while i < length:
        byte = data[i]
        if byte < 0x80:
            if _BYTE_CLASS[byte] == _SPACE_BYTE:
                if chars == 0:
                    lead = True
                j = _after_spaces(data, i + 1, length)
                chars += j - i
                trail = True
                in_word = False
                i = j
                continue
            if chars == 0:
                lead = False
            if not in_word:
                in_word = True
                words += 1
                if written != NULL and words > 1:
                    written[count] = 32
                    count += 1
            if written != NULL and i + 16 <= length:
                # Prose: blocks of 16 bytes written as they are (their code points within the
                # room reserved, the blocks lying within data).
                j = fasttext_verbatim_blocks(data + i, length - i, written + count, &ascii, &ends_blank)
                if j > 0:
                    count += j - ends_blank
                    chars += j
                    word_chars += j - ascii.blanks
                    words += ascii.words
                    commas += ascii.commas
                    i += j
                    if ends_blank:
                        trail = True
                        in_word = False
                        continue
            j = i
            if written == NULL:
                while j < length and _BYTE_CLASS[data[j]] <= _COMMA_BYTE:
                    commas += _BYTE_CLASS[data[j]]
                    j += 1
            else:
                while j < length and _BYTE_CLASS[data[j]] <= _COMMA_BYTE:
                    commas += _BYTE_CLASS[data[j]]
                    written[count] = data[j]
                    count += 1
                    j += 1
            chars += j - i
            word_chars += j - i
            trail = False
            i = j
            continue
        elif byte < 0xC2:
            facts.invalid = True
            break
        elif byte < 0xE0:
            if i + 1 >= length or not _continuation(data[i + 1]):
                facts.invalid = True
                break
            code = ((byte & 0x1F) << 6) | (data[i + 1] & 0x3F)
            i += 2
        elif byte < 0xF0:
            if i + 2 >= length:
                facts.invalid = True
                break
            second = data[i + 1]
            if (not _continuation(second) or not _continuation(data[i + 2])
                    or (byte == 0xE0 and second < 0xA0) or (byte == 0xED and second > 0x9F)):
                facts.invalid = True
                break
            code = ((byte & 0x0F) << 12) | ((second & 0x3F) << 6) | (data[i + 2] & 0x3F)
            i += 3
        elif byte < 0xF5:
            if i + 3 >= length:
                facts.invalid = True
                break
            second = data[i + 1]
            if (not _continuation(second) or not _continuation(data[i + 2]) or not _continuation(data[i + 3])
                    or (byte == 0xF0 and second < 0x90) or (byte == 0xF4 and second > 0x8F)):
                facts.invalid = True
                break
            code = (((byte & 0x07) << 18) | ((second & 0x3F) << 12) | ((data[i + 2] & 0x3F) << 6)
                    | (data[i + 3] & 0x3F))
            i += 4
        else:
            facts.invalid = True
            break
        space = _wide_space(code)
        if chars == 0:
            lead = space
        trail = space
        chars += 1
        if space:
            in_word = False
            continue
        if not in_word:
            in_word = True
            words += 1
            if written != NULL and words > 1:
                written[count] = 32
                count += 1
        word_chars += 1
        if written != NULL:
            written[count] = code
            count += 1
            if code > out.widest:
                out.widest = code
        if code == 0xFF0C:
            wide_commas += 1
    facts.chars = chars
    facts.words = words
    facts.word_chars = word_chars
    facts.commas = commas
    facts.wide_commas = wide_commas
    facts.lead = lead
    facts.trail = trail
    facts.in_word = in_word
    if out != NULL:
        out.length = count
    return 0


cdef inline Py_ssize_t _leading_blank(const unsigned char *data, Py_ssize_t length) noexcept:
    """How many bytes of ASCII white space ``data`` begins with (the first run ``_scan``
    reads): most of a page's text nodes are nothing but that, between tags."""
    if length > 0 and _BYTE_CLASS[data[0]] == _SPACE_BYTE:
        return _after_spaces(data, 1, length)  # (a newline, then indentation)
    return 0


cdef inline void _add_blank(Facts *facts, Py_ssize_t chars) noexcept:
    """``facts`` go on over ``chars`` code points of white space, as ``_scan`` reads them
    (and as ``_merge`` adds their facts)."""
    if chars == 0:
        return
    if facts.chars == 0:
        facts.lead = True
    facts.chars += chars
    facts.trail = True
    facts.in_word = False


cdef inline int _scan_text(lxb_dom_node_t *node, Facts *facts, Words *out) except -1:
    """``_scan`` of the text node ``node``'s data, its leading white space read here: one
    of nothing but white space needs no ``_scan`` call."""
    cdef lxb_dom_character_data_t *text = <lxb_dom_character_data_t *> node
    cdef Py_ssize_t blank
    if text.data.data == NULL:
        return 0
    blank = _leading_blank(text.data.data, text.data.length)
    _add_blank(facts, blank)
    if blank < <Py_ssize_t> text.data.length:
        _scan(text.data.data + blank, text.data.length - blank, facts, out)
    return 0


cdef int _scan_node(lxb_dom_node_t *root, bint deep, bint spaced, Facts *facts, Words *out,
                    Py_ssize_t enough=-1) except -1:
    """Scan the text ``LexborNode.text(deep)`` reads (``spaced``: with a separator of white
    space between text nodes, as ``text(separator=" ")``, which only matters to words).
    With ``enough`` >= 0, stop once ``out`` holds that many code points."""
    cdef lxb_dom_node_t *node
    cdef lxb_dom_character_data_t *text
    facts.chars = facts.words = facts.word_chars = facts.commas = facts.wide_commas = 0
    facts.lead = facts.trail = facts.in_word = facts.invalid = False
    if root.type == FASTDOM_TEXT:
        _scan_text(root, facts, out)
    node = root.first_child
    while node != NULL and not facts.invalid:
        if (node.local_name == FASTDOM_TAG_TEXT) if deep else (node.type == FASTDOM_TEXT):
            text = <lxb_dom_character_data_t *> node
            if text.data.data != NULL:
                if spaced:
                    facts.in_word = False
                _scan_text(node, facts, out)
                if enough >= 0 and out.length >= enough:
                    break
        if not deep:
            node = node.next
        elif node.first_child != NULL:
            node = node.first_child
        else:
            node = after_subtree(node, root)
            if node == NULL:
                break
    return 0


cdef extern from *:
    """
    #include <string.h>
    #if defined(__SSE2__)
    #include <emmintrin.h>
    #endif

    /* narrow[k] = wide[k] for k < n, every wide[k] below 256; 16, then 4 at a time with SSE2. */
    static void fasttext_narrow(unsigned char *narrow, const Py_UCS4 *wide, Py_ssize_t n) {
        Py_ssize_t k = 0;
    #if defined(__SSE2__)
        for (; k + 16 <= n; k += 16) {
            __m128i low = _mm_packs_epi32(_mm_loadu_si128((const __m128i *) (wide + k)),
                                          _mm_loadu_si128((const __m128i *) (wide + k + 4)));
            __m128i high = _mm_packs_epi32(_mm_loadu_si128((const __m128i *) (wide + k + 8)),
                                           _mm_loadu_si128((const __m128i *) (wide + k + 12)));
            _mm_storeu_si128((__m128i *) (narrow + k), _mm_packus_epi16(low, high));
        }
        for (; k + 4 <= n; k += 4) {
            __m128i four = _mm_packs_epi32(_mm_loadu_si128((const __m128i *) (wide + k)), _mm_setzero_si128());
            int packed = _mm_cvtsi128_si32(_mm_packus_epi16(four, four));
            memcpy(narrow + k, &packed, 4);
        }
    #endif
        for (; k < n; k++) narrow[k] = (unsigned char) wide[k];
    }

    /* narrow[k] = wide[k] for k < n, every wide[k] below 65536; 8 at a time with SSE2 (packed
       with signed saturation less 32768, which leaves them as they are). */
    static void fasttext_narrow2(Py_UCS2 *narrow, const Py_UCS4 *wide, Py_ssize_t n) {
        Py_ssize_t k = 0;
    #if defined(__SSE2__)
        __m128i half = _mm_set1_epi32(32768);
        for (; k + 8 <= n; k += 8) {
            __m128i packed = _mm_packs_epi32(_mm_sub_epi32(_mm_loadu_si128((const __m128i *) (wide + k)), half),
                                             _mm_sub_epi32(_mm_loadu_si128((const __m128i *) (wide + k + 4)), half));
            _mm_storeu_si128((__m128i *) (narrow + k), _mm_add_epi16(packed, _mm_set1_epi16((short) 0x8000)));
        }
    #endif
        for (; k < n; k++) narrow[k] = (Py_UCS2) wide[k];
    }
    """
    void fasttext_narrow(unsigned char *narrow, const Py_UCS4 *wide, Py_ssize_t n) noexcept
    void fasttext_narrow2(void *narrow, const Py_UCS4 *wide, Py_ssize_t n) noexcept


cdef str _words_text(const Words *out, Py_ssize_t length):
    """The first ``length`` code points ``out`` holds (at most ``out.length``), narrowed
    straight into a str of the kind of the widest written, rather than looked over for it
    (but for a shorter prefix holding other than ASCII, whose widest may be narrower)."""
    cdef str text
    if length == 0:
        return ""
    if out.widest < 128:
        text = PyUnicode_New(length, 127)
    elif length < out.length:
        return PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, out.data, length)
    else:
        text = PyUnicode_New(length, out.widest)
    if out.widest < 256:
        fasttext_narrow(PyUnicode_1BYTE_DATA(text), out.data, length)
    elif out.widest < 65536:
        fasttext_narrow2(PyUnicode_DATA(text), out.data, length)
    else:
        memcpy(PyUnicode_DATA(text), out.data, length * sizeof(Py_UCS4))
    return text


_NOTHING = (0, False, False, True, 0)
_BLANK = (0, True, True, True, 0)


#: The pieces of short texts without commas (most anchors' and many paragraphs'), by
#: collapsed length, leading and trailing white space: made once and shared, rather than a
#: tuple allocated (and tracked by the garbage collector) per element.
cdef Py_ssize_t _SHARED_LENGTHS = 128
cdef list _SHARED_PIECES = [
    [[(length, lead, trail, False, 0) for length in range(_SHARED_LENGTHS)] for trail in (False, True)]
    for lead in (False, True)
]


cdef tuple _piece(Facts *facts):
    """crawler.mainblock.piece of the scanned text."""
    cdef Py_ssize_t length
    if facts.chars == 0:
        return _NOTHING
    if facts.words == 0:
        return _BLANK
    length = facts.word_chars + facts.words - 1
    if length < _SHARED_LENGTHS and facts.commas == 0:
        return <tuple> (<list> (<list> _SHARED_PIECES[facts.lead])[facts.trail])[length]
    return (length, facts.lead, facts.trail, False, facts.commas)


cdef str _text(lxb_dom_node_t *root, bint deep, bytes separator):
    """``LexborNode.text(deep, separator)`` of a document's node (not a fragment root)."""
    cdef Buffer buffer
    cdef const char *sep = separator
    cdef Py_ssize_t sep_length = len(separator)
    cdef lxb_dom_node_t *node
    buffer.data = NULL
    buffer.length = buffer.size = buffer.count = 0
    try:
        if root.type == FASTDOM_TEXT:
            _add_text(&buffer, root, sep, sep_length)
        node = root.first_child
        if not deep:
            while node != NULL:
                if node.type == FASTDOM_TEXT:
                    _add_text(&buffer, node, sep, sep_length)
                node = node.next
        else:
            # lexbor's simple walk: every node under root in document order.
            while node != NULL:
                if node.local_name == FASTDOM_TAG_TEXT:
                    _add_text(&buffer, node, sep, sep_length)
                if node.first_child != NULL:
                    node = node.first_child
                else:
                    node = after_subtree(node, root)
                    if node == NULL:
                        break
        if buffer.length == 0:
            return ""
        return PyUnicode_DecodeUTF8(buffer.data, buffer.length, "replace")
    finally:
        free(buffer.data)
