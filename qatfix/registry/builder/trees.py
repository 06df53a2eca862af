"""A PaddleDetection tree on disk: its config files, indexed for the builder."""
from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path

from qatfix.errors import RegistryError


@dataclass(frozen=True)
class ZooTree:
    """A PaddleDetection root (the folder holding `configs/`), labelled by its folder name."""

    label: str
    root: Path
    config_files: frozenset[str] = field(repr=False)
    readmes: tuple[str, ...] = field(repr=False)

    def exists(self, config: str) -> bool:
        return config in self.config_files

    def path(self, relative: str) -> Path:
        return self.root / relative

    def configs_named(self, file_name: str) -> tuple[str, ...]:
        """Configs with this file name anywhere in the tree, sorted."""
        return tuple(sorted(c for c in self.config_files if posixpath.basename(c) == file_name))

    def configs_with_stem(self, stem: str) -> tuple[str, ...]:
        return tuple(sorted(set(self.configs_named(stem + ".yml")) | set(self.configs_named(stem + ".yaml"))))


def open_tree(root: str | Path, label: str | None = None) -> ZooTree:
    """Index the tree at `root` (which must contain `configs/`)."""
    base = Path(root)
    if base.name == "configs" and not (base / "configs").is_dir():
        base = base.parent  # the configs folder itself was given
    configs = base / "configs"
    if not configs.is_dir():
        raise RegistryError("not a PaddleDetection tree (no configs/ folder)", path=str(base))
    files: set[str] = set()
    readmes: list[str] = []
    for path in configs.rglob("*"):
        if not path.is_file():
            continue
        relative = path.relative_to(base).as_posix()
        if path.suffix in (".yml", ".yaml"):
            files.add(relative)
        elif path.suffix.lower() == ".md":
            readmes.append(relative)
    return ZooTree(label or base.resolve().name, base, frozenset(files), tuple(sorted(readmes)))
