"""`--deep`: build the real model, read the real weights signature, match as ppdet does."""
from __future__ import annotations

from typing import Any, Mapping, Sequence

from qatfix.deep.build import build_model
from qatfix.model.matching import match_state_dict
from qatfix.deep.load_report import DeepReport
from qatfix.deep.runtime import load_runtime
from qatfix.deep.weights import weights_signature
from qatfix.errors import DeepCheckError, QatfixError
from qatfix.findings import Location
from qatfix.config import resolve
from qatfix.config.resolve import LOADED_BEFORE_FINAL_OPTIONS


def run_deep_check(config: str, slim: str | None = None, options: Sequence[str] = (), *,
                   offline: bool = False, cache_dir: str | None = None,
                   weights_sections: Mapping[str, Any] | None = None,
                   cwd: str | None = None) -> DeepReport:
    """What ppdet's loader would do for `tools/train.py -c config --slim_config slim -o ...`.

    `weights_sections` (plain model sections, as a registry entry stores them) stand in for the
    weights when their URL is neither cached nor known to the registry. Relative local weights
    paths are taken from `cwd` (default: the current directory, as ppdet does). Raises
    DeepCheckError (paddle/ppdet problems) and NetworkError (downloads).
    """
    runtime = load_runtime(config)
    model = build_model(config, slim, options, runtime=runtime)
    location = weights_location(config, slim, options, model.weights_key, model.slim_type)
    style = runtime.shape_style()
    if model.weights_value is None:
        if model.slim_type is not None:
            raise DeepCheckError(f"the {model.slim_type} run has no {model.weights_key}; "
                                 "ppdet's build_slim_model fails without it",
                                 path=slim or config)
        return DeepReport(model, None, None, location, style,
                          runtime.logs_unmatched_model_keys())
    weights = weights_signature(model.weights_value, offline=offline, cache_dir=cache_dir,
                                base_dir=cwd, sections=weights_sections, runtime=runtime,
                                config=config)
    match = match_state_dict(model.signature.shapes, weights.signature.shapes)
    return DeepReport(model, weights, match, location, style, runtime.logs_unmatched_model_keys())


def weights_location(config: str, slim: str | None, options: Sequence[str], key: str,
                     slim_type: str | None) -> Location | None:
    """Where the weights key is set, from the resolver's provenance, in the merge state ppdet
    loads the weights from (before the second `-o` merge for QAT/PTQ/prune)."""

    try:
        resolved = resolve(config, slim, options,
                           options_after_slim=slim_type not in LOADED_BEFORE_FINAL_OPTIONS)
    except QatfixError:
        return None
    origin = resolved.origin((key,))
    if origin is None:
        return None
    return Location(origin.path, origin.line, origin.column)
