"""Count a zoo model's parameters by building it with ppdet, for the registry's size estimates.

paddle and ppdet are imported here only. Building one model can change ppdet's process-wide state
(its global config, and mutable defaults of registered classes: a second PicoDet built in the same
process has 513 instead of 463 tensors), so each count runs in a fresh interpreter
(`python -m qatfix.deep.count_params CONFIG`).
"""
from __future__ import annotations

import contextlib
import io
import logging
import subprocess
import sys
from pathlib import Path
from typing import Optional

from qatfix.deep.checked_load import checked_paddle_load, refuse_python_tags
from qatfix.errors import DeepCheckError, QatfixError

TIMEOUT_SECONDS = 600


def count_in_this_process(config: str | Path) -> int:
    """Scalar values in `model.parameters()` (each shared tensor once, batch-norm statistics
    included) of the model `config` builds with ppdet's own loader and `create`.

    Only the first call in a process is reliable (see module docstring).
    """
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            import paddle
            from ppdet.core import workspace
    except ImportError as exc:
        raise DeepCheckError(f"counting parameters needs the [paddle] extra ({exc.name} is missing)") from None
    logging.getLogger("ppdet").setLevel(logging.ERROR)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            paddle.set_device("cpu")
            refuse_python_tags(config)
            cfg = workspace.load_config(str(config))
            with checked_paddle_load(paddle):
                model = workspace.create(cfg.architecture)
    except QatfixError:
        raise
    except Exception as exc:  # ppdet raises anything from KeyError to AssertionError
        raise DeepCheckError(f"ppdet cannot build {config}: {type(exc).__name__}: {exc}") from None
    return int(sum(int(p.numel()) for p in model.parameters()))


def count_parameters(config: str | Path, timeout: float = TIMEOUT_SECONDS) -> int:
    """Scalar parameters of the model `config` builds, counted in a fresh interpreter."""
    try:
        done = subprocess.run([sys.executable, "-m", "qatfix.deep.count_params", str(config)],
                              capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise DeepCheckError(f"building {config} took more than {timeout:.0f} s") from None
    output = done.stdout.strip().splitlines()
    if done.returncode != 0 or not output or not output[-1].isdigit():
        reason = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise DeepCheckError(f"cannot count parameters of {config}: {reason}")
    return int(output[-1])


def try_count_parameters(root: Path, config: str) -> Optional[int]:
    """`count_parameters` for `config` (relative to the PaddleDetection `root`), None on failure."""
    try:
        return count_parameters(root / config)
    except DeepCheckError:
        return None


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m qatfix.deep.count_params CONFIG", file=sys.stderr)
        return 2
    try:
        print(count_in_this_process(argv[0]))
    except QatfixError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
