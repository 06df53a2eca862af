"""Findings about what was not checked, so no report says "all clear" about it.

QF000 a config that cannot be read as ppdet reads it, QF002 a file qatfix does not understand
(not a PaddleDetection model or slim config), QF003 `--deep` that could not run for a config.
They are findings like any other, so every output format carries and counts them.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qatfix.errors import QatfixError
from qatfix.findings import Finding, Location

UNREADABLE, NOT_UNDERSTOOD, DEEP_NOT_RUN = "QF000", "QF002", "QF003"

#: code -> (severity, summary, explanation with an "Example:", fix safety), for `qatfix explain`
ENTRIES: dict[str, tuple[str, str, str, str]] = {
    UNREADABLE: (
        "error", "The config cannot be read as ppdet would read it.",
        "Broken YAML, a missing or cyclic `_BASE_`, a document that is not a mapping, a refused "
        "`!!python/` tag, a model config given as `--slim_config`, or (in pull-request "
        "reviews) a `_BASE_` path that leaves the repository. ppdet would stop with a traceback "
        "or, worse, read something else; nothing else can be checked until it is fixed. A "
        "single config on the command line is an error message and exit code 2; in a folder "
        "scan or a review each such config is a QF000 finding and the run exits 2 after the "
        "report. Example: `_BASE_: [../datasets/coco.yml]` where that file does not exist.",
        "no automatic fix: the message names the file, line and column."),
    NOT_UNDERSTOOD: (
        "info", "A file that is not a PaddleDetection model or slim config was not checked.",
        "qatfix checks PaddleDetection configs: a model config (it or its `_BASE_` files set "
        "`architecture`), a slim config (`slim: QAT`, ...) or a PaddleSlim auto-compression "
        "(ACT) config (`Global` and a strategy section). A PaddleOCR, PaddleClas or "
        "PaddleSeg config, a base that no checked "
        "config includes, or any other YAML file is named in the report as not checked, and "
        "the summary then never says \"all clear\". The exit code comes from the files that "
        "were checked (infos never fail, unless `--fail-on info`); when no named file could "
        "be checked at all, qatfix exits 2. Example: `qatfix ppocr/configs/rec/rec_svtr.yml` "
        "(a PaddleOCR config: `Global`, `Architecture`).",
        "no fix: check the PaddleDetection configs that use the file instead."),
    DEEP_NOT_RUN: (
        "warning", "`--deep` could not run for a config; only the static findings are shown.",
        "`--deep` builds the model with paddle and ppdet and reads the weights it loads. When "
        "that cannot happen (paddle or ppdet missing or of another version, the weights or a "
        "pretrained backbone not downloadable, `--offline` with nothing cached) the static "
        "findings of the config are still reported, this finding says why the exact check did "
        "not run and what to do, and the run exits 2 after the report. Example: `--deep "
        "--offline` where the weights URL is not in the cache folder.",
        "no fix: install the [paddle] extra, allow the download, or put the file in the cache."),
}


def unreadable(exc: QatfixError, config: str, path: str | None = None) -> Finding:
    """QF000 for a config whose reading raised `exc` (at `path`, default `config`, when the
    error names no file)."""
    where = Location(exc.path or path or config, exc.line or 0, exc.column or 0)
    return Finding(UNREADABLE, "error", exc.message, where, config=config)


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
        return ("a ppdet reader config without `architecture`: it is checked through the model "
                "configs that include it, or as the reader of an ACT run (qatfix python "
                "run_det.py --config READER --act_config_path ACT)")
    if "model" in keys and keys & {"train_dataset", "val_dataset"}:
        return "a PaddleSeg config (model, train_dataset)"
    return "not a PaddleDetection model or slim config (neither it nor its _BASE_ files set " \
           "`architecture` or `slim`)"


def unchecked_file(path: str) -> Finding | None:
    """QF002 for a file that is neither a model nor a slim config, or None when reading it
    fails (it is then checked, so the error is reported as QF000)."""
    from qatfix.config import resolve

    try:
        data = resolve(path).data
    except QatfixError:
        return None
    return not_understood(path, foreign_kind(data))


def not_understood(path: str, kind: str) -> Finding:
    """QF002 for a file that was not checked, and why."""
    return Finding(NOT_UNDERSTOOD, "info", f"not checked: {kind}", Location(path), config=path)


def deep_not_run(exc: QatfixError, config: str, slim: str | None, offline: bool,
                 cache: str) -> Finding:
    """QF003 for a config whose `--deep` check raised `exc`, with what to do about it."""
    text = str(exc)
    lowered = text.lower()
    if "download" in lowered or "offline" in lowered or "network" in lowered or "http" in lowered:
        todo = (f"put the weights file in the cache folder {cache} (or allow the download)"
                if offline else
                f"allow the download, or put the file in the cache folder {cache} and add "
                "--offline")
    elif "import" in lowered or "paddle" in lowered:
        todo = ("install the [paddle] extra (paddlepaddle and the paddledet that matches the "
                "configs, or run from a PaddleDetection checkout of the same version)")
    else:
        todo = "check the message above; the static findings are still shown"
    return Finding(DEEP_NOT_RUN, "warning", f"--deep did not run: {text}; what to do: {todo}",
                   Location(slim or config), config=config, slim=slim or "")
