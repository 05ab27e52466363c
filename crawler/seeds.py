"""Reading the ``seeds`` argument: a file of URLs or bare domains, or a comma list."""

from __future__ import annotations

import os
import re
from pathlib import Path

from crawler.urls import join

_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{1,63}$", re.I)
_FILE_HINT = (".txt", ".lst", ".list", ".csv", ".seeds")


def seed_url(seed: str, scheme: str = "https") -> str:
    """One seed as an absolute URL: URLs are kept, bare domains get ``scheme://domain/``.

    >>> seed_url("example.com")
    'https://example.com/'
    >>> seed_url("http://Blog.Example.com/a?b#c")
    'http://blog.example.com/a?b'
    """
    text = seed.strip()
    if "://" in text:
        if not text.lower().startswith(("http://", "https://")):
            raise ValueError(f"seed {seed!r} is not an http(s) URL or a domain name")
        url = join(text, text)
    else:
        host, _, rest = text.partition("/")
        if not _DOMAIN.match(host.split(":")[0]):
            raise ValueError(f"seed {seed!r} is not an http(s) URL or a domain name")
        url = join(f"{scheme}://{text}", f"{scheme}://{text}")
    if url is None:
        raise ValueError(f"seed {seed!r} is not a URL a crawler can fetch")
    return url


def read_seeds(value: str | None, scheme: str = "https") -> list[str]:
    """The seed URLs named by ``-a seeds=FILE_OR_COMMA_LIST``, in order, without repeats.

    A value that names an existing file is read one seed per line (blank lines and
    ``#`` comments skipped); otherwise it is a comma-separated list. Raises ValueError with
    a message for the operator when the file is missing, a seed is malformed or the list is
    empty.
    """
    if value is None or not value.strip():
        raise ValueError("no seeds: pass -a seeds=FILE or -a seeds=example.com,https://example.org/")
    text = value.strip()
    path = Path(os.path.expanduser(text))
    if "," not in text and "://" not in text and path.is_file():
        try:
            lines = path.read_text(encoding="utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise ValueError(f"cannot read seeds file {text}: {exc}") from exc
        items = [line.split("#", 1)[0].strip() for line in lines]
        source = f"seeds file {text}"
    elif "," not in text and "://" not in text and (
        text.lower().endswith(_FILE_HINT) or text.startswith(("/", "./", "../", "~"))
    ):
        raise ValueError(f"seeds file {text} not found: give an existing file or a comma list")
    else:
        items = [item.strip() for item in text.split(",")]
        source = "seed list"
    urls: list[str] = []
    for item in items:
        if item:
            url = seed_url(item, scheme)
            if url not in urls:
                urls.append(url)
    if not urls:
        raise ValueError(f"{source} is empty: give at least one URL or domain")
    return urls
