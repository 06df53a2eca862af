"""Findings about what was not checked, so no report says "all clear" about it.

QF000 a config that cannot be read as ppdet reads it, QF002 a file qatfix does not understand
(not a PaddleDetection model or slim config), QF003 `--deep` that could not run for a config.
They are findings like any other, so every output format carries and counts them; their codes,
severities and docs are rules in `qatfix.rules.inputs.not_checked`.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qatfix.errors import PADDLE_TODO, DeepCheckError, QatfixError
from qatfix.findings import Finding, Location
from qatfix.rules.inputs.not_checked import DEEP_NOT_RUN as _DEEP_NOT_RUN
from qatfix.rules.inputs.not_checked import NOT_UNDERSTOOD as _NOT_UNDERSTOOD
from qatfix.rules.inputs.not_checked import UNREADABLE as _UNREADABLE
from qatfix.config import resolve

UNREADABLE, NOT_UNDERSTOOD, DEEP_NOT_RUN = (_UNREADABLE.code, _NOT_UNDERSTOOD.code,
                                           _DEEP_NOT_RUN.code)


def unreadable(exc: QatfixError, config: str, path: str | None = None) -> Finding:
    """QF000 for a config whose reading raised `exc` (at `path`, default `config`, when the
    error names no file)."""
    where = Location(exc.path or path or config, exc.line or 0, exc.column or 0)
    return Finding(UNREADABLE, _UNREADABLE.severity, exc.message, where, config=config)


#: what QF002 says of a reader config named alone
READER_ALONE = "a ppdet reader config without `architecture`"
#: how such a reader config is checked
READER_ALONE_HOW = ("it is checked through the model configs that include it, or as the reader "
                    "of an ACT run named with it (qatfix ACT.yaml READER.yml, or qatfix python "
                    "run_det.py --config READER --act_config_path ACT)")


def foreign_kind(data: Mapping[str, Any]) -> str:
    """What a mapping that is neither a PaddleDetection model nor slim config looks like."""
    keys = set(data)
    if "Global" in keys and "Architecture" in keys:
        return "a PaddleOCR config (Global, Architecture)"
    if "Global" in keys and "Arch" in keys:
        return "a PaddleClas config (Global, Arch)"
    if keys & {"QuantAware", "Distillation", "TrainConfig", "QuantPost", "ChannelPrune",
               "UnstructurePrune", "ASPPrune", "TransformerPrune"}:
        return "a PaddleSlim auto-compression (ACT) config"
    if "EvalReader" in keys or "TrainDataset" in keys or "EvalDataset" in keys:
        return READER_ALONE
    if "model" in keys and keys & {"train_dataset", "val_dataset"}:
        return "a PaddleSeg config (model, train_dataset)"
    return "not a PaddleDetection model or slim config (neither it nor its _BASE_ files set " \
           "`architecture` or `slim`)"


def unchecked_file(path: str) -> Finding | None:
    """QF002 for a file that is neither a model nor a slim config, or None when reading it
    fails (it is then checked, so the error is reported as QF000)."""
    try:
        data = resolve(path).data
    except QatfixError:
        return None
    return not_understood(path, foreign_kind(data))


def not_understood(path: str, kind: str) -> Finding:
    """QF002 for a file that was not checked, and why (with how it is checked, for a reader)."""
    how = f": {READER_ALONE_HOW}" if kind == READER_ALONE else ""
    return Finding(NOT_UNDERSTOOD, _NOT_UNDERSTOOD.severity, f"not checked: {kind}{how}",
                   Location(path), config=path, headline=f"not checked: {kind}",
                   fact=f"not checked: {kind}" if kind == READER_ALONE else "")


def deep_not_run(exc: QatfixError, config: str, slim: str | None, offline: bool,
                 cache: str) -> Finding:
    """QF003 for a config whose `--deep` check raised `exc`, with what to do about it."""
    text = str(exc)
    lowered = text.lower()
    if isinstance(exc, DeepCheckError) and exc.todo:
        todo = exc.todo
    elif "download" in lowered or "offline" in lowered or "network" in lowered or "http" in lowered:
        todo = (f"put the weights file in the cache folder {cache} (or allow the download)"
                if offline else
                f"allow the download, or put the file in the cache folder {cache} and add "
                "--offline")
    elif "import" in lowered or "paddle" in lowered:
        todo = PADDLE_TODO
    else:
        todo = "check the message above; the static findings are still shown"
    return Finding(DEEP_NOT_RUN, _DEEP_NOT_RUN.severity, f"--deep did not run: {text}; what to do: {todo}",
                   Location(slim or config), config=config, slim=slim or "")
