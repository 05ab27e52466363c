"""Writing view records to stdout: table (for people), csv, json and jsonl (for programs).

JSON and JSONL are exactly the records' ``to_dict``; CSV has the same field names as
columns, lists joined by spaces and nested objects flattened with dotted names
(``types.editorial``). Tables are aligned, and long columns are cut with an ellipsis to fit
the terminal.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TextIO

FORMATS: tuple[str, ...] = ("table", "csv", "json", "jsonl")


@dataclass(frozen=True, slots=True)
class Column:
    """One table column: a header, how to get the cell from a record's dict, and how much
    it may shrink (0 = never)."""

    header: str
    get: Any
    min_width: int = 0
    align_right: bool = False


def _flatten(record: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        elif isinstance(value, (list, tuple)):
            flat[name] = " ".join(str(v) for v in value)
        elif value is None:
            flat[name] = ""
        elif isinstance(value, bool):
            flat[name] = "true" if value else "false"
        else:
            flat[name] = value
    return flat


def write_json(records: Sequence[dict[str, Any]] | dict[str, Any], out: TextIO) -> None:
    json.dump(records, out, ensure_ascii=False, indent=2)
    out.write("\n")


def write_jsonl(records: Sequence[dict[str, Any]], out: TextIO) -> None:
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False))
        out.write("\n")


def write_csv(records: Sequence[dict[str, Any]], out: TextIO, fields: Sequence[str]) -> None:
    flat = [_flatten(r) for r in records]
    names = list(fields) if not flat else list(flat[0])
    writer = csv.DictWriter(out, fieldnames=names, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(flat)


def cut(text: str, width: int) -> str:
    """``text`` on one line, at most ``width`` characters (an ellipsis marks a cut)."""
    text = " ".join(str(text).split())
    if len(text) <= width:
        return text
    return text[: max(0, width - 1)] + "…"


def terminal_width() -> int:
    return max(60, shutil.get_terminal_size((140, 24)).columns)


def write_table(
    records: Sequence[dict[str, Any]], columns: Sequence[Column], out: TextIO,
    width: int | None = None,
) -> None:
    """An aligned table; columns that can shrink are cut until the table fits ``width``."""
    if not records:
        out.write("(none)\n")
        return
    cells = [[" ".join(str(c.get(r)).split()) for c in columns] for r in records]
    widths = [
        max(len(c.header), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)
    ]
    budget = (width or terminal_width()) - 2 * (len(columns) - 1)
    while sum(widths) > budget:
        shrinkable = [
            i for i, c in enumerate(columns) if c.min_width and widths[i] > c.min_width
        ]
        if not shrinkable:
            break
        widest = max(shrinkable, key=lambda i: widths[i])
        widths[widest] = max(columns[widest].min_width, widths[widest] - (sum(widths) - budget))

    def line(values: list[str]) -> str:
        parts = []
        for i, (value, column) in enumerate(zip(values, columns, strict=True)):
            value = cut(value, widths[i])
            last = i == len(columns) - 1
            if column.align_right:
                parts.append(value.rjust(widths[i]))
            else:
                parts.append(value if last else value.ljust(widths[i]))
        return "  ".join(parts).rstrip()

    out.write(line([c.header for c in columns]) + "\n")
    out.write(line(["-" * w for w in widths]) + "\n")
    for row in cells:
        out.write(line(row) + "\n")
