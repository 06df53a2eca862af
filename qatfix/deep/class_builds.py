"""Build a config with ppdet at other class counts: which tensors follow `num_classes`, and the
generated name (`param.name`) of every tensor.

A user's config sets `num_classes: N` at the top level; ppdet hands it to every component that
shares `num_classes` (`__shared__`), unless the component's own section sets it. This module does
exactly that (`cfg['num_classes'] = N` after `load_config`) and builds with ppdet's `create` at
each count, in a forked child of the just-imported worker and inside a fresh
`paddle.utils.unique_name.guard()` (the names tools/train.py's model gets: it is built first).

The values of the parameters are never needed, only their keys, shapes and names, so a build first
runs with paddle's random initializers filling zeros instead (several times faster); a model whose
constructor fails that way is built again with them on.

    python -m qatfix.deep.class_builds --root TREE [--checkout] --results FILE.jsonl \\
        --counts 1,4,+5 CONFIG ...

A count `+K` means the config's own count plus K. Records are JSON lines (one per config), read
back with `zoo_worker.read_results`; configs already in the file are skipped.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import sys
from pathlib import Path
from typing import Any, Iterator, Sequence

from qatfix.deep import zoo_worker

#: class counts the registry's facts are derived from (with the stored signature at the config's
#: own count): a count `+K` is the config's own count plus K. The last two give each affine rule;
#: the ones before are kept as they are built where the rule does not give them (a one-class
#: model has other tensors in some networks: MCFairMOT's re-identification classifier)
FACT_COUNTS = ("1", "2", "+7")
#: class counts the truth test builds (4 and +5 are no fact count; 1 is a kept point)
TRUTH_COUNTS = ("1", "4", "+5")


#: the initializers that draw random numbers (the cost of a build); the others (Constant, Assign,
#: Bilinear, Dirac) are cheap and some shape the parameter from their value (Assign of a 0-d
#: tensor makes a [1] parameter 0-d), so they run as they are
_RANDOM = ("Normal", "Uniform", "Xavier", "Kaiming", "MSRA", "Orthogonal")


@contextlib.contextmanager
def _initializers_off(paddle: Any) -> Iterator[None]:
    """Inside, paddle's random parameter initializers fill zeros instead (a memset instead of
    random numbers): shapes and names are unchanged, and code that computes on a fresh parameter
    still finds an allocated tensor."""
    from paddle.nn import initializer

    base = initializer.Initializer
    zeros = initializer.Constant(0.0)
    fill = type(zeros).forward
    classes = [c for c in vars(initializer).values() if isinstance(c, type)
               and issubclass(c, base) and any(word in c.__name__ for word in _RANDOM)]
    saved = []
    for cls in {klass for c in classes for klass in c.__mro__
                if issubclass(klass, base) and klass is not base
                and any(word in klass.__name__ for word in _RANDOM)}:
        if "forward" in vars(cls):
            saved.append((cls, vars(cls)["forward"]))
            setattr(cls, "forward", lambda self, var, block=None: fill(zeros, var, block))
    try:
        yield
    finally:
        for cls, value in saved:
            setattr(cls, "forward", value)


#: what `+K` counts from when the config sets no `num_classes` of its own
_NO_OWN_COUNT = 2


def parse_count(text: str, own: int | None) -> int:
    """`"4"` -> 4, `"+5"` -> own + 5 (2 + 5 when the config sets no count of its own)."""
    if text.startswith("+"):
        return (_NO_OWN_COUNT if own is None else own) + int(text[1:])
    return int(text)


def _build(workspace: Any, paddle: Any, architecture: str) -> tuple[list[list[Any]], bool]:
    """[[key, shape, name], ...] of the model ppdet builds now; whether initializers were off."""
    for fast in (True, False):
        try:
            with paddle.utils.unique_name.guard():
                if fast:
                    with _initializers_off(paddle):
                        model = workspace.create(architecture)
                else:
                    model = workspace.create(architecture)
        except Exception:
            if not fast:
                raise
            continue
        keys = [[key, [int(d) for d in value.shape], str(value.name)]
                for key, value in model.state_dict().items()]
        return keys, fast
    raise AssertionError("unreachable")


def _single(workspace: Any, root: Path, config: str, count: int | None) -> dict[str, Any]:
    """In a forked child (pristine ppdet state): load `config`, set `num_classes: count` (None:
    the config's own) and build."""
    import paddle

    try:
        cfg = workspace.load_config(str(root / config))
    except Exception as exc:  # ppdet raises anything from KeyError to AssertionError
        return {"status": "error", "error": f"load_config: {zoo_worker._reason(exc, root)}"}
    if "architecture" not in cfg:
        return {"status": "no-architecture"}
    own = cfg.get("num_classes")
    own = own if isinstance(own, int) and not isinstance(own, bool) else None
    if count is not None:
        cfg["num_classes"] = count
    architecture = str(cfg.architecture)
    try:
        keys, fast = _build(workspace, paddle, architecture)
    except Exception as exc:
        return {"status": "error", "error": f"create({architecture}): {zoo_worker._reason(exc, root)}"}
    return {"status": "ok", "num_classes": own, "architecture": architecture, "keys": keys,
            "initialized": not fast}


def class_record(workspace: Any, root: Path, config: str, counts: Sequence[str],
                 timeout: float = zoo_worker.TIMEOUT_SECONDS) -> dict[str, Any]:
    """Build `config` at each of `counts`, each build in a forked child of this process (a build
    changes ppdet's process-wide state: PicoDet's CSPPAN grows its neck in the shared config).

    `status` "classes": `num_classes` is the config's own count (None when it sets none),
    `builds` {count: {"keys": [[key, shape, name], ...]} or {"error": one line}}. "error" with a
    one-line `error` when the config cannot be loaded or names no model.
    """

    def build(count: int) -> dict[str, Any]:
        return zoo_worker.build_forked(workspace, root, config, timeout,
                                       make=lambda _: _single(workspace, root, config, count))

    record: dict[str, Any] = {"config": config, "status": "classes", "builds": {}}
    for text in counts:
        own = record.get("num_classes")
        count = parse_count(text, own)
        if str(count) in record["builds"] or "num_classes" in record and count == own:
            continue
        built = build(count)
        if built["status"] in ("no-architecture",) or \
                built["status"] == "error" and built["error"].startswith("load_config:"):
            return {"config": config, "status": built["status"], "error": built.get("error")}
        if built["status"] != "ok":
            record["builds"][str(count)] = {"error": built.get("error", built["status"])}
            continue
        record.setdefault("num_classes", built["num_classes"])
        record["architecture"] = built["architecture"]
        record["builds"][str(count)] = {"keys": built["keys"], "initialized": built["initialized"]}
    record.setdefault("num_classes", None)
    return record


def registered_components(workspace: Any) -> list[str]:
    """The names `create` knows in this ppdet: every class registered with `@register`."""
    from ppdet.core.config.schema import SchemaDict

    return sorted(name for name, value in workspace.global_config.items()
                  if isinstance(value, SchemaDict))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m qatfix.deep.class_builds")
    parser.add_argument("--root", type=Path, required=True, help="PaddleDetection tree")
    parser.add_argument("--checkout", action="store_true",
                        help="use the tree's own ppdet (default: the installed paddledet)")
    parser.add_argument("--results", type=Path,
                        help="JSON-lines file to append records to")
    parser.add_argument("--counts", default=",".join(FACT_COUNTS),
                        help="class counts to build at, comma-separated; +K: the config's own + K")
    parser.add_argument("--timeout", type=float, default=zoo_worker.TIMEOUT_SECONDS)
    parser.add_argument("--components", action="store_true",
                        help="print the names of the components this ppdet registers (JSON)")
    parser.add_argument("configs", nargs="*", help="configs relative to --root")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    workspace = zoo_worker.import_ppdet(root, args.checkout)
    if args.components:
        print(json.dumps(registered_components(workspace)))
        return 0
    if args.results is None or not args.configs:
        parser.error("--results and configs are required unless --components is given")
    counts = [c.strip() for c in args.counts.split(",") if c.strip()]

    def make(config: str) -> dict[str, Any]:
        return class_record(workspace, root, config, counts, args.timeout)

    def progress(text: str) -> None:
        print(text, flush=True)

    for _ in zoo_worker.build_all(workspace, root, args.configs, args.results, args.timeout,
                                  progress, make=make):
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
