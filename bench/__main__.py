"""Run every benchmark in bench/ one after the other: ``python -m bench [NAME ...]``.

Each benchmark prints its figures and the ratio against a baseline measured in the same
run; see bench/README.md for the recorded figures.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    names = argv or sorted(p.stem for p in HERE.glob("bench_*.py"))
    failed = []
    for name in names:
        module = name if name.startswith("bench_") else f"bench_{name}"
        print(f"=== {module}", flush=True)
        if subprocess.run([sys.executable, "-m", f"bench.{module}"], cwd=HERE.parent).returncode:
            failed.append(module)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
