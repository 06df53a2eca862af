"""`qatfix inspect`: what a `.pdparams` file is, which config's network, which official weights.

The file is read by qatfix's restricted reader, never unpickled by paddle, and identified by
`qatfix.registry.checkpoints.identify`, the same facts QF901/QF902 and QF106 judge with: float,
QAT (paddleslim's wrapper names) or pruned (smaller tensors); the stored configs whose network it
holds; how many of that network's tensors ppdet's match_state_dict loads from it; and the
official weights of that network and kind. Registry entries named like the file whose config has
no stored signature are confirmed by building their `model` sections with ppdet, when paddle is
installed (at most MAX_BUILDS per inspection).
"""
from __future__ import annotations

from dataclasses import dataclass
import os
from typing import Any

from qatfix.errors import ConfigError, QatfixError
from qatfix.model.checkpoint import Checkpoint, item_size
from qatfix.registry.checkpoints import CheckpointIdentity, RegistryMatch, entry_match, identify
from qatfix.registry.checkpoints import network_of
from qatfix.registry import load_registry

#: at most this many candidate entries are built with ppdet per inspection
MAX_BUILDS = 8
#: configs of the same network listed in the text output
MAX_SHOWN = 5
_KINDS = {"float": "float checkpoint", "qat": "QAT checkpoint", "pruned": "pruned checkpoint",
          "other": "checkpoint"}
_WEIGHTS = {"float": "float", "qat": "QAT", "pruned": "pruned"}


@dataclass(frozen=True)
class WeightsInspection:
    """What one weights file is, its counts and sizes, and its registry matches."""

    path: str
    file_bytes: int
    identity: CheckpointIdentity
    matches: tuple[RegistryMatch, ...]

    @property
    def checkpoint(self) -> Checkpoint:
        return self.identity.checkpoint

    @property
    def by_dtype(self) -> dict[str, tuple[int, int]]:
        """dtype -> (tensors, payload bytes)."""
        result: dict[str, tuple[int, int]] = {}
        for key, shape in self.checkpoint.shapes.items():
            dtype = self.checkpoint.dtypes.get(key, "unknown")
            count = 1
            for dim in shape:
                count *= dim
            tensors, size = result.get(dtype, (0, 0))
            result[dtype] = (tensors + 1, size + count * item_size(dtype))
        return result

    @property
    def onnx_format(self) -> bool | None:
        layout = self.identity.facts.layout
        return layout.onnx_format if layout is not None else None

    def identity_line(self) -> str:
        """One line: what the file is, of which config, and the load figure."""
        facts, configs = self.identity.facts, self.identity.configs
        what = _KINDS.get(facts.kind, "checkpoint")
        if self.onnx_format is not None:
            what += f" (onnx_format {str(self.onnx_format).lower()})"
        if not configs:
            return (f"{self.path}: {what} of no network in the signature store: "
                    f"{len(self.checkpoint.shapes):,} tensors, {self.checkpoint.elements:,} values")
        config, trees = configs[0]
        line = f"{self.path}: {what} of {config} ({', '.join(trees)})"
        if facts.classes is not None:
            line += f", trained for {facts.classes} classes"
        if facts.loads is None:
            return line
        loaded, total = facts.loads
        if facts.kind == "float" and loaded == total:
            return f"{line}: all {total} of that model's tensors load"
        if facts.classes is not None:
            return (f"{line}: {loaded} of that {self.identity.network_classes}-class model's "
                    f"{total} tensors load (not its class layers)")
        without = " without its slim config" if facts.kind in ("qat", "pruned") else ""
        return f"{line}: {loaded} of that float model's {total} tensors load{without}"

    def to_dict(self) -> dict[str, Any]:
        facts = self.identity.facts
        return {
            "path": self.path, "kind": facts.kind, "onnx_format": self.onnx_format,
            "classes": facts.classes,
            "config": self.identity.configs[0][0] if self.identity.configs else None,
            "loads": ({"loaded": facts.loads[0], "total": facts.loads[1]} if facts.loads
                      else None),
            "evidence": facts.detail,
            "file_bytes": self.file_bytes, "tensors": len(self.checkpoint.shapes),
            "values": self.checkpoint.elements,
            "by_dtype": {d: {"tensors": t, "bytes": b} for d, (t, b) in self.by_dtype.items()},
            "registry_entries": self.identity.registry_entries,
            "checkpoint_of": [{"config": c, "trees": list(t)} for c, t in self.identity.configs],
            "matches": [{"name": m.name, "url": m.url, "how": m.how, "kind": m.kind,
                         "slim_config": m.slim_config} for m in self.matches],
        }

    def text(self) -> str:
        checkpoint = self.checkpoint
        lines = [self.identity_line(),
                 f"  state dict: {len(checkpoint.shapes):,} tensors, {checkpoint.elements:,} "
                 f"values, {self.file_bytes:,} bytes on disk"]
        for dtype, (tensors, size) in sorted(self.by_dtype.items()):
            lines.append(f"    {dtype}: {tensors:,} tensors, {size:,} bytes")
        if self.identity.facts.detail:
            lines.append(f"  evidence: {self.identity.facts.detail}")
        others = self.identity.configs[1:]
        for config, trees in others[:MAX_SHOWN]:
            lines.append(f"  same network: {config} ({', '.join(trees)})")
        if len(others) > MAX_SHOWN:
            lines.append(f"  and {len(others) - MAX_SHOWN} more configs of the same network")
        if not self.identity.registry_entries:
            lines.append("  registry: no registry entries known")
        elif not self.matches:
            lines.append(f"  registry: none of {self.identity.registry_entries} entries matches")
        for match in self.matches:
            slim = f", trained with --slim_config {match.slim_config}" if match.slim_config else ""
            lines.append(f"  registry: {match.name} ({match.url}) by {match.how}"
                         f" ({_WEIGHTS.get(match.kind, match.kind)} weights{slim})")
        return "\n".join(lines)


def _registry() -> Any | None:
    try:
        return load_registry()
    except QatfixError:
        return None


def _confirmed(identity: CheckpointIdentity) -> tuple[RegistryMatch, ...]:
    """The matches, with entries named like the file whose network is not stored confirmed (or
    not) by building their `model` sections with ppdet; unchanged without paddle."""
    if not identity.unconfirmed:
        return identity.matches
    from qatfix.deep.build import signature_from_sections
    from qatfix.deep.runtime import load_runtime

    try:
        runtime = load_runtime()
    except QatfixError:  # no paddle: the file-name matches stay unconfirmed
        return identity.matches
    network = network_of(identity.checkpoint).shapes or identity.checkpoint.float_names()
    hows = {}
    for entry in identity.unconfirmed[:MAX_BUILDS]:
        if not entry.model:
            continue
        try:
            built = signature_from_sections(entry.model, runtime=runtime)
        except QatfixError:
            continue
        hows[entry.url] = entry_match(entry, identity.facts.kind, network, built.shapes, True)
    return tuple(sorted(
        (RegistryMatch(m.name, m.url, hows[m.url] or m.how, m.kind, m.slim_config)
         if hows.get(m.url) else m for m in identity.matches),
        key=lambda m: m.how != "signature"))


def inspect_weights(path: str) -> WeightsInspection:
    """Identify `path` (read by the restricted reader; ConfigError when it refuses the file)."""
    if os.path.isdir(path):
        raise ConfigError("a folder, not a weights file (give its .pdparams file)", path=path)
    if not os.path.isfile(path):
        raise ConfigError("weights file not found", path=path)
    identity = identify(path, _registry())
    return WeightsInspection(path, os.path.getsize(path), identity, _confirmed(identity))
