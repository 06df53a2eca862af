"""The deep check's result: counts, per-part summary, ppdet's own lines, and findings."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from qatfix.deep.build import BuiltModel
from qatfix.deep.grouping import ModuleGroup, group_by_module, module_of
from qatfix.model.matching import MatchResult, ShapeStyle
from qatfix.deep.signature import Signature
from qatfix.deep.checkpoint_bytes import CheckpointSizes, checkpoint_sizes
from qatfix.deep.weights import WeightsSignature
from qatfix.findings import Finding, Location
from qatfix.rules.weights.deep_load import AMBIGUOUS, PARTLY_LOADED


def _counts(signature: Signature) -> str:
    """`463 state-dict tensors (298 trainable, 165 buffers), 1,249,528 values`."""
    split = (f" ({len(signature.parameters)} trainable, {len(signature.buffers)} buffers)"
             if signature.buffers else "")
    return f"{len(signature)} state-dict tensors{split}, {signature.elements:,} values"


@dataclass(frozen=True)
class DeepReport:
    """What ppdet would build and load for one config (and slim config, and -o options)."""

    model: BuiltModel
    #: None when the run loads no weights (no pretrain_weights in plain training)
    weights: WeightsSignature | None
    match: MatchResult | None
    #: where the loaded weights key is set, None when nothing sets it
    location: Location | None
    shape_style: ShapeStyle = "paddle"
    #: the ppdet logs unmatched model keys for teacher/student checkpoints (develop's)
    distill_lines: bool = False

    # -- numbers -------------------------------------------------------------------------------
    def groups(self) -> tuple[ModuleGroup, ...]:
        return group_by_module(self.match, self.model.modules) if self.match else ()

    def headline(self) -> str:
        """`140 of 463 parameters would load; 323 would train from scratch`."""
        total = len(self.model.signature)
        if self.match is None:
            return f"no weights to load; all {total} parameters train from scratch"
        if self.match.error:
            return f"ppdet would stop loading the weights: {self.match.error}"
        return (f"{self.match.loaded_count} of {total} parameters would load; "
                f"{self.match.from_scratch_count} would train from scratch")

    def sizes(self) -> CheckpointSizes:
        return checkpoint_sizes(self.model.signature)

    def ppdet_lines(self) -> list[str]:
        """The lines ppdet's loader logs for this pair, in its order."""
        return self.match.ppdet_lines(self.shape_style, self.distill_lines) if self.match else []

    # -- findings ------------------------------------------------------------------------------
    def _where(self) -> Location:
        return self.location or Location(self.model.config)

    def _related(self) -> tuple[Location, ...]:
        files = [self.model.config] + ([self.model.slim] if self.model.slim else [])
        where = self._where().path
        return tuple(Location(f) for f in files if f != where)

    def findings(self) -> list[Finding]:
        """QF602 when ppdet would raise, else QF601 when not every parameter would load."""
        match = self.match
        if match is None:
            return []
        where, related, config = self._where(), self._related(), self.model.config
        if match.ambiguities:
            extra = len(match.ambiguities) - 1
            more = f" ({extra} more weight{'s' if extra != 1 else ''} claimed twice)" if extra else ""
            return [Finding(
                code=AMBIGUOUS.code, severity=AMBIGUOUS.severity,
                message=f"ppdet would stop with: {match.error}{more}",
                data=(("ambiguities", [[a.weight_key, a.first_model_key, a.model_key]
                                       for a in match.ambiguities]),
                      *self._facts()),
                location=where, related=related, config=config)]
        if match.full_fit:
            return []
        groups = "; ".join(g.summary() for g in self.groups() if g.params)
        return [Finding(
            code=PARTLY_LOADED.code,
            severity=PARTLY_LOADED.severity if self.model.is_quantization else "info",
            message=f"{self.headline()}. {groups}",
            headline=f"{self.model.weights_key}: {self.headline()} (counted by ppdet)",
            data=self._facts(), location=where, related=related, config=config)]

    def _facts(self) -> tuple[tuple[str, Any], ...]:
        match, weights = self.match, self.weights
        assert match is not None and weights is not None
        return (
            ("model_params", match.model_count),
            ("loaded", match.loaded_count),
            ("from_scratch", match.from_scratch_count),
            ("not_matched", len(match.not_matched)),
            ("shape_mismatches", len(match.shape_mismatches)),
            ("weights_params", match.weight_count),
            ("unused_weights", len(match.unused_weights)),
            ("weights_key", self.model.weights_key),
            ("weights", weights.value),
            ("weights_signature", weights.describe()),
            ("ppdet", self.model.source.describe()),
            ("groups", [self._group_dict(g) for g in self.groups()]),
        )

    @staticmethod
    def _group_dict(group: ModuleGroup) -> dict[str, Any]:
        return {"name": group.name, "params": group.params, "loaded": group.loaded,
                "not_matched": group.not_matched,
                "shape_mismatches": len(group.shape_mismatches),
                "unused_weights": group.unused_weights}

    # -- output --------------------------------------------------------------------------------
    def text(self, *, max_mismatches: int = 10) -> str:
        """A few readable lines in place of ppdet's wall of INFO lines."""
        model = self.model
        files = model.config + (f" + {model.slim} ({model.slim_type})" if model.slim else "")
        lines = [f"ppdet: {model.source.describe()}",
                 f"model: {model.architecture} ({', '.join(model.modules)}) from {files}: "
                 f"{_counts(model.signature)}"]
        if self.weights is None or self.match is None:
            lines.append(self.headline())
            return "\n".join(lines)
        where = f", {self.location}" if self.location else ""
        lines.append(f"weights ({model.weights_key}{where}): {self.weights.value}")
        lines.append(f"  signature from {self.weights.describe()}: "
                     f"{self.match.weight_count} parameters")
        lines.append(self.headline())
        lines += [f"  {g.summary()}" for g in self.groups() if g.params]
        unused = self.match.unused_weights
        if unused:
            parts: dict[str, int] = {}
            for key in unused:
                parts[module_of(key)] = parts.get(module_of(key), 0) + 1
            detail = ", ".join(f"{name} {count}" for name, count in parts.items())
            lines.append(f"{len(unused)} of {self.match.weight_count} weights unused ({detail})")
        mismatches = self.match.shape_mismatches
        if mismatches:
            lines.append(f"{len(mismatches)} shape mismatch{'es' if len(mismatches) != 1 else ''}:")
            lines += [f"  {m}" for m in mismatches[:max_mismatches]]
            if len(mismatches) > max_mismatches:
                lines.append(f"  ... and {len(mismatches) - max_mismatches} more")
        for ambiguity in self.match.ambiguities:
            lines.append(f"ambiguous: {ambiguity.message}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able summary (counts, groups, key lists)."""
        model, match = self.model, self.match
        sizes = self.sizes()
        data: dict[str, Any] = {
            "ppdet": model.source.describe(),
            "config": model.config, "slim": model.slim, "slim_type": model.slim_type,
            "options": list(model.options), "architecture": model.architecture,
            "model_params": len(model.signature), "model_values": model.signature.elements,
            "model_buffers": len(model.signature.buffers),
            "checkpoint_bytes": {"float32": sizes.float32_bytes, "int8": sizes.int8_bytes},
            "weights_key": model.weights_key, "weights": model.weights_value,
            "location": str(self.location) if self.location else None,
        }
        if self.weights is not None and match is not None:
            data.update({
                "weights_signature": self.weights.describe(),
                "weights_params": match.weight_count,
                "loaded": match.loaded_count,
                "from_scratch": match.from_scratch_count,
                "groups": [self._group_dict(g) for g in self.groups()],
                "not_matched": list(match.not_matched),
                "shape_mismatches": [
                    {"model_key": m.model_key, "weight_key": m.weight_key,
                     "model_shape": list(m.model_shape), "weight_shape": list(m.weight_shape)}
                    for m in match.shape_mismatches],
                "unused_weights": list(match.unused_weights),
                "ambiguities": [{"weight_key": a.weight_key, "model_keys": [a.first_model_key,
                                                                            a.model_key]}
                                for a in match.ambiguities],
                "error": match.error,
            })
        return data
