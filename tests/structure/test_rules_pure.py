"""Rules only judge: no module under `qatfix/rules/` reads a file, lists a folder, probes a path,
starts a process, opens a connection or asks an installed package. Everything a rule needs to
know of the world outside the configs it judges comes from `CheckContext.facts`
(`qatfix.rules.facts.Facts`), built in `qatfix/run/facts.py`.

Read with `ast`: calls of the file system's probes and readers (builtin `open`, `os.path.isfile`
and the other probes, `os.listdir`/`walk`/`scandir`/`stat`, `glob`, `Path.read_text` and the
like), imports of modules that do I/O (`subprocess`, `urllib`, `socket`, `http`, `requests`,
`glob`, `shutil`, `tomllib`, `pathlib`, `importlib.metadata`), and imports of qatfix's own entry
points that read files, the installed packages, the checkout or the network (`resolve`,
`load_document`, `kind_of`, `installed_paddleslim`, `url_status`, ...). Path arithmetic
(`os.path.join`, `dirname`, `relpath`, `abspath`, `expanduser`) is not I/O and is allowed.
The registry's shipped data (`qatfix/registry/*.json`, read by registry functions) is qatfix's
own, not the machine's, and is not counted here; the registry object itself is a fact.
"""
from __future__ import annotations

import ast
from pathlib import Path
from typing import Iterator

from tests.conftest import REPO

RULES = REPO / "qatfix" / "rules"

#: calls of these dotted names read the file system, the process's state or the network
IO_CALLS = frozenset({
    "open", "os.open", "io.open",
    *(f"os.path.{name}" for name in ("isfile", "isdir", "exists", "lexists", "islink", "ismount",
                                     "getsize", "getmtime", "getatime", "getctime", "samefile",
                                     "realpath")),
    *(f"os.{name}" for name in ("listdir", "scandir", "walk", "stat", "lstat", "getcwd",
                                "readlink", "access", "system", "popen", "remove", "rename",
                                "replace", "mkdir", "makedirs")),
})
#: method calls that read or probe the file system whatever the receiver (pathlib.Path's)
IO_METHODS = frozenset({"read_text", "read_bytes", "write_text", "write_bytes", "iterdir",
                        "rglob", "is_file", "is_dir", "is_symlink", "samefile", "resolve_path"})
#: modules whose import is I/O or a way to it
IO_MODULES = ("subprocess", "urllib", "socket", "http", "requests", "glob", "shutil", "tomllib",
              "tomli", "pathlib", "importlib.metadata", "importlib.util")
#: qatfix's own functions that read files, the checkout, installed packages or the network
IO_ENTRY_POINTS = frozenset({
    "qatfix.config.resolve", "qatfix.config.load_document", "qatfix.config.load_file",
    "qatfix.config.loader.load_document", "qatfix.config.loader.load_file",
    "qatfix.config.resolve.resolve",
    "qatfix.config.kind.kind_of",
    "qatfix.config.pairs.read_pairs", "qatfix.config.pairs.project_root",
    "qatfix.config.pairs.known_pairs",
    "qatfix.config.repo_paths.find_run_root", "qatfix.config.repo_paths.inside_root",
    "qatfix.config.act_scripts.run_script", "qatfix.config.act_scripts.script_facts",
    "qatfix.config.act_scripts.script_beside", "qatfix.config.act_scripts.documented_reader",
    "qatfix.config.act_scripts.follows_reader_config",
    "qatfix.config.script_flags.read_parser",
    "qatfix.model.quant_format.installed_default",
    "qatfix.model.paddleslim_strategy.strategy_keys",
    "qatfix.model.environment.environment", "qatfix.model.environment.model_writer",
    "qatfix.model.environment.checkout_ppdet", "qatfix.model.environment.pdmodel_writer",
    "qatfix.model.labels.label_source", "qatfix.model.labels.count_categories",
    "qatfix.model.checkpoint.read_checkpoint",
    "qatfix.model.exported.from_infer_cfg",
    "qatfix.model.program.read_json", "qatfix.model.program.read_pdmodel",
    "qatfix.model.deployment.deploy_run",
    "qatfix.model.act_run.act_run",
    "qatfix.registry.load_registry",
    "qatfix.registry.checkout.checkout_tree", "qatfix.registry.checkout.checkout_defines",
    "qatfix.registry.checkout.unknown_release",
    "qatfix.registry.config_keys.known_keys_for",
    "qatfix.registry.checkpoints.weights_checkpoint", "qatfix.registry.checkpoints.local_weights",
    "qatfix.registry.checkpoints.from_file", "qatfix.registry.checkpoints.identify",
})

#: qatfix's own modules that are probes as a whole
IO_ENTRY_MODULES = ("qatfix.model.installed_paddleslim", "qatfix.registry.url_status")

#: what cannot move, each with its reason: (module path, what it imports or calls) -> why
ALLOWED: dict[tuple[str, str], str] = {}


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def io_uses(source: str, module: str) -> Iterator[tuple[int, str]]:
    """(line, what) for every I/O call or import in `source`, the module `module` (dotted, for
    relative imports)."""
    tree = ast.parse(source)
    typing_only = {id(inner) for node in ast.walk(tree)
                   if isinstance(node, ast.If) and _dotted(node.test) in ("TYPE_CHECKING",
                                                                        "typing.TYPE_CHECKING")
                   for inner in ast.walk(node)}
    aliases: dict[str, str] = {}  # local name -> dotted name it stands for
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue  # names for annotations: nothing runs
        if isinstance(node, ast.Import):
            for alias in node.names:
                aliases[alias.asname or alias.name.split(".")[0]] = \
                    alias.name if alias.asname else alias.name.split(".")[0]
                if alias.name.startswith(IO_MODULES + IO_ENTRY_MODULES) \
                        or alias.name in IO_ENTRY_POINTS:
                    yield node.lineno, f"import {alias.name}"
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = module.split(".")[:-node.level]
                base = ".".join(parts + ([base] if base else []))
            for alias in node.names:
                full = f"{base}.{alias.name}"
                aliases[alias.asname or alias.name] = full
                if base.startswith(IO_MODULES + IO_ENTRY_MODULES) or full in IO_ENTRY_POINTS \
                        or full in IO_ENTRY_MODULES:
                    yield node.lineno, f"import {full}"
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _dotted(node.func)
        if name is not None:
            head, _, rest = name.partition(".")
            full = f"{aliases.get(head, head)}.{rest}" if rest else aliases.get(head, head)
            if name in IO_CALLS or full in IO_CALLS:
                yield node.lineno, f"call {name}"
                continue
        if isinstance(node.func, ast.Attribute) and node.func.attr in IO_METHODS:
            receiver = _dotted(node.func.value) or ""
            if receiver != "facts" and not receiver.endswith(".facts"):  # the Facts asked
                yield node.lineno, f"call .{node.func.attr}"


def rules_io(root: Path = RULES) -> list[tuple[str, int, str]]:
    """Every I/O use under `root` (a `qatfix/rules` folder), as (path, line, what)."""
    found = []
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        rel = "/".join(("qatfix", "rules", *parts)) + ".py"
        module = ".".join(("qatfix", "rules", *parts))
        for line, what in io_uses(path.read_text(encoding="utf-8"), module):
            found.append((rel, line, what))
    return found


def test_no_rule_does_io() -> None:
    found = [(path, line, what) for path, line, what in rules_io()
             if (path, what) not in ALLOWED]
    assert found == [], "\n".join(f"{p}:{line}: {what} (ask CheckContext.facts instead)"
                                  for p, line, what in found)


def test_every_allowance_is_still_needed() -> None:
    used = {(path, what) for path, _, what in rules_io()}
    assert set(ALLOWED) <= used, set(ALLOWED) - used


def test_the_scan_sees_each_kind_of_io() -> None:
    source = (
        "import os\n"
        "import os.path as osp\n"
        "import subprocess\n"
        "from pathlib import Path\n"
        "from qatfix.config import resolve\n"
        "from qatfix.model import installed_paddleslim\n"
        "from qatfix.model.quant_format import installed_default as default\n"
        "from ..config.kind import kind_of\n"
        "from os.path import isfile as there\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from qatfix.registry.url_status import UrlStatus\n"
        "def f(p, ctx):\n"
        "    ctx.facts.is_file(p)\n"
        "    open(p)\n"
        "    os.path.isfile(p)\n"
        "    osp.isdir(p)\n"
        "    os.listdir(p)\n"
        "    Path(p).read_text()\n"
        "    os.path.join(p, 'x')\n"
        "    p.exists\n"
        "    there(p)\n"
        "    import glob\n")
    found = [what for _, what in io_uses(source, "qatfix.rules.x")]
    assert found == [
        "import subprocess", "import pathlib.Path", "import qatfix.config.resolve",
        "import qatfix.model.installed_paddleslim", "import qatfix.model.quant_format."
        "installed_default", "import qatfix.config.kind.kind_of", "import glob",
        "call open", "call os.path.isfile", "call osp.isdir", "call os.listdir",
        "call .read_text", "call there"]
