# cython: language_level=3, boundscheck=False, wraparound=False
"""The tag counts crawler.parseguard looks at before every parse, from one compiled pass
over the page's bytes (``tag_counts``): a few times faster than the ``bytes.count`` calls it
replaces, so that looking at every page costs little. Also whether a body is UTF-8
(``is_utf8``, for crawler.encoding), without decoding it.

The same pass can also leave out the text of the scripts and styles that nothing reads
(``tag_counts_quieted``): the extractor strips every script, style and template element
before it reads any text, and reads the text of JSON-LD scripts only, so the parser need
not tokenize the rest (46% of the corpus pages' bytes) nor build and free its text. The
cut must not change the tree: it follows lexbor's tokenizer (the HTML standard's, with
scripting off, as the extractor runs it: ``<noscript>`` holds markup) closely enough to
know where a script or style's text really starts and ends, and stops cutting (for the
rest of the page) wherever it would have to follow more than that:

* Followed: tags, read state by state (a quoted attribute value, after "=", may hold ">";
  a tag cut off by the end of the page is dropped); comments (to the first "-->" or "--!>",
  or "<!-->" and "<!--->"); DOCTYPEs and bogus comments ("<!x", "<?x", "</1", to the first
  ">"); the text of RCDATA and RAWTEXT elements (title, textarea, style, xmp, iframe,
  noembed, noframes: to the first "</name" ending its name, in any case); script text
  with its escaped ("<!--") and double-escaped ("<!--<script>") states, where a
  "</script" ends the escaped text but not the double-escaped one; the end tags ending
  them, read as tags.
* Foreign content: inside ``<svg>`` and ``<math>`` a script or style is markup (never
  cut) and "<![CDATA[" opens a CDATA section (to "]]>"). The open SVG and MathML elements
  are followed as a stack: an end tag closes the innermost open one of its name. Only the
  common SVG and MathML elements are followed, none of which breaks out of foreign content;
  an integration point (foreignObject, desc, title, mi, mo, mn, ms, mtext, annotation-xml)
  may hold text only, up to its end tag. Any other start tag, an end tag of no open foreign
  element (the HTML rules take it), or deeper nesting than 64: no more cutting.
* No more cutting after ``<template>`` (an insertion mode where the spec ignores some
  script, style or RAWTEXT start tags, and lexbor's version of it differs), ``<frameset>``
  (script tags ignored), ``<plaintext>`` (text to the end) and a ``<select>`` holding more
  than text, comments, options, option groups and ``<hr>`` before its end tag (the same).
  A select followed to its end tag gets a ``multiple`` attribute (its own, now a duplicate
  the parser ignores, stays, as it does on a select not followed): lexbor
  then skips the selectedness algorithm it runs at each option inserted, over all the
  select's options (1.5% of its work on the corpus pages); nothing reads the attribute.
* Kept: the text of a script whose start tag holds "ld+json" (any case; JSON-LD, not other
  JSON data) or "&" (a character reference could spell it); the text of RCDATA elements
  (titles are read) and of the other RAWTEXT ones. Only the text between the start tag and the end tag is left out;
  the tags stay, so the elements are the same.
* Also left out: the start tags' attributes that the extractor never reads (``data-*``,
  event handlers, ``aria-*`` but ``aria-hidden``, ``title``, image sizes and source sets,
  link targets, form values, SVG drawing attributes ...: ``unread_attribute``), name and
  value, but not the white space before them. Of the 1,340 attributes the parser builds
  for a corpus page, 335 are of these kinds, many with names (``data-*``) it must also hash.
* And the text of comments (the tokenizer copies it byte by byte; nothing reads it): the
  comment's "<!--" and the dashes ending it stay, so the comment node is still there, empty.
* Bytes are read as lexbor reads UTF-8: a broken sequence never swallows the ASCII byte
  after it (checked), so every "<", quote and name is where the tokenizer sees it; CR is
  white space (the input stream makes it LF)."""

from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize
from libc.stdlib cimport free
from libc.string cimport memchr, memcpy, strlen

cdef extern from *:
    """
    #include <stdlib.h>
    #include <string.h>
    #ifdef __SSE2__
    #include <emmintrin.h>
    #endif
    /* The script and style text no one reads, found by following the tokenizer (see the
       module docstring for what is followed and where following stops). */
    #define BACKLINKS_NAME 24     /* the longest tag name remembered */
    #define BACKLINKS_FOREIGN 64  /* the deepest svg and math nesting followed */
    #define BACKLINKS_SHORT 8     /* the end tag names read byte by byte */

    typedef struct {
        Py_ssize_t start, end;
        const char *text;  /* put in place of the bytes from start to end, or NULL */
    } backlinks_span;

    typedef struct {
        const unsigned char *at;  /* the name as written */
        unsigned char name[BACKLINKS_NAME];  /* in lower case, once backlinks_lower has run */
        int length;  /* -1: a longer name */
        int self_closing;
        int integration_point;  /* an open foreign element that may hold HTML */
    } backlinks_tag;

    typedef struct {
        const unsigned char *base, *end;
        backlinks_span *spans;  /* the texts to leave out (or replace), in order */
        Py_ssize_t count, room;
        Py_ssize_t kept;  /* the page's length with the spans applied */
        /* the open foreign elements (svg, math and those inside), outermost first */
        int depth;
        backlinks_tag foreign[BACKLINKS_FOREIGN];
    } backlinks_quiet;

    /* What ends a tag's name or an attribute's name or value: white space, "/", ">", "=". */
    enum { BACKLINKS_SPACE = 1, BACKLINKS_SLASH = 2, BACKLINKS_GT = 4, BACKLINKS_EQUALS = 8 };
    static const unsigned char BACKLINKS_ENDS[256] = {
        [9] = BACKLINKS_SPACE, [10] = BACKLINKS_SPACE, [12] = BACKLINKS_SPACE, [13] = BACKLINKS_SPACE,
        [' '] = BACKLINKS_SPACE, ['/'] = BACKLINKS_SLASH, ['>'] = BACKLINKS_GT, ['='] = BACKLINKS_EQUALS};

    static inline int backlinks_space(unsigned char c) {
        return BACKLINKS_ENDS[c] & BACKLINKS_SPACE;
    }
    static inline int backlinks_alpha(unsigned char c) {
        c |= 0x20;
        return c >= 'a' && c <= 'z';
    }
    /* Whether the tag's lower-case name (backlinks_lower) is name. */
    static inline int backlinks_is(const backlinks_tag *tag, const char *name) {
        int i;
        for (i = 0; i < tag->length; i++) {
            if (name[i] == '\\0' || tag->name[i] != (unsigned char) name[i]) return 0;
        }
        return i > 0 && name[i] == '\\0';
    }
    /* After the first c at or after p, or NULL. */
    static inline const unsigned char *backlinks_after(const unsigned char *p, const unsigned char *end, int c) {
        const unsigned char *found = memchr(p, c, (size_t) (end - p));
        return found == NULL ? NULL : found + 1;
    }
    /* The first "what" (n bytes) at or after p, or NULL. */
    static const unsigned char *backlinks_find(const unsigned char *p, const unsigned char *end,
                                               const char *what, size_t n) {
        while (end - p >= (Py_ssize_t) n && (p = memchr(p, what[0], (size_t) (end - p - n + 1))) != NULL) {
            if (memcmp(p, what, n) == 0) return p;
            p++;
        }
        return NULL;
    }
    /* Whether p starts with name (lower-case letters) in any case, then a character that
       ends an end tag's name (white space, "/" or ">"). */
    static int backlinks_name_ends(const unsigned char *p, const unsigned char *end, const char *name) {
        for (; *name; name++, p++) {
            if (p >= end || (*p | 0x20) != (unsigned char) *name) return 0;
        }
        return p < end && (backlinks_space(*p) || *p == '/' || *p == '>');
    }

    /* The first byte at or after p that is one of the ends (BACKLINKS_ENDS bits), or end:
       sixteen bytes at a time where SSE2 is there (any byte up to " " is a candidate for
       white space, checked in the table). */
    static inline const unsigned char *backlinks_skip_to(const unsigned char *p, const unsigned char *end,
                                                         int ends) {
    #ifdef __SSE2__
        const __m128i space = _mm_set1_epi8(' '), slash = _mm_set1_epi8('/'), gt = _mm_set1_epi8('>'),
                      equals = _mm_set1_epi8(ends & BACKLINKS_EQUALS ? '=' : '>');
        for (; end - p >= 16; p += 16) {
            __m128i bytes = _mm_loadu_si128((const __m128i *) p);
            __m128i hits = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(bytes, slash), _mm_cmpeq_epi8(bytes, gt)),
                                        _mm_or_si128(_mm_cmpeq_epi8(bytes, equals),
                                                     _mm_cmpeq_epi8(_mm_min_epu8(bytes, space), bytes)));
            for (unsigned mask = (unsigned) _mm_movemask_epi8(hits); mask != 0; mask &= mask - 1) {
                const unsigned char *hit = p + __builtin_ctz(mask);
                if (BACKLINKS_ENDS[*hit] & ends) return hit;
            }
        }
    #endif
        while (p < end && !(BACKLINKS_ENDS[*p] & ends)) p++;
        return p;
    }
    /* The first c at or after p, or NULL: sixteen bytes at a time where SSE2 is there
       (quicker than memchr for the short runs of an attribute value). */
    static inline const unsigned char *backlinks_byte(const unsigned char *p, const unsigned char *end,
                                                      unsigned char c) {
    #ifdef __SSE2__
        const __m128i wanted = _mm_set1_epi8((char) c);
        for (; end - p >= 16; p += 16) {
            unsigned mask = (unsigned) _mm_movemask_epi8(
                _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *) p), wanted));
            if (mask != 0) return p + __builtin_ctz(mask);
        }
    #endif
        for (; p < end; p++) if (*p == c) return p;
        return NULL;
    }

    /* Whether there is room for one more span (0: out of memory). */
    static int backlinks_room(backlinks_quiet *q) {
        if (q->count == q->room) {  /* at first, room for a span every 64 bytes of the page */
            Py_ssize_t room = q->room ? 2 * q->room : 32 + (q->end - q->base) / 64;
            backlinks_span *spans = realloc(q->spans, (size_t) room * sizeof(backlinks_span));
            if (spans == NULL) return 0;
            q->spans = spans;
            q->room = room;
        }
        return 1;
    }
    /* Leave out the text from start to end (none when it is empty). */
    static inline int backlinks_leave_out(backlinks_quiet *q, const unsigned char *start, const unsigned char *end) {
        if (end == start) return 1;
        if (q->count == q->room && !backlinks_room(q)) return 0;
        q->spans[q->count].start = start - q->base;
        q->spans[q->count].end = end - q->base;
        q->spans[q->count].text = NULL;
        q->count++;
        q->kept -= end - start;
        return 1;
    }
    /* Put text at the position at, before the spans left out after it. */
    static int backlinks_insert(backlinks_quiet *q, const unsigned char *at, const char *text) {
        Py_ssize_t index, offset = at - q->base;
        if (!backlinks_room(q)) return 0;
        for (index = q->count; index > 0 && q->spans[index - 1].start >= offset; index--) {}
        memmove(q->spans + index + 1, q->spans + index, (size_t) (q->count - index) * sizeof(backlinks_span));
        q->spans[index].start = q->spans[index].end = offset;
        q->spans[index].text = text;
        q->count++;
        q->kept += (Py_ssize_t) strlen(text);
        return 1;
    }
    /* Whether the n bytes at p are name (lower-case) in any case. */
    static inline int backlinks_name_is(const unsigned char *p, size_t n, const char *name) {
        for (size_t i = 0; i < n; i++) {
            if ((p[i] | 0x20) != (unsigned char) name[i]) return 0;
        }
        return 1;
    }
    /* Whether the attribute named from name to end (as written) is one the extractor never
       reads, which the parser need not build: data-*, event handlers (on*), aria-* but
       aria-hidden, xmlns*, stroke*, and titles, image sizes and source sets, link targets
       and languages, tab order, form values, table spans, frame borders, script loading and
       the drawing attributes of SVG shapes. (Left out of start tags by backlinks_read_tag;
       tests/test_parseguard.py lists the names the extractor reads, none of them here.) */
    #define BACKLINKS_IS(n, word) (length == (n) && backlinks_name_is(name, (n), (word)))
    static int backlinks_unread_attribute(const unsigned char *name, const unsigned char *end) {
        size_t length = (size_t) (end - name);
        if (length == 0) return 0;
        switch (name[0] | 0x20) {
        case 'a':
            return (length >= 5 && backlinks_name_is(name, 5, "aria-") && !BACKLINKS_IS(11, "aria-hidden"))
                   || BACKLINKS_IS(5, "async");
        case 'c': return BACKLINKS_IS(7, "colspan") || BACKLINKS_IS(9, "clip-rule");
        case 'd':
            return length == 1 || (length >= 5 && backlinks_name_is(name, 5, "data-")) || BACKLINKS_IS(8, "decoding")
                   || BACKLINKS_IS(5, "defer") || BACKLINKS_IS(3, "dir");
        case 'f':
            return BACKLINKS_IS(4, "fill") || BACKLINKS_IS(9, "fill-rule") || BACKLINKS_IS(11, "frameborder")
                   || BACKLINKS_IS(3, "for");
        case 'h': return BACKLINKS_IS(6, "height") || BACKLINKS_IS(8, "hreflang");
        case 'l': return BACKLINKS_IS(7, "loading");
        case 'm':
            return BACKLINKS_IS(5, "media") || BACKLINKS_IS(12, "marginheight") || BACKLINKS_IS(11, "marginwidth");
        case 'o': return length >= 3 && (name[1] | 0x20) == 'n';  /* event handlers */
        case 'p': return BACKLINKS_IS(6, "points") || BACKLINKS_IS(11, "placeholder");
        case 'r': return BACKLINKS_IS(7, "rowspan");
        case 's':
            return BACKLINKS_IS(6, "srcset") || BACKLINKS_IS(5, "sizes") || BACKLINKS_IS(5, "scope")
                   || BACKLINKS_IS(9, "scrolling") || (length >= 6 && backlinks_name_is(name, 6, "stroke"));
        case 't':
            return BACKLINKS_IS(5, "title") || BACKLINKS_IS(6, "target") || BACKLINKS_IS(8, "tabindex")
                   || BACKLINKS_IS(9, "transform");
        case 'v': return BACKLINKS_IS(7, "viewbox") || BACKLINKS_IS(5, "value");
        case 'w': return BACKLINKS_IS(5, "width");
        case 'x': return length >= 5 && backlinks_name_is(name, 5, "xmlns");
        default: return 0;
        }
    }
    #undef BACKLINKS_IS

    /* A tag from its name (after "<" or "</") to its ">", as the tokenizer reads it (a
       quoted attribute value may hold ">", and a quote starts one only after "="): the
       position after its ">", or NULL at the end (the tokenizer drops the tag). The name
       is left as written (backlinks_lower puts it in lower case). With q (a start tag),
       the attributes no one reads (backlinks_unread_attribute) are left out, name and
       value, but not the white space before them, so the tag keeps its other attributes
       and its end as they were. */
    static const unsigned char *backlinks_read_tag(const unsigned char *p, const unsigned char *end,
                                                   backlinks_tag *tag, backlinks_quiet *q) {
        unsigned char c;
        const unsigned char *name = NULL, *name_end;
        int unread = 0;
        tag->at = p;
        p = backlinks_skip_to(p, end, BACKLINKS_SPACE | BACKLINKS_SLASH | BACKLINKS_GT);
        tag->self_closing = 0;
        tag->length = p - tag->at <= BACKLINKS_NAME ? (int) (p - tag->at) : -1;
        if (p >= end) return NULL;
        if (*p == '>') return p + 1;
        if (*p++ == '/') goto self_closing;
    before_name:  /* also "after attribute name" with no name read: "/" and ">" act alike */
        while (p < end && backlinks_space(*p)) p++;
        if (p >= end) return NULL;
        if (*p == '>') return p + 1;
        if (*p == '/') {
            p++;
            goto self_closing;
        }
        name = p;
        if (*p == '=') p++;  /* an attribute named "=..." */
    attribute:
        p = backlinks_skip_to(p, end, BACKLINKS_SPACE | BACKLINKS_SLASH | BACKLINKS_GT | BACKLINKS_EQUALS);
        unread = q != NULL && backlinks_unread_attribute(name, p);
        if (end - p >= 2 && *p == '=' && (p[1] == '"' || p[1] == '\\'')) {  /* name="value", the usual */
            p++;
            goto quoted;
        }
        name_end = p;
        while (p < end && backlinks_space(*p)) p++;  /* after the name */
        if (p >= end) return NULL;
        c = *p;
        if (c != '=') {  /* no value */
            if (unread) backlinks_leave_out(q, name, name_end);
            if (c == '>') return p + 1;
            if (c == '/') {
                p++;
                goto self_closing;
            }
            name = p;
            goto attribute;  /* the next attribute's name */
        }
        p++;
        while (p < end && backlinks_space(*p)) p++;  /* before the value */
        if (p >= end) return NULL;
        c = *p;
        if (c == '"' || c == '\\'') goto quoted;
        if (c == '>') {
            if (unread) backlinks_leave_out(q, name, p);
            return p + 1;
        }
        while (p < end && !(BACKLINKS_ENDS[*p] & (BACKLINKS_SPACE | BACKLINKS_GT))) p++;  /* unquoted */
        if (p >= end) return NULL;
        if (unread) backlinks_leave_out(q, name, p);
        if (*p == '>') return p + 1;
        goto before_name;
    quoted:  /* at the quote opening a value */
        p = backlinks_byte(p + 1, end, *p);
        if (p == NULL) return NULL;
        p++;
        if (unread) backlinks_leave_out(q, name, p);
        if (p >= end) return NULL;
        if (*p == '>') return p + 1;
        if (*p == '/') {
            p++;
            goto self_closing;
        }
        goto before_name;
    self_closing:
        if (p >= end) return NULL;
        if (*p == '>') {
            tag->self_closing = 1;
            return p + 1;
        }
        goto before_name;
    }
    /* An end tag whose name is not needed (outside foreign content), from its name to its
       ">": where backlinks_read_tag would end it. Most are a short name and ">" ("</div>"),
       read byte by byte without setting up vectors; the others are read in full. */
    static inline const unsigned char *backlinks_end_tag(const unsigned char *name, const unsigned char *end) {
        const unsigned char *p = name, *stop = end - name > BACKLINKS_SHORT ? name + BACKLINKS_SHORT : end;
        backlinks_tag tag;
        while (p < stop && !(BACKLINKS_ENDS[*p] & (BACKLINKS_SPACE | BACKLINKS_SLASH | BACKLINKS_GT))) p++;
        if (p < stop && *p == '>') return p + 1;
        return backlinks_read_tag(name, end, &tag, NULL);
    }
    /* The name of a tag read by backlinks_read_tag, in lower case (as the tokenizer makes it). */
    static void backlinks_lower(backlinks_tag *tag) {
        for (int i = 0; i < tag->length; i++) {
            unsigned char c = tag->at[i];
            tag->name[i] = c >= 'A' && c <= 'Z' ? c | 0x20 : c;
        }
    }

    /* After the comment whose "<!--" ends at p: after its first "-->" or "--!>" (the
       dashes after "<!--"), or the ">" of "<!-->" and "<!--->"; NULL at the end. Its text
       ends at *text_end: the dashes ending it (p for "<!-->" and "<!--->"). */
    static const unsigned char *backlinks_comment_end(const unsigned char *p, const unsigned char *end,
                                                      const unsigned char **text_end) {
        const unsigned char *close = p;
        *text_end = p;
        if (p < end && *p == '>') return p + 1;
        if (end - p >= 2 && p[0] == '-' && p[1] == '>') return p + 2;
        while ((close = memchr(close, '>', (size_t) (end - close))) != NULL) {
            if (close - p >= 2 && close[-1] == '-' && close[-2] == '-') {
                *text_end = close - 2;
                return close + 1;
            }
            if (close - p >= 3 && close[-1] == '!' && close[-2] == '-' && close[-3] == '-') {
                *text_end = close - 3;
                return close + 1;
            }
            close++;
        }
        return NULL;
    }
    /* The comment whose "<!--" ends at p, its text left out (nothing reads a comment; the
       comment node stays, empty): where the data state resumes, or NULL. */
    static const unsigned char *backlinks_comment(backlinks_quiet *q, const unsigned char *p) {
        const unsigned char *text_end, *after = backlinks_comment_end(p, q->end, &text_end);
        return after != NULL && backlinks_leave_out(q, p, text_end) ? after : NULL;
    }

    /* The "<" of the first "</name" (any case) ending its name at or after p: where the
       text of an RCDATA or RAWTEXT element (title, textarea, style, xmp, iframe, noembed,
       noframes) ends; NULL when it runs to the end. */
    static const unsigned char *backlinks_raw_end(const unsigned char *p, const unsigned char *end,
                                                  const char *name) {
        while ((p = memchr(p, '<', (size_t) (end - p))) != NULL) {
            if (end - p > 2 && p[1] == '/' && backlinks_name_ends(p + 2, end, name)) return p;
            p++;
        }
        return NULL;
    }

    /* The "<" of the "</script" that ends the script text starting at p, or NULL: the
       script data states, with the escaped ("<!--") and double-escaped ("<!--<script>")
       ones, where "</script" ends the escaped text and not the double-escaped one. */
    static const unsigned char *backlinks_script_end(const unsigned char *p, const unsigned char *end) {
        const unsigned char *lt, *close, *stop, *dashes;
        for (;;) {  /* script data */
            lt = memchr(p, '<', (size_t) (end - p));
            if (lt == NULL) return NULL;
            p = lt + 1;
            if (end - lt > 2 && lt[1] == '/' && backlinks_name_ends(lt + 2, end, "script")) return lt;
            if (end - lt < 4 || lt[1] != '!' || lt[2] != '-' || lt[3] != '-') continue;
            p = lt + 4;
            dashes = lt + 2;  /* the dashes of "<!--" count towards its "-->" */
            for (;;) {  /* escaped, until "-->" */
                close = backlinks_find(dashes, end, "-->", 3);
                stop = close == NULL ? end : close;
                if (stop < p) stop = p;  /* "<!-->", "<!--->" */
                while ((lt = memchr(p, '<', (size_t) (stop - p))) != NULL) {
                    if (end - lt > 2 && lt[1] == '/' && backlinks_name_ends(lt + 2, end, "script")) return lt;
                    if (backlinks_name_ends(lt + 1, end, "script")) break;
                    p = lt + 1;
                }
                if (lt == NULL) break;
                p = lt + 8;  /* "<script" and its delimiter: double escaped, until "-->" */
                close = backlinks_find(p, end, "-->", 3);
                stop = close == NULL ? end : close;
                while ((lt = memchr(p, '<', (size_t) (stop - p))) != NULL) {
                    if (end - lt > 2 && lt[1] == '/' && backlinks_name_ends(lt + 2, end, "script")) break;
                    p = lt + 1;
                }
                if (lt == NULL) break;
                p = dashes = lt + 9;  /* "</script" and its delimiter: escaped again */
            }
            if (close == NULL) return NULL;
            p = close + 3;
        }
    }

    typedef struct {
        const char *name;
        int integration_point;  /* foreignObject, desc, title, mi, mo, mn, ms, mtext, annotation-xml */
    } backlinks_foreign_name;
    /* The SVG and MathML elements followed inside svg and math, the commonest first: none
       breaks out of foreign content (as <p> or <div> do), and the integration points are
       let in only to be closed right away. */
    static const backlinks_foreign_name BACKLINKS_FOREIGN_NAMES[] = {
        {"path", 0}, {"g", 0}, {"use", 0}, {"symbol", 0}, {"mi", 1}, {"mrow", 0}, {"mo", 1}, {"circle", 0},
        {"rect", 0}, {"defs", 0}, {"mn", 1}, {"svg", 0}, {"ellipse", 0}, {"line", 0}, {"polyline", 0},
        {"polygon", 0}, {"lineargradient", 0}, {"radialgradient", 0}, {"stop", 0}, {"clippath", 0},
        {"mask", 0}, {"pattern", 0}, {"filter", 0}, {"text", 0}, {"tspan", 0}, {"textpath", 0},
        {"image", 0}, {"a", 0}, {"style", 0}, {"script", 0}, {"marker", 0}, {"metadata", 0}, {"switch", 0},
        {"view", 0}, {"animate", 0}, {"animatetransform", 0}, {"animatemotion", 0}, {"set", 0},
        {"math", 0}, {"mfrac", 0}, {"msup", 0}, {"msub", 0}, {"msubsup", 0}, {"msqrt", 0}, {"mroot", 0},
        {"mstyle", 0}, {"mspace", 0}, {"semantics", 0}, {"annotation", 0}, {"mtable", 0}, {"mtr", 0},
        {"mtd", 0}, {"munder", 0}, {"mover", 0}, {"munderover", 0}, {"mpadded", 0}, {"mphantom", 0},
        {"menclose", 0}, {"foreignobject", 1}, {"desc", 1}, {"title", 1}, {"ms", 1}, {"mtext", 1},
        {"annotation-xml", 1}, {NULL, 0}};

    /* The followed foreign element named as tag (in lower case), or NULL. */
    static const backlinks_foreign_name *backlinks_foreign_name_of(const backlinks_tag *tag) {
        const backlinks_foreign_name *known;
        for (known = BACKLINKS_FOREIGN_NAMES; known->name != NULL; known++) {
            if (backlinks_is(tag, known->name)) return known;
        }
        return NULL;
    }
    /* feBlend, feGaussianBlur ... */
    static inline int backlinks_filter_primitive(const backlinks_tag *tag) {
        return tag->length > 2 && tag->name[0] == 'f' && tag->name[1] == 'e';
    }
    static int backlinks_push_foreign(backlinks_quiet *q, const backlinks_tag *tag, int integration_point) {
        if (tag->length < 0 || q->depth >= BACKLINKS_FOREIGN) return 0;
        q->foreign[q->depth] = *tag;
        q->foreign[q->depth].integration_point = integration_point;
        backlinks_lower(&q->foreign[q->depth++]);
        return 1;
    }
    /* A start tag in foreign content: whether it is still followed. */
    static int backlinks_open_foreign(backlinks_quiet *q, backlinks_tag *tag) {
        const backlinks_foreign_name *known;
        if (q->foreign[q->depth - 1].integration_point) return 0;
        backlinks_lower(tag);
        known = backlinks_foreign_name_of(tag);
        if (known == NULL && !backlinks_filter_primitive(tag)) return 0;
        return tag->self_closing || backlinks_push_foreign(q, tag, known != NULL && known->integration_point);
    }
    /* An end tag in foreign content closes the innermost open foreign element of its name,
       and those inside it; none open: the HTML rules take it (no longer followed, 0). */
    static int backlinks_close_foreign(backlinks_quiet *q, backlinks_tag *tag) {
        backlinks_lower(tag);
        for (int at = q->depth - 1; at >= 0; at--) {
            if (tag->length >= 0 && q->foreign[at].length == tag->length
                    && memcmp(q->foreign[at].name, tag->name, (size_t) tag->length) == 0) {
                q->depth = at;
                return 1;
            }
        }
        return 0;
    }

    /* Whether the start tag from lt to end may make its script's text read: it holds "ld+json"
       in any case (JSON-LD, read for the page's schema.org types; crawler.pagefacts reads the
       text of a script whose type starts with "application/ld+json") or a character reference. */
    static int backlinks_text_read(const unsigned char *lt, const unsigned char *end) {
        const unsigned char *start = lt;
        for (; lt < end; lt++) {
    #ifdef __SSE2__
            const __m128i amp = _mm_set1_epi8('&'), plus = _mm_set1_epi8('+');
            for (; end - lt >= 16; lt += 16) {  /* to the first "&" or "+" */
                __m128i bytes = _mm_loadu_si128((const __m128i *) lt);
                unsigned mask = (unsigned) _mm_movemask_epi8(_mm_or_si128(
                    _mm_cmpeq_epi8(bytes, amp), _mm_cmpeq_epi8(bytes, plus)));
                if (mask != 0) {
                    lt += __builtin_ctz(mask);
                    break;
                }
            }
            if (lt >= end) break;
    #endif
            if (*lt == '&') return 1;
            if (*lt == '+' && lt - start >= 2 && end - lt >= 5 && backlinks_name_is(lt - 2, 2, "ld")
                    && backlinks_name_is(lt + 1, 4, "json")) return 1;
        }
        return 0;
    }
    /* The text of a script (cut unless it may be read) or of an RCDATA or RAWTEXT element
       (cut for a style) from p, and its end tag: where the data state resumes, or NULL. */
    static const unsigned char *backlinks_raw_text(backlinks_quiet *q, const unsigned char *p, const char *name,
                                                   int cut) {
        backlinks_tag tag;
        const unsigned char *close = strcmp(name, "script") == 0 ? backlinks_script_end(p, q->end)
                                                                 : backlinks_raw_end(p, q->end, name);
        if (cut && !backlinks_leave_out(q, p, close == NULL ? q->end : close)) return NULL;
        return close == NULL ? NULL : backlinks_read_tag(close + 2, q->end, &tag, NULL);
    }
    /* Whether the tag's name is name (lower-case letters, as long as the name) in any case. */
    static inline int backlinks_named(const backlinks_tag *tag, const char *name, int length) {
        return backlinks_name_is(tag->at, (size_t) length, name);
    }
    /* The content of a select, from p (after its start tag): where the data state resumes
       after its "</select>", or NULL where it holds more than text, comments (their text
       left out), options, option groups and hr (where the spec's and lexbor's select
       parsing may differ). */
    static const unsigned char *backlinks_select_content(backlinks_quiet *q, const unsigned char *p) {
        const unsigned char *end = q->end, *lt;
        backlinks_tag tag;
        while ((lt = memchr(p, '<', (size_t) (end - p))) != NULL) {
            p = lt + 1;
            if (p >= end) return NULL;
            if (*p == '!') {
                if (end - p < 3 || p[1] != '-' || p[2] != '-') return NULL;
                if ((p = backlinks_comment(q, p + 3)) == NULL) return NULL;
                continue;
            }
            if (*p == '/') {
                if (end - p < 2 || !backlinks_alpha(p[1])) return NULL;
                if ((p = backlinks_read_tag(p + 1, end, &tag, NULL)) == NULL) return NULL;
                if (tag.length == 6 && backlinks_named(&tag, "select", 6)) return p;
            } else if (backlinks_alpha(*p)) {
                if ((p = backlinks_read_tag(p, end, &tag, q)) == NULL) return NULL;
                if (tag.length == 2 && backlinks_named(&tag, "hr", 2)) continue;
            } else if (*p == '?') {
                return NULL;  /* a bogus comment */
            } else {
                continue;  /* a "<" of text */
            }
            if (!(tag.length == 6 && backlinks_named(&tag, "option", 6))
                    && !(tag.length == 8 && backlinks_named(&tag, "optgroup", 8))) return NULL;
        }
        return NULL;
    }
    /* A select whose start tag runs from lt to p (after its ">"), followed to its end tag:
       where the data state resumes, or NULL. The start tag gets a ``multiple`` attribute
       (its own is left out: backlinks_unread_attribute): lexbor runs the selectedness
       algorithm, a walk of all the select's options, at every option inserted unless the
       select has one (a quadratic cost); nothing reads it. Only for a select followed
       whole: then it holds no selectedcontent (whose content the algorithm would copy). */
    static const unsigned char *backlinks_select(backlinks_quiet *q, const unsigned char *lt,
                                                 const unsigned char *p) {
        p = backlinks_select_content(q, p);
        return p != NULL && backlinks_insert(q, lt + 7, " multiple=\\"\\"") ? p : NULL;
    }

    /* An HTML start tag from lt to p (after its ">"): where the data state resumes, or NULL
       where following stops: text to the end (plaintext), insertion modes where script,
       style and RAWTEXT start tags may be ignored (template: the spec's and lexbor's
       differ), framesets and selects holding more than options (backlinks_select). */
    static const unsigned char *backlinks_html_start(backlinks_quiet *q, const unsigned char *lt,
                                                     const unsigned char *p, const backlinks_tag *tag) {
        switch (tag->length) {
        case 3:
            if (backlinks_named(tag, "xmp", 3)) return backlinks_raw_text(q, p, "xmp", 0);
            if (backlinks_named(tag, "svg", 3)) return tag->self_closing || backlinks_push_foreign(q, tag, 0) ? p : NULL;
            break;
        case 4:
            if (backlinks_named(tag, "math", 4)) return tag->self_closing || backlinks_push_foreign(q, tag, 0) ? p : NULL;
            break;
        case 5:
            if (backlinks_named(tag, "style", 5)) return backlinks_raw_text(q, p, "style", 1);
            if (backlinks_named(tag, "title", 5)) return backlinks_raw_text(q, p, "title", 0);
            break;
        case 6:
            if (backlinks_named(tag, "script", 6)) {
                return backlinks_raw_text(q, p, "script", !backlinks_text_read(lt, p));
            }
            if (backlinks_named(tag, "iframe", 6)) return backlinks_raw_text(q, p, "iframe", 0);
            if (backlinks_named(tag, "select", 6)) return backlinks_select(q, lt, p);
            break;
        case 7:
            if (backlinks_named(tag, "noembed", 7)) return backlinks_raw_text(q, p, "noembed", 0);
            break;
        case 8:
            if (backlinks_named(tag, "textarea", 8)) return backlinks_raw_text(q, p, "textarea", 0);
            if (backlinks_named(tag, "noframes", 8)) return backlinks_raw_text(q, p, "noframes", 0);
            if (backlinks_named(tag, "template", 8) || backlinks_named(tag, "frameset", 8)) return NULL;
            break;
        case 9:
            if (backlinks_named(tag, "plaintext", 9)) return NULL;
            break;
        }
        return p;
    }

    /* Follows the tokenizer through the markup at lt (a "<" read in the data state),
       leaving out the text of the scripts and styles it starts: where the data state
       resumes, or NULL when no more is followed. */
    static const unsigned char *backlinks_quiet_step(backlinks_quiet *q, const unsigned char *lt) {
        const unsigned char *end = q->end, *p = lt + 1;
        backlinks_tag tag;
        if (p >= end) return NULL;
        if (*p == '!') {
            if (end - p >= 3 && p[1] == '-' && p[2] == '-') return backlinks_comment(q, p + 3);
            if (q->depth > 0 && end - p >= 8 && memcmp(p + 1, "[CDATA[", 7) == 0) {
                p = backlinks_find(p + 8, end, "]]>", 3);
                return p == NULL ? NULL : p + 3;
            }
            return backlinks_after(p, end, '>');  /* a DOCTYPE or a bogus comment */
        }
        if (*p == '?') return backlinks_after(p, end, '>');
        if (*p == '/') {
            p++;
            if (p >= end) return NULL;
            if (*p == '>') return p + 1;
            if (!backlinks_alpha(*p)) return backlinks_after(p, end, '>');
            if (q->depth == 0) return backlinks_end_tag(p, end);
            p = backlinks_read_tag(p, end, &tag, NULL);
            return p != NULL && backlinks_close_foreign(q, &tag) ? p : NULL;
        }
        if (!backlinks_alpha(*p)) return p;  /* a "<" of text */
        p = backlinks_read_tag(p, end, &tag, q);
        if (p == NULL) return NULL;
        if (q->depth > 0) return backlinks_open_foreign(q, &tag) ? p : NULL;
        return backlinks_html_start(q, lt, p, &tag);
    }
    """
    bint backlinks_unread_attribute(const unsigned char *name, const unsigned char *end) nogil
    ctypedef struct backlinks_span:
        Py_ssize_t start
        Py_ssize_t end
        const char *text
    ctypedef struct backlinks_quiet:
        const unsigned char *base
        const unsigned char *end
        backlinks_span *spans
        Py_ssize_t count
        Py_ssize_t room
        Py_ssize_t kept
        int depth



cdef extern from *:
    """
    /* Whether the tag name at p (up to end) is a formatting element's followed by white
       space: b, big, code, em, font, i, nobr, s, small, strike, strong, tt, u. */
    static int backlinks_rest_is(const unsigned char *p, const unsigned char *end, const char *rest) {
        while (*rest) {
            if (p >= end || (*p | 0x20) != (unsigned char) *rest) return 0;
            p++;
            rest++;
        }
        /* white space, or "/": the tokenizer reads <b/id=1> as <b id=1> */
        return p < end && (*p == 32 || *p == 9 || *p == 10 || *p == 13 || *p == 12 || *p == 47);
    }
    /* One pass over a page: its "<", its "<o"/"<O" (an upper bound of its option tags)
       and its formatting start tags followed by white space or "/" (those with attributes). */
    static void backlinks_tag_counts(const unsigned char *p, Py_ssize_t n, Py_ssize_t *lt,
                                     Py_ssize_t *options, Py_ssize_t *formatting, backlinks_quiet *quiet) {
        const unsigned char *end = p + n, *resume = p;
        Py_ssize_t tags = 0, opts = 0, total = 0;
        while (p < end && (p = memchr(p, '<', (size_t) (end - p))) != NULL) {
            if (quiet != NULL && p >= resume && (resume = backlinks_quiet_step(quiet, p)) == NULL) quiet = NULL;
            tags++;
            p++;
            if (p >= end) break;
            const unsigned char *q = p + 1;
            switch (*p | 0x20) {
            case 'b': total += backlinks_rest_is(q, end, "") || backlinks_rest_is(q, end, "ig"); break;
            case 'c': total += backlinks_rest_is(q, end, "ode"); break;
            case 'e': total += backlinks_rest_is(q, end, "m"); break;
            case 'f': total += backlinks_rest_is(q, end, "ont"); break;
            case 'i': total += backlinks_rest_is(q, end, ""); break;
            case 'n': total += backlinks_rest_is(q, end, "obr"); break;
            case 'o': opts++; break;
            case 's': total += backlinks_rest_is(q, end, "") || backlinks_rest_is(q, end, "mall")
                               || backlinks_rest_is(q, end, "trike") || backlinks_rest_is(q, end, "trong"); break;
            case 't': total += backlinks_rest_is(q, end, "t"); break;
            case 'u': total += backlinks_rest_is(q, end, ""); break;
            default: break;
            }
        }
        *lt = tags;
        *options = opts;
        *formatting = total;
    }
    """
    void backlinks_tag_counts(const unsigned char *p, Py_ssize_t n, Py_ssize_t *lt,
                              Py_ssize_t *options, Py_ssize_t *formatting, backlinks_quiet *quiet) nogil


cdef extern from *:
    """
    #include <string.h>
    #ifdef __SSE2__
    #include <emmintrin.h>
    #endif
    /* The first byte at or after p that is not ASCII, or end: 32 bytes at a time where
       SSE2 is there, then 8. */
    static inline const unsigned char *backlinks_skip_ascii(const unsigned char *p, const unsigned char *end) {
        unsigned long long word;
    #ifdef __SSE2__
        for (; end - p >= 32; p += 32) {
            __m128i bytes = _mm_or_si128(_mm_loadu_si128((const __m128i *) p),
                                         _mm_loadu_si128((const __m128i *) (p + 16)));
            if (_mm_movemask_epi8(bytes) != 0) break;
        }
    #endif
        for (; end - p >= 8; p += 8) {
            memcpy(&word, p, 8);
            if (word & 0x8080808080808080ULL) break;
        }
        while (p < end && *p < 0x80) p++;
        return p;
    }
    /* Whether p[0:n] is well-formed UTF-8 as Python's strict decoder reads it (the Unicode
       standard's table 3-7: no overlong forms, no surrogates, nothing past U+10FFFF). Runs
       of ASCII are skipped many bytes at a time. */
    static int backlinks_is_utf8(const unsigned char *p, Py_ssize_t n) {
        const unsigned char *end = p + n;
        while (p < end) {
            if (*p < 0x80) {
                p = backlinks_skip_ascii(p, end);
                continue;
            }
            unsigned char lead = *p, low = 0x80, high = 0xBF;
            int more;
            if (lead >= 0xC2 && lead <= 0xDF) more = 1;
            else if (lead >= 0xE0 && lead <= 0xEF) {
                more = 2;
                if (lead == 0xE0) low = 0xA0;
                else if (lead == 0xED) high = 0x9F;
            } else if (lead >= 0xF0 && lead <= 0xF4) {
                more = 3;
                if (lead == 0xF0) low = 0x90;
                else if (lead == 0xF4) high = 0x8F;
            } else return 0;
            if (end - p <= more || p[1] < low || p[1] > high) return 0;
            for (int i = 2; i <= more; i++) {
                if (p[i] < 0x80 || p[i] > 0xBF) return 0;
            }
            p += more + 1;
        }
        return 1;
    }
    """
    bint backlinks_is_utf8(const unsigned char *p, Py_ssize_t n) nogil


def tag_counts(bytes data):
    """(how many "<", how many "<o" or "<O", how many start tags of formatting elements
    (b, big, code, em, font, i, nobr, s, small, strike, strong, tt, u; any case) followed by
    white space, i.e. with attributes) in ``data``, from one pass."""
    cdef Py_ssize_t lt = 0, options = 0, formatting = 0
    backlinks_tag_counts(<const unsigned char *> <char *> data, len(data), &lt, &options, &formatting, NULL)
    return lt, options, formatting


def tag_counts_quieted(bytes data):
    """(``tag_counts(data)``, ``data`` without the script and style text, attributes and
    comment text that no one reads, its followed selects given a ``multiple`` attribute, or
    ``data`` itself when there is nothing to change), from one pass: see the module docstring."""
    cdef const unsigned char *base = <const unsigned char *> <char *> data
    cdef Py_ssize_t size = len(data), lt = 0, options = 0, formatting = 0, copied = 0, i
    cdef backlinks_quiet quiet
    cdef char *into
    quiet.base = base
    quiet.end = base + size
    quiet.spans = NULL
    quiet.count = quiet.room = 0
    quiet.kept = size
    quiet.depth = 0
    try:
        backlinks_tag_counts(base, size, &lt, &options, &formatting, &quiet)
        if quiet.count == 0:
            return (lt, options, formatting), data
        quieted = PyBytes_FromStringAndSize(NULL, quiet.kept)
        into = PyBytes_AS_STRING(quieted)
        for i in range(quiet.count):
            memcpy(into, base + copied, quiet.spans[i].start - copied)
            into += quiet.spans[i].start - copied
            copied = quiet.spans[i].end
            if quiet.spans[i].text != NULL:
                memcpy(into, quiet.spans[i].text, strlen(quiet.spans[i].text))
                into += strlen(quiet.spans[i].text)
        memcpy(into, base + copied, size - copied)
        return (lt, options, formatting), quieted
    finally:
        free(quiet.spans)


def first_tag_start(bytes data, Py_ssize_t start, Py_ssize_t end):
    """Where the first "<" followed by an ASCII letter lies in ``data[start:end]`` (both
    inside it), or -1: the start of ``re.compile(rb"<[A-Za-z][^>]*").search(data, start,
    end)``, found by memchr instead of the regex engine (crawler.parseguard reads runs of
    up to megabytes of inline script this way)."""
    cdef const unsigned char *base = <const unsigned char *> <char *> data
    cdef Py_ssize_t size = len(data)
    cdef const unsigned char *p
    cdef const unsigned char *stop
    cdef unsigned char letter
    if end > size:
        end = size
    if start < 0:
        start = 0
    if end - start < 2:
        return -1
    p = base + start
    stop = base + end - 1  # the "<" needs a letter after it, before end
    while p < stop:
        p = <const unsigned char *> memchr(p, b'<', <size_t> (stop - p))
        if p == NULL:
            return -1
        letter = p[1] | 0x20
        if b'a' <= letter <= b'z':
            return p - base
        p += 1
    return -1


def first_window_without_close(bytes data, Py_ssize_t window, Py_ssize_t start):
    """Where the first window of ``data`` without ">" at or after ``start`` starts (windows:
    ``data[at:at + window]``, ``at`` a multiple of ``window``, the window whole), or -1: what
    crawler.parseguard's trim_giant_tags looks for, found by memchr instead of a
    ``bytes.find`` call per window (those calls take 20 µs on a page of 1 MB)."""
    cdef const unsigned char *base = <const unsigned char *> <char *> data
    cdef Py_ssize_t size = len(data), at
    if window <= 0:
        return -1
    if start < 0:
        start = 0
    at = (start + window - 1) // window * window
    while at <= size - window:  # (a C loop: range() with a step known only at run time is not)
        if memchr(base + at, b'>', <size_t> window) == NULL:
            return at
        at += window
    return -1


def is_utf8(bytes data):
    """Whether ``data.decode("utf-8")`` would succeed, without building the str."""
    return backlinks_is_utf8(<const unsigned char *> <char *> data, len(data))


def unread_attribute(bytes name):
    """Whether ``tag_counts_quieted`` leaves an attribute of this name (as written) out of
    the start tags it reads: one the extractor never reads."""
    cdef const unsigned char *start = <const unsigned char *> <char *> name
    return backlinks_unread_attribute(start, start + len(name))
