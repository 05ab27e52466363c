"""`scrapy disavow`: a file Google's disavow tool accepts."""

from __future__ import annotations

from crawler.index import DisavowEntry, open_index
from crawler.index.disavow import MAX_BYTES, MAX_LINES, render_disavow
from tests.index_data import P2, P6, load, scrapy


def body(text: str) -> list[str]:
    return [line for line in text.splitlines() if not line.startswith("#")]


def test_disavow_file(tmp_path):
    uri = f"sqlite:///{tmp_path / 'index.db'}"
    with open_index(uri) as index:
        load(index)
    out_file = tmp_path / "disavow.txt"
    result = scrapy("disavow", "t.com", "--index", uri, "-o", str(out_file))
    assert result.returncode == 0, result.stderr
    assert result.stderr == f"wrote {out_file}: 1 domains, 1 URLs\n"
    text = out_file.read_text(encoding="utf-8")
    assert body(text) == ["domain:x.net", P6]
    assert text.startswith("# Disavow file for t.com, made by backlinks-crawler on ")
    low = scrapy("disavow", "t.com", "--index", uri, "--min-toxicity", "50")
    assert body(low.stdout) == ["domain:x.net", "domain:b.org", P6]
    assert P2 not in low.stdout
    bad = scrapy("disavow", "t.com", "--index", uri, "--min-toxicity", "high")
    assert (bad.returncode, bad.stderr) == (
        2, "scrapy disavow: error: --min-toxicity must be a whole number from 0 to 100, not 'high'\n")
    missing = scrapy("disavow", "t.com", "--index", f"sqlite:///{tmp_path / 'none.db'}")
    assert missing.returncode == 1 and "does not exist" in missing.stderr


def test_limits_fold_domains_then_drop_the_least_toxic():
    many = [DisavowEntry("url", f"https://spam{i % 50}.example/{i}", 1, 1, 60 + i % 40)
            for i in range(120_000)]
    text, notes = render_disavow(many, target="t.com", min_toxicity=60, generated_at="now")
    lines = text.splitlines()
    assert len(lines) <= MAX_LINES and len(text.encode()) <= MAX_BYTES
    folded = sum(line.startswith("domain:spam") for line in lines)
    assert 0 < folded < 50  # only as many as needed to fit
    assert notes == [f"{folded} domains with many toxic URLs listed whole to fit the limits"]
    distinct = [DisavowEntry("url", f"https://s{i}.example/{'x' * 30}", 1, 1, 60 + i % 40)
                for i in range(110_000)]
    text, notes = render_disavow(distinct, target="t.com", min_toxicity=60, generated_at="now")
    assert len(text.splitlines()) <= MAX_LINES and len(text.encode()) <= MAX_BYTES
    assert notes and "less toxic entries left out" in notes[-1]
