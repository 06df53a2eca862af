"""The shape of the code, from its imports (read with `ast`, imports inside functions and
`TYPE_CHECKING` blocks included): no cycle between qatfix's packages, nothing outside
`qatfix/cli` imports `qatfix.cli`, and only `qatfix/deep` imports paddle or ppdet."""
from __future__ import annotations

import ast
from pathlib import Path

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
