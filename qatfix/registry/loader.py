"""Find and read registry/weights.json once per process, its parse kept between processes.

An installed wheel carries it as `qatfix/_data/weights.json`; an editable install reads the
repository's `registry/weights.json`. Plain `json` only: validation against the schema is a test,
not a runtime cost.
"""
from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any, Optional, Union

from qatfix.errors import RegistryError
from qatfix.registry.index import Registry
from qatfix.registry import parse_cache

SCHEMA_VERSION = 1
FILE_NAME = "weights.json"


def shipped_path(name: str) -> Path:
    """A file or folder of the registry as shipped: the wheel's `qatfix/_data/NAME` when
    installed from one, else the repository's `registry/NAME`."""
    package_root = Path(__file__).resolve().parent.parent
    packaged = package_root / "_data" / name
    if packaged.exists():
        return packaged
    return package_root.parent / "registry" / name


def default_registry_path() -> Path:
    """The shipped registry/weights.json."""
    return shipped_path(FILE_NAME)


def parse_registry(text: Union[str, bytes], origin: str = "<registry>") -> Registry:
    """A `Registry` from the JSON text of a weights file; RegistryError when it is not one."""
    return registry_from_data(_json(text, origin), origin)


def _json(text: Union[str, bytes], origin: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise RegistryError(f"not valid JSON: {exc}", path=origin) from None


def registry_from_data(data: Any, origin: str) -> Registry:
    """A `Registry` from what `json.loads` made of a weights file (or its kept parse)."""
    if not isinstance(data, dict) or not isinstance(data.get("weights"), list):
        raise RegistryError("not a weights registry (no 'weights' list)", path=origin)
    if data.get("schema_version") != SCHEMA_VERSION:
        raise RegistryError(
            f"schema_version {data.get('schema_version')!r} is not the supported {SCHEMA_VERSION}", path=origin)
    for index, item in enumerate(data["weights"]):
        if not isinstance(item, dict) or not isinstance(item.get("url"), str) or not isinstance(item.get("name"), str):
            raise RegistryError(f"entry {index} has no name/url", path=origin)
    return Registry(data["weights"], tuple(data.get("sources") or ()), origin)


def read_registry(path: Union[str, Path]) -> Registry:
    """Read a registry file (no caching)."""
    location = Path(path)
    return parse_registry(_read(location), str(location))


def _read(location: Path) -> bytes:
    try:
        return location.read_bytes()
    except OSError as exc:
        raise RegistryError(f"cannot read weights registry: {exc.strerror or exc}", path=str(location)) from None


@functools.lru_cache(maxsize=1)
def _default_registry() -> Registry:
    """The shipped registry, its parse kept beside it between processes (see parse_cache)."""

    path = default_registry_path()
    try:
        info = path.stat()
    except OSError:
        return read_registry(path)  # reports the error
    data = parse_cache.load(path, info)
    if data is None:
        data = _json(_read(path), str(path))
        parse_cache.store(path, info, data)
    return registry_from_data(data, str(path))


def load_registry(path: Optional[Union[str, Path]] = None) -> Registry:
    """The registry at `path`, or the shipped one (read once per process and cached)."""
    if path is None:
        return _default_registry()
    return read_registry(path)


def clear_cache() -> None:
    """Forget the cached default registry (after rebuilding it in-process)."""
    _default_registry.cache_clear()
