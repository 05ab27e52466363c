"""Requests as JSON for the shared queue: a safe serializer (no pickle), and a fast one.

The dict is Scrapy's ``Request.to_dict`` layout (read back with
``scrapy.utils.request.request_from_dict``), with bytes as latin-1 text (lossless) and
the callback and errback found by name in O(1) (Scrapy's ``to_dict`` scans every member
of the spider for each request). Meta and cb_kwargs must be JSON values; anything else
raises ``TypeError`` naming the key, and the scheduler keeps such a request in memory.
"""

from __future__ import annotations

import json
from typing import Any

from scrapy import Request
from scrapy.utils.request import request_from_dict

#: Meta keys of the distributed scheduler itself: never serialised.
PRIVATE_META = ("_bl_lease", "_bl_parent")

_ATTRIBUTES = ("method", "body", "cookies", "meta", "encoding", "priority", "dont_filter",
               "flags", "cb_kwargs")


def _method_name(spider: Any, func: Any) -> str | None:
    if func is None:
        return None
    if isinstance(func, str):
        return func
    name = getattr(func, "__name__", None)
    bound = getattr(spider, name, None) if name else None
    if bound is not None and getattr(bound, "__func__", None) is getattr(func, "__func__", func):
        return name
    raise TypeError(f"callback {func!r} is not a method of the spider: only spider methods "
                    "can be sent through the shared queue")


def _headers(request: Request) -> dict[str, list[str]]:
    return {key.decode("latin-1"): [v.decode("latin-1") for v in values]
            for key, values in request.headers.items()}


class RequestCodec:
    """Request <-> JSON text, for one spider."""

    def __init__(self, spider: Any) -> None:
        self.spider = spider

    def encode(self, request: Request) -> str:
        meta = {k: v for k, v in request.meta.items() if k not in PRIVATE_META}
        data: dict[str, Any] = {
            "url": request.url,
            "callback": _method_name(self.spider, request.callback),
            "errback": _method_name(self.spider, request.errback),
            "headers": _headers(request),
            "method": request.method,
            "body": request.body.decode("latin-1"),
            "cookies": request.cookies,
            "meta": meta,
            "encoding": request.encoding,
            "priority": request.priority,
            "dont_filter": request.dont_filter,
            "flags": request.flags,
            "cb_kwargs": request.cb_kwargs,
        }
        if type(request) is not Request:
            data["_class"] = f"{type(request).__module__}.{type(request).__name__}"
            for attr in getattr(request, "attributes", ()):
                if attr not in data and attr not in _ATTRIBUTES:
                    data[attr] = getattr(request, attr)
        try:
            return json.dumps(data, separators=(",", ":"), ensure_ascii=False)
        except (TypeError, ValueError) as exc:
            bad = [k for k, v in meta.items() if not _jsonable(v)]
            where = f"meta key(s) {', '.join(map(repr, bad))}" if bad else "its cb_kwargs or cookies"
            raise TypeError(f"request {request.url} cannot go through the shared queue: "
                            f"{where} hold non-JSON values ({exc})") from exc

    def decode(self, text: str | bytes) -> Request:
        data = json.loads(text)
        data["body"] = data.get("body", "").encode("latin-1")
        data["headers"] = {k.encode("latin-1"): [v.encode("latin-1") for v in vs]
                           for k, vs in data.get("headers", {}).items()}
        return request_from_dict(data, spider=self.spider)

    # scrapy-redis's serializer interface (loads/dumps of the request dict)
    def dumps(self, obj: dict[str, Any]) -> str:
        return json.dumps(obj, separators=(",", ":"))

    def loads(self, text: str | bytes) -> dict[str, Any]:
        return json.loads(text)


def _jsonable(value: Any) -> bool:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return False
    return True
