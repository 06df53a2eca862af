"""Build the model with ppdet exactly as `tools/train.py` does, keeping only its signature.

train.py calls `load_config(config)`, merges the `-o` options, then `build_slim_model`, which for
QAT and pruning merges the slim config (`load_config(slim)`) before `create(cfg.architecture)` and
loads `cfg.pretrain_weights`; PTQ creates the model first, then merges the slim config and loads
`cfg.weights`. So for model and weights alike, a key set in the slim config beats the same key
given with `-o`. Only the model is created: readers, datasets and optimizers are never touched.
"""
from __future__ import annotations

from dataclasses import dataclass
import copy
import os
from typing import Any, Mapping, Sequence

from qatfix.config.resolve import weights_key as weights_key_for
from qatfix.deep.runtime import PpdetRuntime, PpdetSource, load_runtime, one_line
from qatfix.deep.build_sections import model_sections
from qatfix.deep.checked_load import refuse_python_tags
from qatfix.deep.signature import QUANTIZABLE_LAYER_TYPES, Signature, signature_of_layer
from qatfix.errors import DeepCheckError, QatfixError
import yaml

#: slim types that train a fake-quant model from float weights
QUANT_SLIM_TYPES = frozenset({"QAT", "PTQ", "PrunerQAT"})
#: slim types whose model train.py cannot set up from one config pair
UNSUPPORTED_SLIM_TYPES = frozenset({"Distill", "DistillPrune"})


@dataclass(frozen=True)
class BuiltModel:
    """What ppdet built and what it would load into it."""

    config: str
    slim: str | None
    options: tuple[str, ...]
    #: the `slim:` value of the slim config (QAT, PTQ, Pruner, ...), None without one
    slim_type: str | None
    architecture: str
    signature: Signature
    #: the model's top-level sub-layers (backbone, neck, head, ...) in model order
    modules: tuple[str, ...]
    #: `pretrain_weights` (training, QAT, pruning) or `weights` (PTQ, OFA)
    weights_key: str
    #: the value ppdet loads, None when the key is unset or empty
    weights_value: str | None
    #: where the weights key may come from, lowest priority first: ("file", path) or ("options", "")
    source: PpdetSource

    @property
    def is_quantization(self) -> bool:
        return self.slim_type in QUANT_SLIM_TYPES


def _read_slim_type(runtime: PpdetRuntime, slim: str) -> str:
    """`slim:` of the slim file itself, read with PyYAML's Loader as build_slim_model does."""

    with open(slim) as handle:
        data = yaml.load(handle, Loader=yaml.Loader)
    if not isinstance(data, Mapping) or "slim" not in data:
        raise DeepCheckError("the slim config has no `slim:` key; ppdet's build_slim_model "
                             "fails on it", path=slim)
    return str(data["slim"])


def _require_file(path: str | None, what: str) -> None:
    if path is not None and not os.path.isfile(path):
        raise DeepCheckError(f"{what} not found", path=path)


def _quantizable_types(cfg: Mapping[str, Any], slim_type: str | None) -> tuple[str, ...]:
    section = cfg.get(slim_type) if slim_type else None
    quant_config = section.get("quant_config") if isinstance(section, Mapping) else None
    types = quant_config.get("quantizable_layer_type") if isinstance(quant_config, Mapping) else None
    if isinstance(types, (list, tuple)) and all(isinstance(t, str) for t in types):
        return tuple(types)
    return QUANTIZABLE_LAYER_TYPES


def build_model(config: str, slim: str | None = None, options: Sequence[str] = (), *,
                runtime: PpdetRuntime | None = None) -> BuiltModel:
    """Create `cfg.architecture` after ppdet's own config loading, in train.py's order."""
    _require_file(config, "config")
    _require_file(slim, "slim config")
    refuse_python_tags(config, slim)  # ppdet's yaml.Loader would construct them
    runtime = runtime or load_runtime(config)
    workspace = runtime.workspace
    what = f"{config}{' with ' + slim if slim else ''}"
    with runtime.fresh():
        try:
            opts = runtime.cli.ArgsParser()._parse_opt(list(options))
        except Exception as exc:
            raise DeepCheckError(f"-o options cannot be read as ppdet reads them: "
                                 f"{one_line(exc)}") from None
        try:
            cfg = workspace.load_config(config)
            workspace.merge_config(opts)
            slim_type = _read_slim_type(runtime, slim) if slim else None
            if slim_type in UNSUPPORTED_SLIM_TYPES:
                raise DeepCheckError(f"slim type {slim_type} builds teacher and student models; "
                                     "the deep check covers QAT, PTQ, pruning and plain training",
                                     path=slim)
            weights_key = weights_key_for(slim_type)
            if slim and slim_type != "PTQ":
                workspace.load_config(slim)
            if slim_type == "UnstructuredPruner":
                workspace.merge_config(opts)
            if "architecture" not in cfg:
                raise DeepCheckError("no `architecture` in the effective config", path=config)
            architecture = str(cfg["architecture"])
            model = workspace.create(architecture)
            if slim_type == "PTQ":
                workspace.load_config(slim)
            signature = signature_of_layer(model, _quantizable_types(cfg, slim_type))
            modules = tuple(name for name, _ in model.named_children())
            value = cfg.get(weights_key)
        except QatfixError:
            raise
        except Exception as exc:
            raise DeepCheckError(f"ppdet cannot build the model of {what}: "
                                 f"{one_line(exc)}") from None

    return BuiltModel(
        config=config, slim=slim, options=tuple(options), slim_type=slim_type,
        architecture=architecture, signature=signature, modules=modules,
        weights_key=weights_key, weights_value=str(value) if value else None,
        source=runtime.source,
    )


def signature_from_sections(sections: Mapping[str, Any], *,
                            runtime: PpdetRuntime | None = None) -> Signature:
    """Build a model from plain config sections (`architecture`, the sections it references,
    `num_classes`, ...) with ppdet, for the exact key -> shape signature of its weights."""
    if not isinstance(sections, Mapping) or not isinstance(sections.get("architecture"), str):
        raise DeepCheckError("model sections need an `architecture` naming a ppdet module")
    runtime = runtime or load_runtime()
    workspace = runtime.workspace
    with runtime.fresh():
        try:
            workspace.merge_config(copy.deepcopy(dict(sections)))
            model = workspace.create(sections["architecture"])
            return signature_of_layer(model)
        except Exception as exc:
            raise DeepCheckError(f"ppdet cannot build {sections['architecture']} from the "
                                 f"given sections: {one_line(exc)}") from None


def config_model_sections(config: str, *, runtime: PpdetRuntime | None = None) -> dict[str, Any]:
    """The model sections of a config file as ppdet reads it (for registry entries)."""
    _require_file(config, "config")
    runtime = runtime or load_runtime(config)
    with runtime.fresh():
        try:
            cfg = runtime.workspace.load_config(config)
            return model_sections(cfg)
        except KeyError:
            raise DeepCheckError("no `architecture` in the effective config", path=config) from None
        except Exception as exc:
            raise DeepCheckError(f"ppdet cannot read {config}: {one_line(exc)}") from None
