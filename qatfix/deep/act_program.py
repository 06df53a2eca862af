"""`--deep` on an ACT run: the exported program as paddle itself loads it.

PaddleSlim's ACT opens `Global.model_dir` with `paddle.static.load_inference_model(model_dir,
exe, model_filename=..., params_filename=...)` (paddleslim.common.load_inference_model); this
does the same and returns the record the static path reads from model.json
(`qatfix.model.program.ProgramFacts`): feeds in program order with their shapes, the shape of each
fetched output in fetch order, the operations without their dialect.

paddle 3.3.1 loads a PIR `model.json` in its default mode; a legacy `model.pdmodel` protobuf only
with `FLAGS_enable_pir_api=0` (in PIR mode `deserialize_pir_program` fails on it with
UnicodeDecodeError), and that flag must be set before paddle is imported. Each load therefore
runs in a fresh interpreter (`python -m qatfix.deep.act_program MODEL PARAMS`) with the flag
the file needs, which also keeps paddle's static mode and scope out of this process. Parameter
"operations" (`builtin.parameter`, `p` entries in model.json) are not listed, as the JSON
reader does not list them.

Loading these files runs no code from them, which is why paddle may read them directly (unlike a
`.pdparams` checkpoint, a pickle, which only qatfix's restricted reader opens): in paddle 3.3.1
`paddle.static.load_inference_model` parses `model.json` in C++ (`deserialize_pir_program`) and a
`model.pdmodel` as a ProgramDesc protobuf (`Program.parse_from_string`), and fills the parameters
from `model.pdiparams` with the `load_combine` operator, which reads raw tensor bytes; none of them
calls pickle, and the program is only loaded here, never run. (`paddle.jit.load` would also read a
`.pdiparams.info` pickle; it is not used.)
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import TYPE_CHECKING, Any

from qatfix.model.program import ProgramFacts
from qatfix.model.program_files import program_files
from qatfix.errors import PADDLE_TODO, DeepCheckError

if TYPE_CHECKING:
    from qatfix.model.act_run import ActRun

TIMEOUT_SECONDS = 300.0
#: the worker's answer is the stdout line starting with this (paddle prints on stdout too)
_MARK = "qatfix-program "
#: the worker's exit code when paddle cannot be imported
_NO_PADDLE = 3


def is_pir_json(path: str) -> bool:
    """The program file is PIR JSON (paddle 3's model.json), not a ProgramDesc protobuf."""
    with open(path, "rb") as handle:
        return handle.read(64).lstrip()[:1] == b"{"


#: programs loaded in this process, by their files' paths, sizes and times (verifying a fix
#: re-checks the run twice; the files do not change in between)
_LOADED: dict[tuple[str, str, int, int, int, int], ProgramFacts] = {}


def program_of_run(run: "ActRun") -> ProgramFacts:
    """The exported program of `run`, loaded by paddle; DeepCheckError when there is nothing to
    load or paddle cannot load it."""
    files = program_files(run)
    model, params = os.stat(files.model), os.stat(files.params)
    key = (files.model, files.params, model.st_size, model.st_mtime_ns, params.st_size,
           params.st_mtime_ns)
    if key not in _LOADED:
        _LOADED[key] = read_program(files.model, files.params, shown=files.shown)
    return _LOADED[key]


def read_program(model: str, params: str, timeout: float = TIMEOUT_SECONDS,
                 shown: str | None = None) -> ProgramFacts:
    """The facts of the program `model` (with its parameters `params`), as paddle loads them;
    `shown` is `model` as the user spells it, for messages."""
    shown = shown or model
    try:
        pir = is_pir_json(model)
    except OSError as exc:
        raise DeepCheckError(f"cannot read {shown}: {exc.strerror}") from None
    package_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    path = os.environ.get("PYTHONPATH")
    env = {**os.environ, "FLAGS_enable_pir_api": "1" if pir else "0",
           "PYTHONPATH": package_root + (os.pathsep + path if path else "")}
    try:
        done = subprocess.run([sys.executable, "-m", "qatfix.deep.act_program", model, params],
                              capture_output=True, text=True, timeout=timeout, env=env,
                              check=False)
    except subprocess.TimeoutExpired:
        raise DeepCheckError(f"paddle took more than {timeout:.0f} s to load {shown}") from None
    answer = [line for line in done.stdout.splitlines() if line.startswith(_MARK)]
    if done.returncode != 0 or not answer:
        reason = (done.stderr.strip().splitlines() or ["no output"])[-1]
        if done.returncode == _NO_PADDLE:
            raise DeepCheckError(f"loading the exported program needs paddlepaddle ({reason})",
                                 todo=PADDLE_TODO)
        raise DeepCheckError(
            f"paddle.static.load_inference_model cannot load {shown} with "
            f"{os.path.basename(params)}: {reason}",
            todo=("the ACT run fails at the same load: export the model again "
                  "(tools/export_model.py) so that program and parameters come from one export"))
    data = json.loads(answer[-1][len(_MARK):])
    return ProgramFacts(feeds={name: list(shape) for name, shape in data["feeds"]},
                        fetches=tuple(tuple(shape) for shape in data["fetches"]),
                        ops=frozenset(data["ops"]), source=model,
                        loaded_by=f"paddle {data['paddle']}")


def _shape(value: Any) -> list[int]:
    return [int(d) for d in value] if value is not None else []


def _pir_ops(block: Any) -> Any:
    for op in block.ops:
        yield op
        for inner in op.blocks():
            yield from _pir_ops(inner)


def _facts(paddle: Any, program: Any, feed_names: list[str], fetch_targets: list[Any]
           ) -> dict[str, Any]:
    """Feeds, fetched shapes and operation names of a loaded program (PIR or legacy)."""
    if paddle.framework.in_pir_mode():
        ops = list(_pir_ops(program.global_block()))
        data_shapes = {op.attrs()["name"]: op.attrs().get("shape", op.result(0).shape)
                       for op in ops if op.name() in ("pd_op.data", "pd_op.feed")}
        names = {op.name().split(".", 1)[-1] for op in ops if op.name() != "builtin.parameter"}
        feeds = [(name, _shape(data_shapes.get(name))) for name in feed_names]
    else:
        block = program.global_block()
        names = {op.type for b in program.blocks for op in b.ops}
        feeds = [(name, _shape(block.var(name).shape)) for name in feed_names]
    return {"feeds": feeds, "fetches": [_shape(value.shape) for value in fetch_targets],
            "ops": sorted(names), "paddle": paddle.__version__}


def read_in_this_process(model: str, params: str) -> dict[str, Any]:
    """Load `model` and `params` with paddle.static.load_inference_model, as ACT does, and say
    what the program takes and gives (paddle's mode comes from FLAGS_enable_pir_api)."""
    from qatfix.deep.runtime import quiet

    with quiet():
        import paddle

        paddle.set_device("cpu")
        paddle.enable_static()
        try:
            executor = paddle.static.Executor(paddle.CPUPlace())
            program, feed_names, fetch_targets = paddle.static.load_inference_model(
                os.path.dirname(os.path.abspath(model)), executor,
                model_filename=os.path.basename(model), params_filename=os.path.basename(params))
            return _facts(paddle, program, list(feed_names), list(fetch_targets))
        finally:
            paddle.disable_static()


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m qatfix.deep.act_program MODEL_FILE PARAMS_FILE", file=sys.stderr)
        return 2
    from qatfix.deep.runtime import one_line

    try:
        facts = read_in_this_process(argv[0], argv[1])
    except ImportError as exc:
        print(f"cannot import {exc.name or 'paddle'}", file=sys.stderr)
        return _NO_PADDLE
    except Exception as exc:  # paddle raises anything from ValueError to its own C++ errors
        print(one_line(exc), file=sys.stderr)
        return 1
    print(_MARK + json.dumps(facts))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
