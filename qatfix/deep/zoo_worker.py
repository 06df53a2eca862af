"""Build every config of one PaddleDetection tree with ppdet, one forked child per config.

Importing paddle and ppdet costs seconds, and building a model changes ppdet's process-wide state
(see `count_params`), so this worker imports them once and forks a child for each config: the
child starts from the pristine, just-imported state, builds with ppdet's own `load_config` and
`create(cfg.architecture)` on CPU, writes its record to a file and exits. A child that hangs is
killed after the timeout; one that dies is recorded with its signal.

Records are appended to a JSON-lines file as they finish, so a long run can be read (and resumed)
while it goes on:
    python -m qatfix.deep.zoo_worker --root TREE [--checkout] --results FILE.jsonl [CONFIG ...]

`--fresh CONFIG` builds one config in this process and prints its record (the reference the
forked builds are tested against).
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

TIMEOUT_SECONDS = 300.0
_POLL_SECONDS = 0.02


def tree_configs(root: Path) -> list[str]:
    """Every `.yml` under `root/configs`, relative to `root`, sorted."""
    return sorted(p.relative_to(root).as_posix() for p in (root / "configs").rglob("*.yml")
                  if p.is_file())


def import_ppdet(root: Path, checkout: bool) -> Any:
    """paddle (on CPU) and ppdet's workspace: the tree's own ppdet when `checkout`, else the
    installed paddledet. Output of the imports is silenced."""
    from qatfix.deep.runtime import quiet

    if checkout:
        sys.path.insert(0, str(root))
    with quiet():
        import paddle
        import ppdet
        from ppdet.core import workspace

        paddle.set_device("cpu")
    if checkout and Path(ppdet.__file__).resolve().parent != (root / "ppdet").resolve():
        raise RuntimeError(f"ppdet was imported from {ppdet.__file__}, not from {root}")
    return workspace


def _reason(exc: BaseException, root: Path) -> str:
    from qatfix.deep.runtime import one_line

    text = one_line(exc)
    return text.replace(str(root.resolve()) + os.sep, "").replace(str(root) + os.sep, "")


def build_record(workspace: Any, root: Path, config: str) -> dict[str, Any]:
    """Build `config` (relative to `root`) with ppdet and describe the result as plain data.

    `status` is "ok" (with `keys`, `quantizable` and `parameters`), "error" (with a one-line
    `error`) or "no-architecture" (the resolved config names no model: a base or slim file).
    """
    from qatfix.deep.checked_load import checked_paddle_load, refuse_python_tags
    from qatfix.deep.signature import parameter_elements, signature_of_layer

    path = root / config
    try:
        refuse_python_tags(path)
        cfg = workspace.load_config(str(path))
    except Exception as exc:  # ppdet raises anything from KeyError to AssertionError
        return {"config": config, "status": "error", "error": f"load_config: {_reason(exc, root)}"}
    if "architecture" not in cfg:
        return {"config": config, "status": "no-architecture"}
    try:
        with checked_paddle_load(sys.modules["paddle"]):
            model = workspace.create(cfg.architecture)
        signature = signature_of_layer(model)
        parameters = parameter_elements(model)
    except Exception as exc:
        return {"config": config, "status": "error",
                "error": f"create({cfg.architecture}): {_reason(exc, root)}"}
    keys = [[key, list(shape), "b" if key in signature.buffers else "p"]
            for key, shape in signature.shapes.items()]
    return {"config": config, "status": "ok", "architecture": str(cfg.architecture),
            "keys": keys, "quantizable": list(signature.quantizable), "parameters": parameters}


def _child(workspace: Any, root: Path, config: str, out: str,
           make: Callable[[str], dict[str, Any]] | None = None) -> None:
    """In the forked child: build (with `make`, default `build_record`), write the record, exit
    without running any cleanup."""
    code = 0
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        from qatfix.deep.runtime import quiet

        with quiet():
            result = make(config) if make else build_record(workspace, root, config)
        with open(out, "w") as handle:
            json.dump(result, handle)
    except BaseException:  # nothing may escape a forked child
        code = 1
    finally:
        os._exit(code)


def build_forked(workspace: Any, root: Path, config: str, timeout: float = TIMEOUT_SECONDS,
                 make: Callable[[str], dict[str, Any]] | None = None) -> dict[str, Any]:
    """`build_record` (or `make(config)`) in a forked child of this process, killed after
    `timeout` seconds."""
    handle, out = tempfile.mkstemp(prefix="qatfix-build-", suffix=".json")
    os.close(handle)
    started = time.monotonic()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            _child(workspace, root, config, out, make)
        status = None
        while status is None:
            done, raw = os.waitpid(pid, os.WNOHANG)
            if done:
                status = raw
            elif time.monotonic() - started > timeout:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return {"config": config, "status": "error",
                        "error": f"timeout: no model after {timeout:.0f} s"}
            else:
                time.sleep(_POLL_SECONDS)
        if os.WIFSIGNALED(status):
            name = signal.Signals(os.WTERMSIG(status)).name
            return {"config": config, "status": "error", "error": f"crash: the build died of {name}"}
        try:
            with open(out) as result:
                record = json.load(result)
        except (OSError, ValueError):
            return {"config": config, "status": "error", "error": "crash: the build wrote no result"}
        record["seconds"] = round(time.monotonic() - started, 2)
        return record
    finally:
        os.unlink(out)


def read_results(path: Path) -> dict[str, dict[str, Any]]:
    """config -> record of a results file (a torn last line is ignored)."""
    found: dict[str, dict[str, Any]] = {}
    if not path.is_file():
        return found
    for line in path.read_text().splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and isinstance(record.get("config"), str):
            found[record["config"]] = record
    return found


def build_all(workspace: Any, root: Path, configs: Iterable[str], results: Path,
              timeout: float = TIMEOUT_SECONDS,
              progress: Callable[[str], None] | None = None,
              make: Callable[[str], dict[str, Any]] | None = None) -> Iterator[dict[str, Any]]:
    """Build every config not yet in `results` (with `make`, default `build_record`), appending
    each record as it is made."""
    configs = list(configs)
    done = read_results(results)
    with results.open("a") as out:
        for number, config in enumerate(configs, 1):
            record = done.get(config)
            if record is None:
                record = build_forked(workspace, root, config, timeout, make)
                out.write(json.dumps(record) + "\n")
                out.flush()
            if progress:
                progress(f"{number}/{len(configs)} {record['status']} {config}")
            yield record


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m qatfix.deep.zoo_worker")
    parser.add_argument("--root", type=Path, required=True, help="PaddleDetection tree")
    parser.add_argument("--checkout", action="store_true",
                        help="use the tree's own ppdet (default: the installed paddledet)")
    parser.add_argument("--results", type=Path, help="JSON-lines file to append records to")
    parser.add_argument("--timeout", type=float, default=TIMEOUT_SECONDS)
    parser.add_argument("--fresh", metavar="CONFIG",
                        help="build this one config in this process and print its record")
    parser.add_argument("configs", nargs="*", help="configs relative to --root (default: all)")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    workspace = import_ppdet(root, args.checkout)
    if args.fresh:
        from qatfix.deep.runtime import quiet

        with quiet():
            record = build_record(workspace, root, args.fresh)
        print(json.dumps(record))
        return 0
    if args.results is None:
        parser.error("--results is required unless --fresh is given")

    def progress(text: str) -> None:
        print(text, flush=True)

    for _ in build_all(workspace, root, args.configs or tree_configs(root), args.results,
                       args.timeout, progress):
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
