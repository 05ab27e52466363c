# cython: language_level=3, boundscheck=False, wraparound=False
"""Compiled hot path of ``crawler.index.sqlite_write``: the links of a page new to the index.

``add_new_links`` does what the pure-Python loop of ``SqliteWriter._write_prepared`` does
for a page stored for the first time (every link new): one INSERT row per link, and the
target's counters (``TargetCounts.sums``) and first/last seen (``TargetCounts.times``).
The same rows and the same sums, byte for byte: ``tests/test_index_write_paths.py``
writes the same batches both ways and compares the files.
"""

from cpython.dict cimport PyDict_GetItem
from cpython.list cimport PyList_Append
from cpython.object cimport PyObject


def add_new_links(
    list links, list inserts, object ids, object page_ip, tuple page_address,
    object address_ids, long long next_link, int gen_bits, object page_id,
    object source_site_id, dict sums, dict times, object seen, dict type_slot,
    int counters, int toxic_min, int potentially_min,
    Py_ssize_t r_ip, Py_ssize_t r_nofollow, Py_ssize_t r_toxicity, Py_ssize_t r_type,
):
    """Append the INSERT rows of ``links`` (a prepared page's) to ``inserts``, rowids from
    ``next_link`` on, and count each link live for its target. The next free rowid."""
    cdef tuple link, record, head, address
    cdef object site_id, ip, type_, slot
    cdef list total, when
    cdef PyObject *found
    cdef long long toxicity
    for link in links:
        record = <tuple>link[3]
        ip = record[r_ip]
        if ip == page_ip:
            address = page_address
        else:
            address = <tuple>address_ids(ids, ip)
        site_id = ids[link[1]]
        head = (next_link, next_link >> gen_bits, page_id, link[0], site_id, ids[link[2]],
                source_site_id, address[0], address[1])
        PyList_Append(inserts, head + record)
        next_link += 1
        # The counters of a live link (sqlite_write._slots).
        found = PyDict_GetItem(sums, site_id)
        if found is NULL:
            total = [0] * counters
            sums[site_id] = total
        else:
            total = <list>found
        total[0] += 1
        if not record[r_nofollow]:
            total[2] += 1
        toxicity = record[r_toxicity]
        if toxicity >= toxic_min:
            total[3] += 1
        elif toxicity >= potentially_min:
            total[4] += 1
        type_ = record[r_type]
        found = PyDict_GetItem(type_slot, type_)
        if found is not NULL:
            slot = <object>found
            total[slot] += 1
        # First and last seen (TargetCounts.seen).
        found = PyDict_GetItem(times, site_id)
        if found is NULL:
            times[site_id] = [seen, seen]
        else:
            when = <list>found
            if seen < when[0]:
                when[0] = seen
            elif seen > when[1]:
                when[1] = seen
    return next_link
