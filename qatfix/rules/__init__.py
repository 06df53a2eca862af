"""The rule catalogue: one module per rule (family), each exposing `RULES`.

Codes are part of qatfix's interface and never change meaning:
QF1xx weights, QF2xx input sizes, QF3xx quantization settings, QF4xx YAML pitfalls,
QF5xx expectations about QAT output, QF6xx exact load report (`--deep`),
QF9xx the steps after training:
  QF90x `tools/eval.py`, `export_model.py`, `infer.py`, `post_quant.py`: the checkpoint they load
        (`weights`) against the slim config given with it, and what export bakes in;
  QF95x an ACT run's reader config against the exported model (size, normalization, classes);
  QF96x the exported model an ACT config names (identity, file names, NMS);
  QF97x an ACT config's strategy sections and keys as PaddleSlim reads them.
Rules of QF95x-QF97x check only ACT runs, and only they do (`engine.ACT_CODES`).
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
    "qatfix.rules.step_weights",
    "qatfix.rules.step_slim",
    "qatfix.rules.export_input",
    "qatfix.rules.act_reader",
    "qatfix.rules.act_model",
    "qatfix.rules.act_strategy",
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
