# Included by _fastmain.pyx and _fastplace.pyx: crawler.mainblock's class_weight and
# unlikely_candidate of an element's class, id and role values, without a Python call each
# (the regular expressions' verdicts stay in mainblock's own caches). mainblock's functions
# are the reference: a change there must be made here too.

from cpython.unicode cimport PyUnicode_DATA, PyUnicode_GET_LENGTH, PyUnicode_KIND
from libc.string cimport memcmp

from crawler.mainblock import UNLIKELY_ROLES, _name_weight, _unlikely_name

cdef frozenset _UNLIKELY_ROLES = UNLIKELY_ROLES
cdef object _name_weight_of = _name_weight
cdef object _unlikely_name_of = _unlikely_name


cdef inline bint _is(str tag, str name) noexcept:
    """``tag == name``, for an element's tag and a tag name, without the call to
    PyUnicode_Compare Cython makes of ``==``: most tags differ from the name in length
    already. (Equal str have the same kind and the same code units.)"""
    cdef Py_ssize_t length = PyUnicode_GET_LENGTH(name)
    if tag is None or PyUnicode_GET_LENGTH(tag) != length:
        return False
    return tag is name or (PyUnicode_KIND(tag) == PyUnicode_KIND(name)
                           and memcmp(PyUnicode_DATA(tag), PyUnicode_DATA(name), length * PyUnicode_KIND(name)) == 0)


cdef object _names_weight(object classes, object ident):
    """mainblock.class_weight of an element whose class and id are ``classes`` and ``ident``."""
    return (_name_weight_of(classes) if classes else 0) + (_name_weight_of(ident) if ident else 0)


cdef bint _unlikely_names(str tag, object classes, object ident, object role) except -1:
    """mainblock.unlikely_candidate of an element whose class, id and role are ``classes``,
    ``ident`` and ``role``."""
    if _is(tag, "body") or _is(tag, "a") or _is(tag, "html") or _is(tag, "main") or _is(tag, "article"):
        return False
    if role and role in _UNLIKELY_ROLES:
        return True
    if not classes and not ident:
        return False
    return bool(_unlikely_name_of(f"{classes or ''} {ident or ''}"))
