"""Bad input to `scrapy crawl backlinks`: one line saying what is wrong, a non-zero exit,
no traceback, and nothing already stored is touched."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.seeds import read_seeds, seed_url

ROOT = Path(__file__).resolve().parent.parent
SCRAPY = str(Path(sys.executable).with_name("scrapy"))


def crawl(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ("SCRAPY_SETTINGS_MODULE", "REDIS_URL")}
    return subprocess.run(
        [SCRAPY, "crawl", "backlinks", *args],
        cwd=ROOT,
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("args", "env", "code", "message"),
    [
        (["-a", "seeds=/nonexistent/seeds.txt"], {}, 2,
         "scrapy crawl: error: seeds file /nonexistent/seeds.txt not found: give an existing file or a comma list"),
        (["-a", "seeds= , ,"], {}, 2,
         "scrapy crawl: error: seed list is empty: give at least one URL or domain"),
        ([], {}, 2,
         "scrapy crawl: error: no seeds: pass -a seeds=FILE or -a seeds=example.com,https://example.org/"),
        (["-a", "seeds=ftp://example.com/"], {}, 2,
         "scrapy crawl: error: seed 'ftp://example.com/' is not an http(s) URL or a domain name"),
        (["-a", "seeds=not a domain"], {}, 2,
         "scrapy crawl: error: seed 'not a domain' is not an http(s) URL or a domain name"),
    ],
)
def test_bad_seeds_give_one_line_and_exit_2(args, env, code, message):
    result = crawl(*args, env=env)
    assert result.returncode == code
    assert result.stderr.strip() == message
    assert "Traceback" not in result.stdout + result.stderr


def test_empty_seeds_file(tmp_path):
    seeds = tmp_path / "seeds.txt"
    seeds.write_text("# nothing here\n\n", encoding="utf-8")
    result = crawl("-a", f"seeds={seeds}")
    assert result.returncode == 2
    assert result.stderr.strip() == f"scrapy crawl: error: seeds file {seeds} is empty: give at least one URL or domain"


def test_unknown_index_scheme(tmp_path):
    result = crawl("-a", "seeds=example.com", env={"BACKLINKS_INDEX_URI": "postgres://db/x"})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("scrapy crawl: error: ")
    assert "postgres" in lines[0]
    assert "Traceback" not in result.stderr


def test_unwritable_index_path(tmp_path):
    result = crawl("-a", "seeds=example.com",
                   env={"BACKLINKS_INDEX_URI": "sqlite:///nonexistent-dir/deeper/backlinks.db"})
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("scrapy crawl: error: cannot open the index")
    assert "Traceback" not in result.stderr


def test_seeds_file_is_read_in_order_without_repeats(tmp_path):
    seeds = tmp_path / "seeds.txt"
    seeds.write_text(
        "\ufeff# seeds\nexample.com\nhttp://Blog.Example.org/path#frag\n\nexample.com  # again\n",
        encoding="utf-8",
    )
    assert read_seeds(str(seeds)) == ["https://example.com/", "http://blog.example.org/path"]


@pytest.mark.parametrize(
    ("seed", "url"),
    [
        ("example.com", "https://example.com/"),
        ("EXAMPLE.com/blog", "https://example.com/blog"),
        ("http://alpha.test", "http://alpha.test/"),
        ("https://example.com:443/x", "https://example.com/x"),
        ("http://bücher.example/", "http://xn--bcher-kva.example/"),
    ],
)
def test_seed_url(seed, url):
    assert seed_url(seed) == url


def test_comma_list_mixes_urls_and_domains():
    assert read_seeds("a.test, http://b.test/x ,a.test", scheme="http") == [
        "http://a.test/",
        "http://b.test/x",
    ]
