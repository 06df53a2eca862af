"""Rebuild the signature store (registry/signatures) from PaddleDetection trees.

Each tree is built by its own worker process (`qatfix.deep.zoo_worker`: one import of paddle and
ppdet, one forked child per config); the workers of different trees run side by side. A tree is
built with its own checkout's ppdet, except a release tree (`release-X.Y`) when the installed
paddledet is that release: that is the ppdet users of the release run. The worker's JSON-lines
results are kept in a work folder, so an interrupted rebuild resumes where it stopped.
"""
from __future__ import annotations

from dataclasses import dataclass
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from importlib import metadata
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from qatfix.errors import PADDLE_TODO, DeepCheckError, UsageError
from qatfix.registry.signatures import (INDEX, NOT_SIGNATURES, SCHEMA_VERSION, canonical_json,
                                       config_key, signature_id)
from qatfix.config import resolve
from qatfix.errors import QatfixError

Progress = Callable[[str], None]
_RELEASE = re.compile(r"release[-/](\d+\.\d+)$")


@dataclass(frozen=True)
class TreeBuild:
    """One tree to build: its name in the store and which ppdet builds it."""

    name: str
    root: Path
    #: True: the checkout's own ppdet; False: the installed paddledet
    checkout: bool
    ppdet: str


@dataclass(frozen=True)
class StoreSummary:
    """What a rebuild wrote."""

    #: tree -> {"ok": n, "error": n} over the configs that name a model
    counts: Mapping[str, Mapping[str, int]]
    #: tree -> {reason kind: n} of failed builds
    failures: Mapping[str, Mapping[str, int]]
    signatures: int
    store_bytes: int
    seconds: float


def _installed(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _commit(root: Path, name: str) -> str | None:
    trees = Path(__file__).resolve().parents[2] / "registry" / "trees.json"
    try:
        info = json.loads(trees.read_text()).get(name) or {}
    except (OSError, ValueError):
        return None
    commit = info.get("commit")
    return str(commit)[:12] if commit else None


def plan_tree(root: Path) -> TreeBuild:
    """How `root` is built (see module docstring)."""
    root = root.resolve()
    if not (root / "configs").is_dir():
        raise UsageError(f"{root} is not a PaddleDetection tree (no configs/ folder)")
    name = root.name
    installed = _installed("paddledet")
    release = _RELEASE.search(name)
    has_checkout = (root / "ppdet" / "__init__.py").is_file()
    if installed and release and installed.startswith(release.group(1) + "."):
        return TreeBuild(name, root, False, f"paddledet {installed} (installed package)")
    if has_checkout:
        commit = _commit(root, name)
        at = f" at commit {commit}" if commit else ""
        return TreeBuild(name, root, True, f"ppdet of the {name} checkout itself{at} (source tree)")
    if installed:
        return TreeBuild(name, root, False, f"paddledet {installed} (installed package)")
    raise DeepCheckError(f"no ppdet to build {root} with: it has no ppdet/ and paddledet is not "
                         "installed", todo=PADDLE_TODO)


def run_worker(tree: TreeBuild, module: str, results: Path, timeout: float,
               progress: Progress | None, configs: Sequence[str], *, extra: Sequence[str] = (),
               what: str = "") -> None:
    """Build `configs` of `tree` with ppdet in a worker process (`python -m module`), which
    writes one result per line to `results`; `what` names the builds in progress lines and
    errors (" at other class counts")."""
    command = [sys.executable, "-m", module, "--root", str(tree.root),
               "--results", str(results), "--timeout", str(timeout), *extra, *configs]
    if tree.checkout:
        command.insert(5, "--checkout")
    env = dict(os.environ)
    package_parent = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_parent, env.get("PYTHONPATH")) if p)
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          env=env) as worker:
        assert worker.stdout is not None and worker.stderr is not None
        for line in worker.stdout:
            if progress:
                progress(f"{tree.name}{what} {line.rstrip()}")
        error = worker.stderr.read()
    if worker.returncode != 0:
        last = (error.strip().splitlines() or ["no output"])[-1]
        raise DeepCheckError(f"building {tree.name}{what} failed: {last}")


#: (what the message holds, the kind of failure it is), first match wins
_FAILURES = (
    ("Download from", "the model downloads pretrained weights while it is built (no network)"),
    ("not a paddle state dict", "a checkpoint the model loads while it is built is refused by "
                                "qatfix's reader (nothing from it was run)"),
    ("not exist", "load_config reads dataset files that are not there"),
    ("No such file", "a file the config names is missing"),
    ("unexpected keyword argument", "the config passes an argument this ppdet does not take"),
    ("Type promotion", "paddle 3 rejects an integer/float operation in the constructor"),
)


def failure_kind(error: str) -> str:
    """A short class of a build error, for summaries ("timeout", "a file ... is missing", ...)."""
    stage, _, rest = error.partition(": ")
    if stage in ("timeout", "crash"):
        return stage
    for needle, kind in _FAILURES:
        if needle in rest:
            return kind
    return f"{stage.split('(')[0]}: {rest.split(':')[0]}"


def names_a_model(path: Path) -> bool:
    """Whether the config, as qatfix resolves it, has an `architecture` (a failed ppdet load of
    a dataset or base file is no model's failure). True when qatfix cannot tell either."""

    try:
        return isinstance(resolve(str(path)).plain().get("architecture"), str)
    except QatfixError:
        return True


def records_to_store(trees: Sequence[TreeBuild], records: Mapping[str, Sequence[Mapping[str, Any]]],
                     paddle: str) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The index data and the signature files (id -> data) for the workers' records."""
    index: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "trees": {t.name: {"paddle": paddle, "ppdet": t.ppdet} for t in trees},
        "configs": {},
    }
    files: dict[str, dict[str, Any]] = {}
    for tree in trees:
        for item in records.get(tree.name, ()):
            key = config_key(tree.name, item["config"])
            if item["status"] == "error":
                if item["error"].startswith("load_config:") and \
                        not names_a_model(tree.root / item["config"]):
                    continue
                index["configs"][key] = {"error": item["error"]}
            elif item["status"] == "ok":
                data = {"keys": item["keys"], "quantizable": item["quantizable"]}
                ident = signature_id(data)
                files[ident] = data
                elements = 0
                for _, shape, _ in item["keys"]:
                    count = 1
                    for dim in shape:
                        count *= dim
                    elements += count
                index["configs"][key] = {"elements": elements, "parameters": item["parameters"],
                                         "signature": ident, "tensors": len(item["keys"])}
    index["configs"] = dict(sorted(index["configs"].items()))
    return index, files


def index_text(index: Mapping[str, Any]) -> str:
    """index.json with sorted keys and one config per line."""
    lines = ["{", f'"schema_version": {json.dumps(index["schema_version"])},',
             f'"trees": {json.dumps(index["trees"], sort_keys=True)},', '"configs": {']
    items = sorted(index["configs"].items())
    for number, (key, entry) in enumerate(items):
        comma = "," if number < len(items) - 1 else ""
        lines.append(f"{json.dumps(key)}: {json.dumps(entry, sort_keys=True)}{comma}")
    lines += ["}", "}"]
    return "\n".join(lines) + "\n"


def signature_text(data: Mapping[str, Any]) -> str:
    """A signature file: one key per line, quantizable keys on one line."""
    keys = ",\n".join(json.dumps(item, ensure_ascii=False) for item in data["keys"])
    quantizable = json.dumps(data["quantizable"], ensure_ascii=False)
    return f'{{"keys": [\n{keys}\n],\n"quantizable": {quantizable}}}\n'


def _write_atomically(path: Path, text: str) -> None:
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w") as out:
            out.write(text)
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        os.unlink(temp)
        raise


def write_store(output: Path, index: Mapping[str, Any], files: Mapping[str, Mapping[str, Any]]) -> int:
    """Write the signature files and the index (last), remove files no longer referenced; the
    store's size in bytes."""
    output.mkdir(parents=True, exist_ok=True)
    for ident, data in files.items():
        path = output / f"{ident}.json"
        text = signature_text(data)
        assert signature_id(json.loads(text)) == ident, canonical_json(data)[:80]
        if not path.is_file() or path.read_text() != text:
            _write_atomically(path, text)
    _write_atomically(output / INDEX, index_text(index))
    for stale in output.glob("*.json"):
        if stale.name not in NOT_SIGNATURES and stale.stem not in files:
            stale.unlink()
    return sum(p.stat().st_size for p in output.glob("*.json"))


def build_store(roots: Sequence[Path], output: Path, *, work: Path | None = None,
                timeout: float = 300.0, progress: Progress | None = None,
                configs: Sequence[str] = ()) -> StoreSummary:
    """Build every config of `roots` (or only `configs`, relative to each root) and write the
    store to `output`."""
    from qatfix.deep.zoo_worker import read_results

    started = time.monotonic()
    trees = [plan_tree(Path(r)) for r in roots]
    names = [t.name for t in trees]
    if len(set(names)) != len(names):
        raise UsageError(f"two trees share a folder name: {', '.join(names)}")
    work_dir = Path(work) if work else Path(tempfile.mkdtemp(prefix="qatfix-signatures-"))
    work_dir.mkdir(parents=True, exist_ok=True)
    errors: list[BaseException] = []

    def run(tree: TreeBuild) -> None:
        try:
            run_worker(tree, "qatfix.deep.zoo_worker", work_dir / f"{tree.name}.jsonl", timeout,
                       progress, configs)
        except BaseException as exc:  # reported by the caller's thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(t,)) for t in trees]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    records = {}
    for tree in trees:
        found = read_results(work_dir / f"{tree.name}.jsonl")
        wanted = configs or sorted(found)
        records[tree.name] = [found[c] for c in wanted if c in found]
    index, files = records_to_store(trees, records, _installed("paddlepaddle") or "unknown")
    size = write_store(output, index, files)
    counts: dict[str, dict[str, int]] = {}
    failures: dict[str, dict[str, int]] = {}
    for key, entry in index["configs"].items():
        name = key.partition(":")[0]
        status = "error" if "error" in entry else "ok"
        counts.setdefault(name, {}).setdefault(status, 0)
        counts[name][status] += 1
        if status == "error":
            kind = failure_kind(entry["error"])
            failures.setdefault(name, {}).setdefault(kind, 0)
            failures[name][kind] += 1
    return StoreSummary(counts, failures, len(files), size, time.monotonic() - started)
