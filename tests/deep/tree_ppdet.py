"""The ppdet a PaddleDetection tree is run with, in a process of its own, as an oracle for the
tree's configs: the checkout's own `ppdet/` first on sys.path (as when `tools/train.py` runs
there; develop), or the installed paddledet (`--installed`; release-2.6 is paddledet 2.6.0).
Nothing of qatfix is imported, so the answers are that ppdet's alone. Two uses:

    python tree_ppdet.py ROOT [--installed] build CONFIG   # print the model's {key: shape}
    python tree_ppdet.py ROOT [--installed] serve          # answer match requests, one per line

A match request is `{"model": {key: shape}, "weights": {key: shape}}`; the answer holds what the
checkout's `ppdet.utils.checkpoint.match_state_dict` loads (model key -> weight key), the lines it
logs, and the ValueError it raises, computed on zero arrays of those shapes.
"""
from __future__ import annotations

import json
import logging
import os
import sys


def _answer_stream():  # type: ignore[no-untyped-def]
    """Keep the real stdout for answers; what paddle and ppdet print goes to stderr."""
    answers = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    return answers


def _import_ppdet(root: str, installed: bool) -> str:
    """Import ppdet (the checkout's unless `installed`); its package folder."""
    if not installed:
        sys.path.insert(0, root)
    import ppdet

    package = os.path.realpath(os.path.dirname(ppdet.__file__))
    in_checkout = package == os.path.realpath(os.path.join(root, "ppdet"))
    if in_checkout == installed:
        raise SystemExit(f"imported ppdet from {package}, expected the "
                         f"{'installed one' if installed else 'checkout ' + root}")
    return package


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def build(config: str) -> dict[str, list[int]]:
    from ppdet.core.workspace import create, load_config

    cfg = load_config(config)
    model = create(cfg.architecture)
    return {k: list(v.shape) for k, v in model.state_dict().items()}


def serve(answers) -> None:  # type: ignore[no-untyped-def]
    import numpy as np
    from ppdet.utils.checkpoint import match_state_dict

    log = _Lines()
    logging.getLogger("ppdet.utils.checkpoint").addHandler(log)
    answers.write(json.dumps({"ready": os.path.realpath(match_state_dict.__code__.co_filename)})
                  + "\n")
    for line in sys.stdin:
        request = json.loads(line)
        model = {k: np.zeros(s, dtype="float32") for k, s in request["model"].items()}
        weights = {k: np.zeros(s, dtype="float32") for k, s in request["weights"].items()}
        by_identity = {id(v): k for k, v in weights.items()}
        del log.lines[:]
        loaded, error = None, None
        try:
            mode = request.get("mode")
            result = match_state_dict(model, weights, *([mode] if mode else []))
            loaded = {m: by_identity[id(v)] for m, v in result.items()}
        except ValueError as exc:
            error = str(exc)
        answers.write(json.dumps({"loaded": loaded, "lines": log.lines, "error": error}) + "\n")


def main() -> None:
    answers = _answer_stream()
    args = sys.argv[1:]
    installed = "--installed" in args
    root, mode, *rest = [a for a in args if a != "--installed"]
    _import_ppdet(root, installed)
    os.chdir(root)
    if mode == "build":
        answers.write(json.dumps(build(rest[0])) + "\n")
    elif mode == "serve":
        serve(answers)
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
