"""The shape of the code, from its imports (read with `ast`, imports inside functions and
`TYPE_CHECKING` blocks included): no cycle between qatfix's packages, the stages in one order
(nothing imports a stage above it), only shared modules at the package root, nothing outside
`qatfix/cli` imports `qatfix.cli`, only `qatfix/deep` imports paddle or ppdet, and imports
inside functions only at the named boundaries."""
from __future__ import annotations

import ast
import functools
import json
import subprocess
import sys
from pathlib import Path
from typing import Iterator

from tests.conftest import REPO

PACKAGE = REPO / "qatfix"
#: imported only by qatfix/deep (everything else must work without the [paddle] extra)
PADDLE = ("paddle", "ppdet")


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module `path` imports, anywhere in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    own = _module_name(path)
    package = own if path.name == "__init__.py" else own.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


@functools.cache
def _graph() -> dict[str, set[str]]:
    return {_module_name(p): _imports(p) for p in sorted(PACKAGE.rglob("*.py"))}


def _package_of(module: str) -> str:
    """The package a module lies in (`qatfix.cli.check` -> `qatfix.cli`, `qatfix.registry.builder.
    run` -> `qatfix.registry.builder`, a package is its own); top-level modules (`qatfix.run.engine`)
    are their own node."""
    parts = module.split(".")
    while len(parts) > 1 and not (REPO.joinpath(*parts) / "__init__.py").is_file():
        parts.pop()
    return module if parts == ["qatfix"] else ".".join(parts)


def _cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_graph_is_read() -> None:
    graph = _graph()
    assert "qatfix.run.collect" in graph["qatfix.cli.check"]
    assert "qatfix.deep" in graph["qatfix.run.deep_findings"]  # an import inside a function


def test_no_cycle_between_packages() -> None:
    edges: dict[str, set[str]] = {}
    known = {_package_of(m) for m in _graph()}
    for module, imported in _graph().items():
        source = _package_of(module)
        targets = {_package_of(i) for i in imported if i.startswith("qatfix.")} & known
        edges.setdefault(source, set()).update(t for t in targets if t != source)
    assert _cycle(edges) is None, " -> ".join(_cycle(edges) or [])


def test_nothing_below_the_cli_imports_it() -> None:
    offenders = {module: sorted(i for i in imported if i == "qatfix.cli" or i.startswith("qatfix.cli."))
                 for module, imported in _graph().items()
                 if not module.startswith("qatfix.cli") and module != "qatfix.__main__"}
    assert {m: i for m, i in offenders.items() if i} == {}


def test_only_deep_imports_paddle() -> None:
    offenders = {module: sorted(i for i in imported if i.split(".")[0] in PADDLE)
                 for module, imported in _graph().items() if not module.startswith("qatfix.deep")}
    assert {m: i for m, i in offenders.items() if i} == {}


# The stages, lowest first: a module imports only from its own stage or a lower one. Stages of
# one rank do not import each other. `qatfix/errors.py` and `qatfix/findings.py` are shared by
# every stage and are the only modules at the package root.
STAGES: dict[str, int] = {
    "qatfix": 0, "qatfix.errors": 0, "qatfix.findings": 0,
    "qatfix.config": 1,          # parse with positions, merge, provenance, pairs, inheritance
    "qatfix.model": 2,           # identity, signatures, facts of models and exported programs
    "qatfix.registry": 3,        # the official weights, recipes and signatures
    "qatfix.rules": 4,           # the rule families, judging what run/ hands them
    "qatfix.edit": 5,            # positioned edits of YAML text, written atomically
    "qatfix.deep": 6,            # the only stage that imports paddle and ppdet
    "qatfix.registry.builder": 7,  # rebuilds registry/ from a checkout (with deep/)
    "qatfix.run": 7,             # plan the runs, check them, gate, verify fixes
    "qatfix.report": 8,
    "qatfix.interactive": 9,
    "qatfix.review": 9,
    "qatfix.cli": 10,
    "qatfix.__main__": 11,
}
ROOT_MODULES = {"qatfix", "qatfix.__main__", "qatfix.errors", "qatfix.findings"}


def _stage_of(module: str) -> str:
    """The longest stage name `module` lies in."""
    parts = module.split(".")
    while parts:
        name = ".".join(parts)
        if name in STAGES:
            return name
        parts.pop()
    raise AssertionError(f"{module} lies in no stage")


def test_only_shared_modules_at_the_root() -> None:
    loose = {f"qatfix.{p.stem}" for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    assert loose == ROOT_MODULES - {"qatfix"}


def test_every_package_is_a_stage() -> None:
    packages = {_package_of(m) for m in _graph()} - ROOT_MODULES
    assert {p for p in packages if _stage_of(p) == "qatfix"} == set()
    # subpackages (rule families) belong to their stage; only the registry builder is a stage
    # of its own
    assert {p for p in packages if p not in STAGES and p.count(".") == 1} == set()


def test_nothing_imports_a_stage_above_it() -> None:
    up = []
    graph = _graph()
    for module, imported in graph.items():
        source = _stage_of(module)
        for target in sorted(i for i in imported if i.startswith("qatfix.") or i == "qatfix"):
            if target not in graph and target.rpartition(".")[0] in graph:
                target = target.rpartition(".")[0]  # `from qatfix.x import name`
            if target not in graph:
                continue
            to = _stage_of(target)
            if to != source and STAGES[to] >= STAGES[source]:
                up.append(f"{module} ({source}) imports {target} ({to})")
    assert up == []


#: imported inside functions, where they are first needed: the third-party packages a default
#: run never needs (paddle and what comes with it, the interactive review's prompts, HTTP, the
#: optional C parser of ruamel) and qatfix's own boundaries to them
LAZY_BOUNDARIES = ("paddle", "ppdet", "paddleslim", "numpy", "questionary", "prompt_toolkit",
                   "requests", "_ruamel_yaml", "qatfix.deep", "qatfix.registry.builder")
SEED_CHECK = ("examples/picodet/configs/picodet/picodet_s_320_coco_lcnet.yml",
              "examples/picodet/configs/slim/quant/picodet_s_quant.yml")


def _seed_check_modules() -> set[str]:
    """The modules loaded by the seed check (`qatfix -c ... --slim_config ...` on the bundled
    example), in a fresh interpreter."""
    script = ("import json, sys\n"
              f"sys.argv = ['qatfix', '-c', {SEED_CHECK[0]!r}, '--slim_config', {SEED_CHECK[1]!r}]\n"
              "from qatfix.cli.main import main\n"
              "try:\n    main()\nexcept SystemExit:\n    pass\n"
              "sys.stderr.write('\\nMODULES ' + json.dumps(sorted(sys.modules)))\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True,
                          text=True, timeout=120)
    last = done.stderr.rpartition("\nMODULES ")[2]
    return set(json.loads(last))


def _function_imports(path: Path) -> Iterator[tuple[int, str]]:
    for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for node in ast.walk(function):
                if isinstance(node, ast.ImportFrom) and node.module:
                    yield node.lineno, node.module
                elif isinstance(node, ast.Import):
                    yield from ((node.lineno, alias.name) for alias in node.names)


def test_imports_inside_functions_only_at_boundaries() -> None:
    """An import inside a function is either one of the named boundaries, or a module the seed
    check provably never loads, imported from a module it does load (laziness that keeps the
    default run fast). Everything else is imported at the top of its module."""
    loaded = _seed_check_modules()
    assert "qatfix.run.engine" in loaded and "paddle" not in loaded
    misplaced = []
    for path in sorted(PACKAGE.rglob("*.py")):
        owner = _module_name(path)
        for line, module in _function_imports(path):
            if module.startswith(LAZY_BOUNDARIES):
                continue
            if owner in loaded and module not in loaded:
                continue
            misplaced.append(f"{path.relative_to(REPO)}:{line} imports {module}")
    assert misplaced == []


def test_the_seed_check_imports_no_boundary() -> None:
    loaded = _seed_check_modules()
    heavy = tuple(b for b in LAZY_BOUNDARIES if b != "_ruamel_yaml")  # the C parser is used
    assert {m for m in loaded if m.startswith(heavy) or m == "pickle"} == set()
