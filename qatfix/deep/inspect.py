"""What a `.pdparams` file holds, and which official weights it is.

Registry entries are candidates when their file name or their `num_params` (total parameter
values) matches; candidates with `model` sections are then built with ppdet and compared key by
key and shape by shape, which is the only proof that two files hold the same model.
"""
from __future__ import annotations

import os
from typing import Any, Literal

from qatfix.deep.runtime import PpdetRuntime, load_runtime
from qatfix.deep.signature import Signature
from qatfix.deep.weights import read_signature
from qatfix.errors import DeepCheckError, QatfixError
from qatfix.record import record

#: at most this many candidate entries are built with ppdet per inspection
MAX_BUILDS = 8
_ITEM_SIZES = {"bfloat16": 2, "float8_e4m3fn": 1, "float8_e5m2": 1}

How = Literal["signature", "parameter count", "file name", "file name, other signature"]


@record
class RegistryMatch:
    """A registry entry the file corresponds to, and how strongly."""

    name: str
    url: str
    how: How


@record
class WeightsInspection:
    """Counts and sizes of one weights file, and its registry matches."""

    path: str
    file_bytes: int
    tensors: int
    values: int
    #: dtype -> (tensors, payload bytes)
    by_dtype: dict[str, tuple[int, int]]
    matches: tuple[RegistryMatch, ...]
    #: how many registry entries were known (0: no registry available)
    registry_entries: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path, "file_bytes": self.file_bytes, "tensors": self.tensors,
            "values": self.values,
            "by_dtype": {d: {"tensors": t, "bytes": b} for d, (t, b) in self.by_dtype.items()},
            "registry_entries": self.registry_entries,
            "matches": [{"name": m.name, "url": m.url, "how": m.how} for m in self.matches],
        }

    def text(self) -> str:
        lines = [f"{self.path}: {self.tensors} parameters, {self.values:,} values, "
                 f"{self.file_bytes:,} bytes on disk"]
        for dtype, (tensors, size) in sorted(self.by_dtype.items()):
            lines.append(f"  {dtype}: {tensors} tensors, {size:,} bytes")
        if not self.registry_entries:
            lines.append("registry: no registry entries known")
        elif not self.matches:
            lines.append(f"registry: none of {self.registry_entries} entries matches")
        for match in self.matches:
            lines.append(f"registry: {match.name} ({match.url}) by {match.how}")
        return "\n".join(lines)


def _item_size(dtype: str) -> int:
    if dtype in _ITEM_SIZES:
        return _ITEM_SIZES[dtype]
    import numpy

    try:
        return int(numpy.dtype(dtype).itemsize)
    except TypeError:
        return 0


def _by_dtype(signature: Signature) -> dict[str, tuple[int, int]]:
    result: dict[str, tuple[int, int]] = {}
    for key, shape in signature.shapes.items():
        dtype = signature.dtypes.get(key, "unknown")
        count = 1
        for dim in shape:
            count *= dim
        tensors, size = result.get(dtype, (0, 0))
        result[dtype] = (tensors + 1, size + count * _item_size(dtype))
    return result


def _registry() -> Any | None:
    try:
        from qatfix.registry import load_registry
    except ImportError:
        return None
    try:
        return load_registry()
    except QatfixError:
        return None


def _same(a: Signature, b: Signature) -> bool:
    return dict(a.shapes) == dict(b.shapes)


def registry_matches(path: str, signature: Signature, registry: Any,
                     runtime: PpdetRuntime) -> tuple[RegistryMatch, ...]:
    """Entries matching by name or count, confirmed (or not) by building their sections."""
    from qatfix.deep.build import signature_from_sections
    from qatfix.registry import find_by_local_path

    values = signature.elements
    by_name = {e.url: e for e in find_by_local_path(path, registry)}
    by_count = {e.url: e for e in registry if e.num_params == values}
    matches: list[RegistryMatch] = []
    builds = 0
    for url, entry in {**by_count, **by_name}.items():
        built: Signature | None = None
        if entry.model and builds < MAX_BUILDS:
            builds += 1
            try:
                built = signature_from_sections(entry.model, runtime=runtime)
            except DeepCheckError:
                built = None
        if built is not None and _same(built, signature):
            how: How = "signature"
        elif built is not None and url in by_name:
            how = "file name, other signature"
        elif built is not None:
            continue  # same count, different model
        else:
            how = "parameter count" if url in by_count else "file name"
        matches.append(RegistryMatch(entry.name, entry.url, how))
    order = ("signature", "parameter count", "file name", "file name, other signature")
    return tuple(sorted(matches, key=lambda m: order.index(m.how)))


def inspect_weights(path: str, *, runtime: PpdetRuntime | None = None) -> WeightsInspection:
    """Read `path` with paddle and compare it with the registry."""
    if not os.path.isfile(path):
        raise DeepCheckError("weights file not found", path=path)
    runtime = runtime or load_runtime()
    signature = read_signature(path, runtime=runtime)
    registry = _registry()
    matches = registry_matches(path, signature, registry, runtime) if registry else ()
    return WeightsInspection(
        path=path, file_bytes=os.path.getsize(path), tensors=len(signature),
        values=signature.elements, by_dtype=_by_dtype(signature), matches=matches,
        registry_entries=len(registry) if registry else 0,
    )
