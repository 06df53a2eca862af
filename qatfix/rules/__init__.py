"""The rule catalogue: one module per rule (family), each exposing `RULES`.

Codes are part of qatfix's interface and never change meaning:
QF0xx unchecked files and inputs; QF1xx weights; QF2xx input sizes and normalization (QF204:
readers that normalize otherwise than the weights were trained); QF3xx quantization and
fine-tuning settings (QF301 quant_config, QF302 QAT learning rate, QF303 DropBlock in QAT, QF304
PTQ keys ppdet reads elsewhere, QF305 a schedule documented for more GPUs, QF306 quant_config
keys the installed PaddleSlim does not know yet); QF4xx YAML pitfalls;
QF5xx expectations about QAT output; QF6xx exact load report (`--deep`); QF7xx pruning (QF701 an
official pruning list on another network, QF702 pruner settings); QF8xx distillation (QF801 the
teacher chain's recipe, QF802 its data and classes); QF9xx after training (eval, export, infer,
PTQ, ACT).
"""
from __future__ import annotations

import importlib

from qatfix.rules.base import Rule

RULE_MODULES = (
    "qatfix.rules.weights_fit",
    "qatfix.rules.weights_kind",
    "qatfix.rules.weights_missing",
    "qatfix.rules.input_size",
    "qatfix.rules.reader_sizes",
    "qatfix.rules.dead_override",
    "qatfix.rules.quant_config",
    "qatfix.rules.duplicate_keys",
    "qatfix.rules.string_numbers",
    "qatfix.rules.weights_key",
    "qatfix.rules.option_order",
    "qatfix.rules.qat_size",
    "qatfix.rules.slim_alone",
    "qatfix.rules.normalization",
    "qatfix.rules.pruning",
    "qatfix.rules.distillation",
    "qatfix.rules.qat_recipe",
    "qatfix.rules.dead_keys",
)

_CATALOGUE: dict[str, Rule] | None = None


def all_rules() -> dict[str, Rule]:
    """Every static rule by code, in catalogue order."""
    global _CATALOGUE
    if _CATALOGUE is None:
        rules: dict[str, Rule] = {}
        for name in RULE_MODULES:
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name != name:
                    raise
                continue
            for rule in module.RULES:
                rules[rule.code] = rule
        _CATALOGUE = rules
    return _CATALOGUE
