"""Every official documented slim pair of both trees stays free of the slim-recipe warnings."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from qatfix.config import resolve
from qatfix.run.engine import check
from qatfix.run.plan import Run
from qatfix.run.request import CheckRequest
from qatfix.registry import load_registry
from tests.conftest import tree
from tests.rules.corpus_counts import documented_pairs as _documented_pairs

COMMAND = re.compile(r"tools/\w+\.py\s+-c\s+(\S+\.yml)\s+--slim_config[= ](\S+\.yml)")
LINK = re.compile(r"\]\(([^)\s]+\.yml)\)")
NEW_CODES = ("QF204", "QF302", "QF303", "QF304", "QF305", "QF306", "QF701", "QF702", "QF801", "QF802")


#: README rows that pair a slim config with a model other than its weights' (the registry
#: builder settles these on evidence): the PP-YOLOv2 QAT row links PP-YOLO's config
README_MISTAKES = [("configs/ppyolo/ppyolo_r50vd_dcn_1x_coco.yml",
                    "configs/slim/quant/ppyolov2_r50vd_dcn_qat.yml")]


def readme_mistake(config: str, slim: str) -> bool:
    """Does the slim config start from weights the registry says another config trained?"""
    data = resolve(slim).data
    if data.get("slim") not in ("QAT", "PTQ", "Pruner", "PrunerQAT"):
        return False
    key = "weights" if data.get("slim") == "PTQ" else "pretrain_weights"
    entry = load_registry().lookup(str(data.get(key) or ""))
    return entry is not None and entry.config is not None and entry.config != config


def _config_link(readme: Path, link: str, root: Path) -> str:
    """A README link to a config as a path from the tree root (GitHub URLs included)."""
    if "://" in link:
        at = link.find("/configs/")
        return link[at + 1:] if at >= 0 else link
    return os.path.relpath(os.path.normpath(readme.parent / link), root)


def readme_commands(root: Path) -> set[tuple[str, str]]:
    """The pairs the slim READMEs write: `tools/X.py -c MODEL --slim_config SLIM` commands, and
    table rows linking one model config and one slim config."""
    found = set()
    for readme in sorted((root / "configs" / "slim").rglob("README*.md")):
        text = readme.read_text(encoding="utf-8")
        pairs = set(COMMAND.findall(text))
        for row in (line for line in text.splitlines() if line.startswith("|")):
            links = [_config_link(readme, link, root) for link in LINK.findall(row)]
            models = [link for link in links if not link.startswith("configs/slim/")]
            slims = [link for link in links if link.startswith("configs/slim/")]
            if len(models) == 1 and len(slims) == 1:
                pairs.add((models[0], slims[0]))
        found.update((c, s) for c, s in pairs if (root / c).is_file() and (root / s).is_file())
    return found


@pytest.mark.corpus
@pytest.mark.parametrize("tree_name", ["develop", "release-2.6"])
def test_documented_pairs_have_no_slim_recipe_warning(tree_name: str) -> None:
    root = tree(tree_name)
    cwd = os.getcwd()
    os.chdir(root)
    try:
        pairs = sorted(set(_documented_pairs(root)) | readme_commands(root))
        mistaken = [p for p in pairs if readme_mistake(*p)]
        assert mistaken == README_MISTAKES, mistaken
        pairs = [p for p in pairs if p not in mistaken]
        kinds = {s.split("/")[2] for _, s in pairs}
        assert {"quant", "post_quant", "prune", "distill", "extensions"} <= kinds, kinds
        found = [(c, s, f) for c, s in pairs for f in check(Run(c, s), CheckRequest(select=tuple(NEW_CODES)))]
    finally:
        os.chdir(cwd)
    bad = [(c, s, f.code, str(f.location), f.message[:160])
           for c, s, f in found if f.severity != "info"]
    assert not bad, "\n".join(map(str, bad))
    # the infos say what the official recipes really do: the QAT configs without a schedule of
    # their own re-run the float one, and distillation follows the teacher's recipe
    assert {f.code for _, _, f in found} <= {"QF302", "QF801"}
