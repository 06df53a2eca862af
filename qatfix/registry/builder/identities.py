"""Model identity of zoo configs, computed once per (tree, config, slim config).

Uses the project's resolver, so a config is read exactly as ppdet reads it. A config that cannot
be resolved is remembered with the reason, which ends up in the build report.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from qatfix.config import resolve
from qatfix.errors import QatfixError
from qatfix.model.identity import ModelIdentity, identify
from qatfix.registry.builder.trees import ZooTree
from qatfix.registry.urls import canonical_url, is_url


@dataclass(frozen=True)
class ConfigFacts:
    """What the builder needs from one resolved config."""

    identity: Optional[ModelIdentity]
    pretrain_weights: Optional[str]
    slim: Optional[str]
    error: Optional[str] = None


def _url_or_none(value: Any) -> Optional[str]:
    if isinstance(value, str) and is_url(value):
        try:
            return canonical_url(value)
        except ValueError:
            return None
    return None


class IdentityCache:
    """Resolve-and-identify with memoisation (many weights share a config)."""

    def __init__(self) -> None:
        self._facts: dict[tuple[str, str, Optional[str]], ConfigFacts] = {}

    def facts(self, tree: ZooTree, config: str, slim: Optional[str] = None) -> ConfigFacts:
        key = (tree.label, config, slim)
        if key not in self._facts:
            self._facts[key] = self._compute(tree, config, slim)
        return self._facts[key]

    def identity(self, tree: ZooTree, config: str, slim: Optional[str] = None) -> Optional[ModelIdentity]:
        return self.facts(tree, config, slim).identity

    @staticmethod
    def _compute(tree: ZooTree, config: str, slim: Optional[str]) -> ConfigFacts:
        try:
            resolved = resolve(str(tree.path(config)), slim=str(tree.path(slim)) if slim else None)
            plain = resolved.plain()
        except (QatfixError, OSError, RecursionError) as exc:
            return ConfigFacts(None, None, None, f"{config}{' + ' + slim if slim else ''}: {exc}")
        identity = identify(plain, config) if isinstance(plain.get("architecture"), str) else None
        slim_value = plain.get("slim")
        return ConfigFacts(identity, _url_or_none(plain.get("pretrain_weights")),
                           slim_value if isinstance(slim_value, str) else None)
