"""Find weights by loose words ("picodet s 320", "ppyoloe+ l", "lcnet 0.75")."""
from __future__ import annotations

import re
from typing import Iterable, Optional

from qatfix.registry.index import Registry
from qatfix.registry.loader import load_registry
from qatfix.registry.records import WeightEntry

_KIND_ORDER = {"detector": 0, "slim": 1, "pretrained": 2, "backbone": 3}
_SPLIT = re.compile(r"[\s_/\-*×,()+:]+|\.ya?ml\b|(?<=[a-z])(?=\d{3})")
_SIZE = re.compile(r"(?<=\d)x(?=\d)")


def _tokens(text: str) -> set[str]:
    # "PP-YOLOE+" is written ppyoloe_plus in file names
    text = _SIZE.sub(" ", text.lower().replace("+", " plus "))
    return {t for t in _SPLIT.split(text) if t}


def _entry_tokens(entry: WeightEntry) -> tuple[set[str], str]:
    parts = [entry.name, entry.kind, entry.family or "", entry.variant or "", entry.architecture or "",
             entry.backbone or "", entry.dataset or "", entry.slim_method or "", entry.config or ""]
    if entry.input_size:
        parts.append(str(entry.input_size[0]))
    tokens: set[str] = set()
    for part in parts:
        tokens |= _tokens(part)
    return tokens, " ".join(parts).lower()


def _matches(word: str, tokens: set[str], text: str) -> bool:
    if word in tokens:
        return True
    if len(word) >= 3:
        return any(t.startswith(word) for t in tokens) or word in text
    return False


def _word_forms(word: str) -> list[set[str]]:
    """Ways to read one typed word: "PicoDet-S" is picodet + s, "PP-YOLOE+" is ppyoloe + plus."""
    forms = [_tokens(word)]
    if "-" in word:
        forms.append(_tokens(word.replace("-", "")))
    return [f for f in forms if f]


def search(words: Iterable[str], registry: Optional[Registry] = None) -> tuple[WeightEntry, ...]:
    """Entries matching every word: trained models first, current before legacy, COCO models (the
    zoo's reference) before others, shorter names first."""
    wanted = [forms for forms in (_word_forms(w) for w in words) if forms]
    if not wanted:
        return ()
    source = registry if registry is not None else load_registry()
    found = []
    for entry in source:
        tokens, text = _entry_tokens(entry)
        if all(any(all(_matches(t, tokens, text) for t in form) for form in forms) for forms in wanted):
            found.append(entry)
    return tuple(sorted(found, key=lambda e: (_KIND_ORDER.get(e.kind, 9), e.legacy, e.dataset != "coco",
                                              len(e.name), e.name, e.url)))
