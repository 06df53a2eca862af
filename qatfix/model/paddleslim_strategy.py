"""The strategy sections and keys PaddleSlim accepts in an ACT config, and the renamed ones.

PaddleSlim builds `eval(section)(**value)` for every top-level key in `SUPPORTED_CONFIG` and
`TrainConfig(**value)` (paddleslim/auto_compression/config_helpers.py
`extract_strategy_config` / `extract_train_config`): a key its class does not take is a
TypeError before anything runs, and a top-level key it does not know is dropped without a word
(ACT then chooses a strategy itself). The accepted keys are read from the installed
PaddleSlim's own `strategy_config.py` (parsed, not imported: importing PaddleSlim imports paddle);
without PaddleSlim, from the table of 2.6.0 below.
"""
from __future__ import annotations

from dataclasses import dataclass
import ast
import functools
import os
from typing import Optional

from qatfix.model import installed_paddleslim

#: PaddleSlim 2.6.0's strategy classes and the keys their constructors take
KEYS_2_6: dict[str, frozenset[str]] = {
    "QuantAware": frozenset({
        "quantize_op_types", "weight_bits", "activation_bits", "not_quant_pattern", "use_pact",
        "activation_quantize_type", "weight_quantize_type", "dtype", "window_size",
        "moving_rate", "for_tensorrt", "onnx_format", "is_full_quantize"}),
    "Distillation": frozenset({"loss", "node", "alpha", "teacher_model_dir",
                               "teacher_model_filename", "teacher_params_filename"}),
    "MultiTeacherDistillation": frozenset({"loss", "node", "alpha", "teacher_model_dir",
                                           "teacher_model_filename", "teacher_params_filename"}),
    "HyperParameterOptimization": frozenset({"ptq_algo", "bias_correct", "weight_quantize_type",
                                             "hist_percent", "batch_num", "max_quant_count"}),
    "QuantPost": frozenset({
        "batch_size", "batch_nums", "epochs", "lr", "algo", "hist_percent", "regions",
        "region_weights_names", "recon_level", "is_full_quantize", "bias_correction",
        "weight_quantize_type", "activation_quantize_type", "simulate_activation_quant",
        "skip_tensor_list", "onnx_format", "quantize_op_types", "weight_bits",
        "activation_bits"}),
    "ChannelPrune": frozenset({"pruned_ratio", "prune_params_name", "criterion"}),
    "ASPPrune": frozenset({"prune_params_name"}),
    "TransformerPrune": frozenset({"pruned_ratio"}),
    "UnstructurePrune": frozenset({"prune_strategy", "prune_mode", "threshold", "ratio",
                                   "gmp_config", "prune_params_type", "local_sparsity"}),
    "TrainConfig": frozenset({
        "epochs", "train_iter", "learning_rate", "optimizer_builder", "eval_iter",
        "logging_iter", "origin_metric", "target_metric", "amp_config", "recompute_config",
        "sharding_config", "sparse_model"}),
}

#: sections of PaddleSlim before 2.4 and what they are called now
RENAMED_SECTIONS = {"Quantization": "QuantAware"}

#: keys renamed in 2.4: (section, old) -> new, None when the key has no successor; `safe` says
#: whether the value keeps its meaning under the new name
RENAMED_KEYS: dict[tuple[str, str], tuple[Optional[str], bool]] = {
    ("Distillation", "distill_loss"): ("loss", True),
    ("Distillation", "distill_lambda"): ("alpha", True),
    ("Distillation", "distill_node_pair"): ("node", False),
    ("Distillation", "merge_feed"): (None, False),
    ("MultiTeacherDistillation", "distill_loss"): ("loss", True),
    ("MultiTeacherDistillation", "distill_lambda"): ("alpha", True),
    ("MultiTeacherDistillation", "distill_node_pair"): ("node", False),
    ("MultiTeacherDistillation", "merge_feed"): (None, False),
}


@dataclass(frozen=True)
class StrategyKeys:
    """The sections PaddleSlim builds and the keys each takes, and where that was read."""

    keys: dict[str, frozenset[str]]
    source: str


def _parse(path: str) -> Optional[dict[str, frozenset[str]]]:
    """Constructor keywords of the classes in `SUPPORTED_CONFIG` and TrainConfig."""
    try:
        with open(path, encoding="utf-8") as handle:
            tree = ast.parse(handle.read())
    except (OSError, SyntaxError, ValueError):
        return None
    supported: list[str] = []
    classes: dict[str, frozenset[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "SUPPORTED_CONFIG" for t in node.targets):
            if isinstance(node.value, (ast.List, ast.Tuple)):
                supported = [e.value for e in node.value.elts
                             if isinstance(e, ast.Constant) and isinstance(e.value, str)]
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name == "__init__":
                    args = [a.arg for a in (*item.args.args[1:], *item.args.kwonlyargs)]
                    classes[node.name] = frozenset(args)
    wanted = [*supported, "TrainConfig"]
    if not supported or any(name not in classes for name in wanted):
        return None
    return {name: classes[name] for name in wanted}


@functools.lru_cache(maxsize=1)
def strategy_keys() -> StrategyKeys:
    """From the installed PaddleSlim when there is one, else PaddleSlim 2.6.0's table."""
    root = installed_paddleslim.folder()
    if root is not None:
        path = os.path.join(root, "auto_compression", "strategy_config.py")
        parsed = _parse(path)
        if parsed is not None:
            return StrategyKeys(parsed, f"{installed_paddleslim.shown()} ({path})")
    return StrategyKeys(dict(KEYS_2_6), "PaddleSlim 2.6.0 (qatfix's table; PaddleSlim is not "
                                        "installed)")
