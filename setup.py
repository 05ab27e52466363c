"""Build of the optional compiled part of the extractor, ``crawler._fastdom`` (Cython).

Everything else about the package is in pyproject.toml. The extension reads lexbor's C
structs directly, so it needs the lexbor headers of the exact selectolax release that is
installed (pinned in pyproject.toml). selectolax's wheel does not ship them: the first
build downloads that release's sdist with pip (``pip download selectolax==X --no-binary
selectolax``) and keeps its headers under ``build/``; later builds reuse them. Nothing is
downloaded at run time.

The extension is optional: when the headers cannot be had or the compiler fails, the
install still succeeds, with a warning, and ``crawler.treeview`` uses the pure-Python path.
``BACKLINKS_NO_COMPILE=1`` skips the extension on purpose.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

SELECTOLAX = "1.0.2"  # keep in step with pyproject.toml and crawler/_fastdom.pyx
HERE = Path(__file__).resolve().parent
HEADERS = HERE / "build" / f"selectolax-{SELECTOLAX}-headers"
#: The compiled modules (Cython) and their sources; each is optional, all are built together.
#: crawler._fastprepare (the SQLite index's prepare) needs no lexbor headers but is built with them.
SOURCES = {name: f"crawler/{name.split('.')[1]}.pyx"
           for name in ("crawler._fastdom", "crawler._fastplace", "crawler._fastmain", "crawler._fastlinks",
                        "crawler._fastscan", "crawler._fastwrite", "crawler._fastprepare")}


def _sources_digest() -> str:
    """crawler.compiled.sources_digest(), loaded from its file (the package's __init__
    imports what a build environment lacks)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("backlinks_compiled", HERE / "crawler" / "compiled.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module.sources_digest(HERE / "crawler") or ""


def _warn(message: str) -> None:
    print(f"WARNING: crawler._fastdom not built ({message}); the pure-Python extractor will be used",
          file=sys.stderr)


def _download_headers() -> None:
    """Fetch the selectolax sdist with pip and keep its lexbor headers under HEADERS."""
    with tempfile.TemporaryDirectory() as scratch:
        command = [sys.executable, "-m", "pip", "download", f"selectolax=={SELECTOLAX}", "--no-binary",
                   "selectolax", "--no-deps", "--disable-pip-version-check", "--quiet", "-d", scratch]
        subprocess.run(command, check=True, timeout=600)
        archives = list(Path(scratch).glob(f"selectolax-{SELECTOLAX}.tar.gz"))
        if not archives:
            raise RuntimeError(f"pip did not fetch selectolax-{SELECTOLAX}.tar.gz")
        prefix = f"selectolax-{SELECTOLAX}/lexbor/source/"
        staging = HEADERS.with_name(HEADERS.name + ".partial")
        with tarfile.open(archives[0]) as archive:
            for member in archive.getmembers():
                name = member.name
                if not (member.isfile() and name.startswith(prefix) and name.endswith(".h")):
                    continue
                relative = Path(name[len(prefix):])
                if relative.is_absolute() or ".." in relative.parts:
                    continue
                target = staging / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.extractfile(member) as source:  # type: ignore[union-attr]
                    target.write_bytes(source.read())
        staging.rename(HEADERS)


def lexbor_headers() -> Path:
    if not (HEADERS / "lexbor" / "html" / "html.h").is_file():
        _download_headers()
    return HEADERS


class OptionalBuildExt(build_ext):
    """build_ext that leaves the extension out, with a warning, instead of failing."""

    def run(self) -> None:
        if os.environ.get("BACKLINKS_NO_COMPILE"):
            _warn("BACKLINKS_NO_COMPILE is set")
            return
        try:
            import selectolax
            from Cython.Build import cythonize

            if selectolax.__version__ != SELECTOLAX:
                raise RuntimeError(f"selectolax {selectolax.__version__} in the build, {SELECTOLAX} expected")
            headers = lexbor_headers()
            for extension in self.extensions:
                # Cython writes the C source under build/; the compiler takes it from there.
                built = cythonize([extension], build_dir=str(HERE / "build" / "cython"), quiet=True)
                extension.sources = list(built[0].sources)
                extension.include_dirs.append(str(headers))
            super().run()
        except Exception as error:  # noqa: BLE001 (any failure means: no extension)
            _warn(f"{type(error).__name__}: {error}")
            self._remove_built()

    def _remove_built(self) -> None:
        """Leave none of the modules: they work together, and one built earlier from other
        sources (an editable install keeps them beside the sources) must not be loaded."""
        for name in SOURCES:
            package, module = name.split(".")
            for built in (HERE / package).glob(f"{module}.*.so"):
                built.unlink()

    def get_source_files(self) -> list[str]:
        return [*SOURCES.values(), "crawler/_fastdom.pxd", "crawler/_fasttext.pxi", "crawler/_factstable.pxi",
                "crawler/_fasttags.pxi", "crawler/_fasturls.pxi", "crawler/_fasthead.pxi",
                "crawler/_fastnames.pxi", "crawler/_fastwalk.pxi", "crawler/_fasthidden.pxi", "crawler/_fastplace.pxd",
                "crawler/_fastmain.pxd", "crawler/_fastnaming.pxi", "crawler/_fastnaming.pxd"]


setup(
    ext_modules=[Extension(name, [source], extra_compile_args=["-O2"],
                           define_macros=[("LEXBOR_STATIC", None),
                                          ("BACKLINKS_SOURCES_DIGEST", f'"{_sources_digest()}"')])
                 for name, source in SOURCES.items()],
    cmdclass={"build_ext": OptionalBuildExt},
)
