"""The rule catalogue: one module per rule (family), each exposing `RULES`.

Every code qatfix reports is a `Rule` here, also those the engine does not make itself (QF000,
QF002, QF003 from the run, QF6xx from `--deep`): `explain`, SARIF, reviews and `--select` read
this one table. Codes are part of qatfix's interface and never change meaning:
QF0xx unchecked/inputs, QF1xx weights, QF2xx sizes/normalization, QF3xx quantization settings,
QF4xx YAML pitfalls, QF5xx QAT output, QF6xx `--deep` load report, QF7xx pruning,
QF8xx distillation, QF9xx the steps after training:
  QF90x `tools/eval.py`, `export_model.py`, `infer.py`, `post_quant.py`: the checkpoint they load
        (`weights`) against the slim config given with it, and what export bakes in;
  QF95x an ACT run's reader config against the exported model (size, normalization, classes);
  QF96x the exported model an ACT config names (identity, file names, NMS);
  QF97x an ACT config's strategy sections and keys as PaddleSlim reads them;
  QF98x pasted commands that run an exported model (deploy/python/infer.py, the
        auto_compression eval scripts, paddle2onnx), read with the script's own parser;
  QF990 the installed packages (and the model's paddle) in a combination known to fail.
Each rule names the steps it checks (`Rule.applies_to`): QF95x-QF97x only ACT runs; QF98x pasted
inference and conversion commands (QF980, a script's own flags, every pasted ppdet command too);
QF990 every run.
"""
from __future__ import annotations

import importlib

from qatfix.rules.base import ENGINE_NEEDS, Rule

RULE_MODULES = (
    "qatfix.rules.weights.fit",
    "qatfix.rules.weights.components",
    "qatfix.rules.weights.kind",
    "qatfix.rules.weights.missing",
    "qatfix.rules.reader.input_size",
    "qatfix.rules.reader.sizes",
    "qatfix.rules.reader.dead_override",
    "qatfix.rules.quant.config",
    "qatfix.rules.pitfalls.duplicate_keys",
    "qatfix.rules.pitfalls.string_numbers",
    "qatfix.rules.weights.key",
    "qatfix.rules.pitfalls.option_order",
    "qatfix.rules.quant.size",
    "qatfix.rules.inputs.slim_alone",
    "qatfix.rules.inputs.not_checked",
    "qatfix.rules.weights.deep_load",
    "qatfix.rules.prune.deep_pruning",
    "qatfix.rules.reader.normalization",
    "qatfix.rules.prune.pruning",
    "qatfix.rules.distill.distillation",
    "qatfix.rules.quant.recipe",
    "qatfix.rules.quant.dead_keys",
    "qatfix.rules.deploy.step_weights",
    "qatfix.rules.deploy.step_slim",
    "qatfix.rules.deploy.export_input",
    "qatfix.rules.act.reader",
    "qatfix.rules.act.model",
    "qatfix.rules.act.strategy",
    "qatfix.rules.act.evaluation",
    "qatfix.rules.quant.onnx_format",
    "qatfix.rules.weights.local",
    "qatfix.rules.deploy.export_labels",
    "qatfix.rules.deploy.inference",
    "qatfix.rules.deploy.versions",
)

_CATALOGUE: dict[str, Rule] | None = None


def all_rules() -> dict[str, Rule]:
    """Every rule by code, in catalogue order. A module that cannot be imported or a code
    defined twice is an error, never a rule silently left out."""
    global _CATALOGUE
    if _CATALOGUE is None:
        rules: dict[str, Rule] = {}
        defined_in: dict[str, str] = {}
        for name in RULE_MODULES:
            for rule in importlib.import_module(name).RULES:
                if rule.code in rules:
                    raise RuntimeError(f"{rule.code} is defined twice ({defined_in[rule.code]}, "
                                       f"{name})")
                rules[rule.code], defined_in[rule.code] = rule, name
        _CATALOGUE = rules
    return _CATALOGUE


def engine_rules() -> list[Rule]:
    """The rules the engine calls on a config, in catalogue order."""
    return [rule for rule in all_rules().values() if rule.needs in ENGINE_NEEDS]
