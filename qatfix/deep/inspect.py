"""What a `.pdparams` file holds, which config's network it is, and which official weights.

A checkpoint holds the model's state dict, so its keys and shapes, in order, are compared with the
signature store (every official config as ppdet built it): an exact match names the config whose
network the file is, the user's own `model_final.pdparams` included. Registry entries match
when their config has that signature, when their file name matches, or when their config's
state dict has as many values; candidates without a stored signature but with `model` sections
are built with ppdet and compared key by key and shape by shape.
"""
from __future__ import annotations

from dataclasses import dataclass
import os
from typing import Any, Literal

from qatfix.deep.runtime import PpdetRuntime, load_runtime
from qatfix.deep.signature import Signature
from qatfix.deep.weights import read_signature
from qatfix.errors import DeepCheckError, QatfixError
from qatfix.registry.signatures import checkpoint_elements
from qatfix.registry.signatures import configs_matching
from qatfix.registry.signatures import signature_index, signature_of
from qatfix.registry import load_registry

#: at most this many candidate entries are built with ppdet per inspection
MAX_BUILDS = 8
#: configs of the same network listed in the text output
MAX_SHOWN = 5
_ITEM_SIZES = {"bfloat16": 2, "float8_e4m3fn": 1, "float8_e5m2": 1}

How = Literal["signature", "state-dict size", "file name", "file name, other signature"]


@dataclass(frozen=True)
class RegistryMatch:
    """A registry entry the file corresponds to, and how strongly."""

    name: str
    url: str
    how: How


@dataclass(frozen=True)
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
    #: (config, trees) whose network the file's state dict is exactly, from the signature store
    checkpoint_of: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path, "file_bytes": self.file_bytes, "tensors": self.tensors,
            "values": self.values,
            "by_dtype": {d: {"tensors": t, "bytes": b} for d, (t, b) in self.by_dtype.items()},
            "registry_entries": self.registry_entries,
            "checkpoint_of": [{"config": c, "trees": list(t)} for c, t in self.checkpoint_of],
            "matches": [{"name": m.name, "url": m.url, "how": m.how} for m in self.matches],
        }

    def text(self) -> str:
        lines = [f"{self.path}: {self.tensors} tensors in its state dict, {self.values:,} values, "
                 f"{self.file_bytes:,} bytes on disk"]
        for dtype, (tensors, size) in sorted(self.by_dtype.items()):
            lines.append(f"  {dtype}: {tensors} tensors, {size:,} bytes")
        shown = self.checkpoint_of[:MAX_SHOWN]
        for number, (config, trees) in enumerate(shown):
            lead = "checkpoint: a checkpoint of" if number == 0 else "  or, same network,"
            lines.append(f"{lead} {config} ({', '.join(trees)})")
        if len(self.checkpoint_of) > MAX_SHOWN:
            lines.append(f"  and {len(self.checkpoint_of) - MAX_SHOWN} more configs of the same network")
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
        return load_registry()
    except QatfixError:
        return None


def checkpoint_of(signature: Signature, path: str = "") -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(config, trees) of every stored config whose state dict `signature` is exactly; configs
    named in `path` first (ppdet saves to `output/<config name>/model_final.pdparams`)."""

    try:
        matching = configs_matching(signature.shapes)
    except QatfixError:  # no store shipped, or a broken one: nothing to match against
        return ()
    trees: dict[str, list[str]] = {}
    for tree, config in matching:
        trees.setdefault(config, []).append(tree)
    parts = set(os.path.normpath(os.path.abspath(path)).split(os.sep)) if path else set()
    parts |= {os.path.splitext(p)[0] for p in parts}

    def named(config: str) -> bool:
        return os.path.splitext(os.path.basename(config))[0] in parts

    ordered = sorted(trees, key=lambda config: (not named(config), config))
    return tuple((config, tuple(trees[config])) for config in ordered)


def _stored_size(entry: Any) -> int | None:
    """State-dict values of an entry's config as ppdet built it (index only, no file read)."""

    try:
        return checkpoint_elements(entry.config, entry.tree) if entry.config else None
    except QatfixError:
        return None


def _stored_signature(entry: Any) -> Signature | None:
    """The stored signature of an entry's config, from its own tree first."""

    if not entry.config:
        return None
    try:
        trees = [entry.tree] if entry.tree else []
        trees += sorted(t for t in signature_index().trees if t != entry.tree)
        for tree in trees:
            found = signature_of(tree, entry.config)
            if found is not None:
                return found
    except QatfixError:
        return None
    return None


def registry_matches(path: str, signature: Signature, registry: Any,
                     runtime: PpdetRuntime) -> tuple[RegistryMatch, ...]:
    """Entries whose config has this signature, or matching by name or state-dict size;
    the latter confirmed (or not) with the stored signature or by building their sections."""
    from qatfix.deep.build import signature_from_sections

    values = signature.elements
    by_name = {e.url: e for e in registry.get_local_path(path)}
    by_size = {e.url: e for e in registry if _stored_size(e) == values}
    matches: list[RegistryMatch] = []
    builds = 0
    for url, entry in {**by_size, **by_name}.items():
        built = _stored_signature(entry)
        if built is None and entry.model and builds < MAX_BUILDS:
            builds += 1
            try:
                built = signature_from_sections(entry.model, runtime=runtime)
            except DeepCheckError:
                built = None
        if built is not None and built.same_keys_and_shapes(signature):
            how: How = "signature"
        elif built is not None and url in by_name:
            how = "file name, other signature"
        elif built is not None:
            continue  # same size, different model
        else:
            how = "state-dict size" if url in by_size else "file name"
        matches.append(RegistryMatch(entry.name, entry.url, how))
    order = ("signature", "state-dict size", "file name", "file name, other signature")
    return tuple(sorted(matches, key=lambda m: (order.index(m.how), m.url not in by_name)))


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
        checkpoint_of=checkpoint_of(signature, path),
    )
