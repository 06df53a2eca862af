"""Which pasted commands run an exported model, told from the command line alone (plain strings:
the CLI asks this of every pasted command before anything heavy is imported).

`qatfix.model.deployment` reads the command and the model of those that do.
"""
from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

#: the commands read here, by script (file) name: what the script does with the model, and the
#: flag that names the model's folder
DEPLOY_SCRIPTS: Mapping[str, tuple[str, str]] = {
    "infer.py": ("infer", "model_dir"),                    # deploy/python/infer.py
    "paddle_inference_eval.py": ("evaluate", "model_path"),  # release-2.6 auto_compression
    "test_det.py": ("evaluate", "model_path"),             # develop auto_compression
    "paddle2onnx": ("convert", "model_dir"),               # the Paddle2ONNX console script
}
#: the console script of Paddle2ONNX
PADDLE2ONNX = "paddle2onnx"


def split_pasted(pasted: Sequence[str]) -> tuple[tuple[str, ...], str, tuple[str, ...]]:
    """A pasted command (from its interpreter on) as (launcher, script, the script's tokens):
    the script is the first `.py` token, or the `paddle2onnx` console script."""
    for index, token in enumerate(pasted):
        if (token.endswith(".py") and not token.startswith("-")) or token == PADDLE2ONNX:
            return tuple(pasted[:index]), token, tuple(pasted[index + 1:])
    return (), "", tuple(pasted)


def is_deploy_command(script: str, tokens: Sequence[str]) -> bool:
    """Does `script` with `tokens` run an exported model? `infer.py` is deploy/python's (which
    takes `--model_dir`) rather than tools/infer.py (which takes `-c`)."""
    name = os.path.basename(script)
    if name not in DEPLOY_SCRIPTS:
        return False
    if name != "infer.py":
        return True
    flags = {t.split("=", 1)[0] for t in tokens}
    parts = os.path.normpath(script).split(os.sep)
    return "--model_dir" in flags or parts[-3:-1] == ["deploy", "python"] or (
        "-c" not in flags and "--config" not in flags)
