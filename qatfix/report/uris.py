"""File paths as SARIF URIs and rdjson paths: forward slashes, relative to a root when given.

Paths in findings are as the CLI made them (usually relative to the working directory). With a
`root`, they are re-expressed relative to it (relative paths are taken from the working
directory); a path outside the root, or an absolute path with no root, stays absolute.
"""
from __future__ import annotations

import os
from pathlib import Path, PurePath
from urllib.parse import quote

#: SARIF uriBaseId for URIs relative to the checked source tree (the usual convention)
SRCROOT = "%SRCROOT%"


def relative_path(path: str, root: str | os.PathLike[str] | None = None) -> str | None:
    """`path` relative to `root` with forward slashes, or None when it can only be absolute."""
    if root is None:
        pure = PurePath(path)
        return None if pure.is_absolute() else pure.as_posix()
    try:
        rel = os.path.relpath(os.path.abspath(path), os.path.abspath(root))
    except ValueError:  # another drive on Windows
        return None
    pure = PurePath(rel)
    if pure.parts and pure.parts[0] == os.pardir:
        return None
    return pure.as_posix()


def display_path(path: str, root: str | os.PathLike[str] | None = None) -> str:
    """Forward-slash path for rdjson: relative when possible, absolute otherwise."""
    rel = relative_path(path, root)
    if rel is not None:
        return rel
    return PurePath(os.path.abspath(path)).as_posix()


def artifact_location(path: str, root: str | os.PathLike[str] | None = None) -> dict[str, str]:
    """SARIF artifactLocation: a percent-encoded relative URI under %SRCROOT%, or a file: URI."""
    rel = relative_path(path, root)
    if rel is not None:
        return {"uri": quote(rel, safe="/"), "uriBaseId": SRCROOT}
    return {"uri": Path(os.path.abspath(path)).as_uri()}


def root_uri(root: str | os.PathLike[str]) -> str:
    """Absolute file: URI of `root` ending in '/', as SARIF `originalUriBaseIds` wants it."""
    uri = Path(os.path.abspath(root)).as_uri()
    return uri if uri.endswith("/") else uri + "/"
