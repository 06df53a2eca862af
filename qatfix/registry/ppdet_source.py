"""The config keys a PaddleDetection checkout's own ppdet reads, from its source (parsed, never
imported): the keys its code reads from the global config (`cfg.x`, `cfg['x']`,
`cfg.get('x')` in `ppdet/` and `tools/`), its registered components (the classes decorated with
`register`) with their constructors' parameters (from the class itself or, when it defines no
`__init__`, the nearest base class that does, by name), whether `**kwargs` swallows unknown
ones, and their `__shared__` keys; and the same parameters for the classes a config constructs
without registering them as components: those a YAML tag names (`serializable`:
`!COCODataSet`, `!PiecewiseDecay`) and the reader's transform operators (`register_op`,
`register_keypointop`: `Resize` in `sample_transforms`), which are keyed by class name in the
sections but are no top-level keys.
"""
from __future__ import annotations

import ast
import hashlib
import os
import re
import warnings
from pathlib import Path
from typing import Iterable

#: `cfg.x`, `cfg['x']`, `cfg.get('x')` (also `self.cfg`, `global_config`), then one more step
#: into that section (`['y']`, `.get('y')`)
_READ = re.compile(r"\b(?:cfg|config|global_config)(?:\.get\(\s*['\"](\w+)['\"]|\[\s*['\"](\w+)['\"]"
                   r"\s*\]|\.(\w+))(?:\.get\(\s*['\"](\w+)['\"]|\[\s*['\"](\w+)['\"]\s*\])?")
#: attribute reads that are dict methods, not keys
_METHODS = frozenset({"get", "keys", "items", "values", "update", "copy", "pop", "setdefault",
                      "clear"})
#: decorators of classes a config constructs by name without registering them as components: a
#: YAML tag (`serializable`) or a reader's transform list (`register_op` and its kin, which
#: make the class serializable too)
CONSTRUCTED = frozenset({"serializable", "register_op", "register_keypointop"})


class _Class:
    def __init__(self, node: ast.ClassDef) -> None:
        self.name = node.name
        self.bases = [b.id if isinstance(b, ast.Name) else b.attr if isinstance(b, ast.Attribute)
                      else "" for b in node.bases]
        self.registered = any(_decorator_name(d) == "register" for d in node.decorator_list)
        self.constructed = any(_decorator_name(d) in CONSTRUCTED for d in node.decorator_list)
        self.params: set[str] | None = None
        self.open = False
        self.shared: set[str] = set()
        for item in node.body:
            if isinstance(item, ast.FunctionDef) and item.name == "__init__":
                arguments = item.args
                self.params = {a.arg for a in (*arguments.posonlyargs, *arguments.args,
                                               *arguments.kwonlyargs)} - {"self"}
                self.open = arguments.kwarg is not None
            elif isinstance(item, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == "__shared__" for t in item.targets):
                if isinstance(item.value, (ast.List, ast.Tuple)):
                    self.shared = {e.value for e in item.value.elts
                                   if isinstance(e, ast.Constant) and isinstance(e.value, str)}


def _decorator_name(node: ast.expr) -> str:
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _python_files(root: Path) -> Iterable[Path]:
    """The .py files under root/ppdet and root/tools, in path order, through linked folders
    too (a checkout assembled from links), each real folder once."""
    for folder in ("ppdet", "tools"):
        found: list[Path] = []
        seen: set[str] = set()
        for current, folders, files in os.walk(root / folder, followlinks=True):
            real = os.path.realpath(current)
            if real in seen:
                folders[:] = []
                continue
            seen.add(real)
            found.extend(Path(current, name) for name in files if name.endswith(".py"))
        yield from sorted(found)


def source_facts(roots: Iterable[Path]) -> tuple[set[str], dict[str, set[str]], set[str]]:
    classes: dict[str, list[_Class]] = {}
    top: set[str] = set()
    read_sections: dict[str, set[str]] = {}
    for root in roots:
        for path in _python_files(root):
            text = path.read_text(encoding="utf-8", errors="replace")
            for match in _READ.finditer(text):
                key = match.group(1) or match.group(2) or match.group(3)
                if not key or key in _METHODS:
                    continue
                top.add(key)
                sub = match.group(4) or match.group(5)
                if sub:
                    read_sections.setdefault(key, set()).add(sub)
            try:
                with warnings.catch_warnings():  # ppdet's own invalid escapes (`'\D'`)
                    warnings.simplefilter("ignore")
                    tree = ast.parse(text)
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef):
                    classes.setdefault(node.name, []).append(_Class(node))

    def params(name: str, seen: frozenset[str] = frozenset()) -> tuple[set[str], bool]:
        found: set[str] = set()
        open_ = False
        for cls in classes.get(name, ()):
            if cls.params is not None:
                found |= cls.params
                open_ |= cls.open
                continue
            for base in cls.bases:
                if base and base not in seen:
                    more, more_open = params(base, seen | {name})
                    found |= more
                    open_ |= more_open
        return found, open_

    sections: dict[str, set[str]] = {}
    open_sections: set[str] = set()
    for name, defined in classes.items():
        registered = any(c.registered for c in defined)
        if not registered and not any(c.constructed for c in defined):
            continue
        keys, open_ = params(name)
        sections[name] = keys | read_sections.get(name, set())
        if open_:
            open_sections.add(name)
        if not registered:
            continue  # constructed from a tag or a transform list: no top-level key
        top.add(name)
        for cls in defined:
            top |= cls.shared
    return top, sections, open_sections


def source_digest(root: Path) -> str:
    """A fingerprint of a checkout's ppdet/ and tools/ sources (each file's path and size), to
    tell a checkout whose source is one of the shipped trees' from one that differs."""
    digest = hashlib.sha256()
    for path in _python_files(root):
        try:
            size = os.stat(path).st_size
        except OSError:
            continue
        digest.update(f"{path.relative_to(root).as_posix()}\0{size}\n".encode("utf-8"))
    return digest.hexdigest()[:16]
