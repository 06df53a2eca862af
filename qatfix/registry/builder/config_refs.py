"""Weights URLs that config files name as `pretrain_weights`, with file and line.

This finds the ImageNet backbone checkpoints (and other pre-training files) that no README table
lists but every training run downloads. A line scan is enough: the key is always a plain scalar.
"""
from __future__ import annotations

from dataclasses import dataclass
import re

from qatfix.registry.builder.trees import ZooTree
from qatfix.registry.urls import canonical_url, is_url

_PRETRAIN_LINE = re.compile(r"^\s*pretrain_weights\s*:\s*(?P<value>.+?)\s*$")


@dataclass(frozen=True)
class ConfigRef:
    """A weights URL named inside a config file of a tree."""

    tree: str
    config: str
    line: int
    url: str

    @property
    def source(self) -> str:
        return f"{self.tree}:{self.config}:{self.line}"


def _scalar(value: str) -> str:
    text = re.split(r"\s+#", value, maxsplit=1)[0].strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        text = text[1:-1]
    return text


def scan_config_refs(tree: ZooTree) -> tuple[ConfigRef, ...]:
    refs: list[ConfigRef] = []
    for config in sorted(tree.config_files):
        text = tree.path(config).read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            match = _PRETRAIN_LINE.match(line)
            if not match:
                continue
            value = _scalar(match["value"])
            if is_url(value) and "${" not in value:
                refs.append(ConfigRef(tree.label, config, number, canonical_url(value)))
    return tuple(refs)
