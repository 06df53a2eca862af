"""What makes a YAML file a PaddleSlim auto-compression (ACT) config, by its top-level keys, and
the sections PaddleSlim reads from it: a kind of config file (`qatfix.config.kind`).

PaddleSlim's post-training quantization examples (`example/post_training_quantization/detection`:
`post_quant.py --config_path X.yaml`, `eval.py --config_path X.yaml`) read a flat config with
ppdet's `load_config`: the exported model (`model_dir`, `model_filename`, `params_filename`,
`input_list`) and the ppdet reader (`EvalReader`, `TrainDataset`, `EvalDataset`) at its top
level, in one file. It is checked as an ACT run whose reader is the file itself.
"""
from __future__ import annotations

from collections.abc import Collection

#: top-level sections of an ACT config: PaddleSlim 2.4+'s `SUPPORTED_CONFIG` and `TrainConfig`
#: (paddleslim/auto_compression/strategy_config.py), and the names of earlier releases
SECTIONS = frozenset({
    "QuantAware", "Distillation", "MultiTeacherDistillation", "HyperParameterOptimization",
    "ChannelPrune", "UnstructurePrune", "TransformerPrune", "ASPPrune", "QuantPost",
    "TrainConfig", "Quantization", "Prune",
})


#: PaddleSlim's post-training quantization scripts (example/post_training_quantization/
#: detection): both take a flat config as `--config_path`, as ppdet's tools/ scripts never do;
#: the ACT folders' eval.py takes its ACT config as `--config_path` (release-2.6, PaddleSlim)
#: or `--act_config_path` (develop)
PTQ_SCRIPT = "post_quant.py"
PTQ_EVAL_SCRIPT = "eval.py"
PTQ_SCRIPTS = (PTQ_SCRIPT, PTQ_EVAL_SCRIPT)
PTQ_CONFIG_FLAGS = ("--config_path", "--act_config_path")

#: what a flat post-training quantization config names at its top level: the exported model
#: (post_quant.py reads `config["model_dir"]` and `config["model_filename"]`) and its reader
PTQ_MODEL_KEYS = frozenset({"model_dir", "model_filename"})
PTQ_READER_KEYS = frozenset({"EvalReader", "TrainDataset"})


def is_flat_ptq_config(keys: Collection[str]) -> bool:
    """A flat PaddleSlim post-training quantization config (see module): the exported model and
    a reader at the top level, no `Global`, and no ppdet model or slim config. (post_quant.py
    reads no `reader_config`: it builds `create('EvalReader')` from this file alone.)"""
    return (PTQ_MODEL_KEYS.issubset(keys) and bool(PTQ_READER_KEYS.intersection(keys))
            and not {"Global", "architecture", "slim"}.intersection(keys))


def is_act_config(keys: Collection[str]) -> bool:
    """An ACT config has `Global` and at least one strategy section, and is no ppdet config; a
    flat post-training quantization config is one too (its script runs it the same way)."""
    if "Global" in keys and "architecture" not in keys and bool(SECTIONS.intersection(keys)):
        return True
    return is_flat_ptq_config(keys)
