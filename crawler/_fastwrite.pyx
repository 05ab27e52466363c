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
from cpython.ref cimport Py_INCREF
from cpython.tuple cimport PyTuple_New, PyTuple_SET_ITEM


cdef inline void _put(tuple row, Py_ssize_t i, object value):
    """Set item ``i`` of a new tuple (which takes a reference)."""
    Py_INCREF(value)
    PyTuple_SET_ITEM(row, i, value)


def add_new_links(
    list links, list inserts, object ids, object page_ip, tuple page_address,
    object address_ids, long long next_link, int gen_bits, object page_id,
    object source_site_id, dict sums, dict times, object seen, dict type_slot,
    int counters, int toxic_min, int potentially_min,
    Py_ssize_t r_ip, Py_ssize_t r_nofollow, Py_ssize_t r_toxicity, Py_ssize_t r_type,
    tuple stored_record,
):
    """Append the INSERT rows of ``links`` (a prepared page's) to ``inserts``, rowids from
    ``next_link`` on, and count each link live for its target. The next free rowid.
    A row: rowid, generation, the key columns, then the record's values at the positions
    ``stored_record`` lists (sqlite_schema.INSERT_LINK)."""
    cdef tuple link, record, address, row
    cdef object site_id, ip, type_, slot
    cdef Py_ssize_t n_stored = len(stored_record), i
    cdef Py_ssize_t positions[64]
    if n_stored > 64:
        raise ValueError("at most 64 stored record columns")
    for i in range(n_stored):
        positions[i] = stored_record[i]
    # The module reads records without bounds checks: a record too short is refused here.
    cdef Py_ssize_t needed = 1 + max(r_ip, r_nofollow, r_toxicity, r_type, *stored_record)
    cdef list total, when
    cdef PyObject *found
    cdef long long toxicity
    for link in links:
        record = link[3]  # (a checked assignment: a tuple or an error)
        if len(record) < needed:
            raise ValueError(f"a prepared link record has {len(record)} fields, not {needed}")
        ip = record[r_ip]
        if ip == page_ip:
            address = page_address
        else:
            address = <tuple>address_ids(ids, ip)
        site_id = ids[link[1]]
        row = PyTuple_New(9 + n_stored)
        _put(row, 0, next_link)
        _put(row, 1, next_link >> gen_bits)
        _put(row, 2, page_id)
        _put(row, 3, link[0])
        _put(row, 4, site_id)
        _put(row, 5, ids[link[2]])
        _put(row, 6, source_site_id)
        _put(row, 7, address[0])
        _put(row, 8, address[1])
        for i in range(n_stored):
            _put(row, 9 + i, record[positions[i]])
        PyList_Append(inserts, row)
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
