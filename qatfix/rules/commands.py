"""The ppdet command line of a step, as a fix text shows it (runnable: it starts with `python`)."""
from __future__ import annotations

import os

#: the script of each step; PTQ is trained by nothing: tools/post_quant.py calibrates
STEP_SCRIPTS = {"train": "tools/train.py", "eval": "tools/eval.py",
                "export": "tools/export_model.py", "infer": "tools/infer.py",
                "post_quant": "tools/post_quant.py"}


def shown_path(path: str) -> str:
    """`path` relative to the current folder unless that climbs out of two levels."""
    rel = os.path.relpath(path)
    return path if rel.startswith(os.pardir + os.sep + os.pardir) else rel


def step_script(step: str, mode: str = "train") -> str:
    """The script a step runs: a PTQ slim config in a training step is run by post_quant.py."""
    if step == "train" and mode == "PTQ":
        return STEP_SCRIPTS["post_quant"]
    return STEP_SCRIPTS.get(step, STEP_SCRIPTS["train"])


def command_line(step: str, mode: str, config: str, slim: str | None = None,
                 options: str = "") -> str:
    """`python tools/train.py -c CONFIG --slim_config SLIM [-o ...]`."""
    line = f"python {step_script(step, mode)} -c {shown_path(config)}"
    if slim:
        line += f" --slim_config {shown_path(slim)}"
    return line + (f" -o {options}" if options else "")
