"""The class facts and parameter names, re-derived with the real ppdet: a sample of networks is
built again at the fact counts (`qatfix.deep.class_builds`, as `qatfix registry signatures` runs
it) and must give exactly the committed facts and names."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from qatfix.deep.class_builds import FACT_COUNTS
from qatfix.deep.class_store import derive_facts, names_of_record, representatives
from qatfix.deep.zoo_worker import read_results
from qatfix.registry.param_names import encode_names, named_key
from qatfix.registry.signatures import CLASSES, NAMES, signature_index
from tests.conftest import REPO, require, tree

pytestmark = [pytest.mark.paddle, pytest.mark.corpus]

STORE = REPO / "registry" / "signatures"
#: networks whose class layers differ in kind: per-class channels (PicoDet), anchors x (5 + n)
#: (YOLOv3), a background class and per-class boxes (Faster R-CNN), a classifier that exists at
#: one class only (FairMOT), none at all (HRNet keypoints)
SAMPLE = ("configs/picodet/picodet_m_416_coco_lcnet.yml",
          "configs/yolov3/yolov3_mobilenet_v1_ssld_270e_voc.yml",
          "configs/faster_rcnn/faster_rcnn_r50_fpn_1x_coco.yml",
          "configs/mot/fairmot/fairmot_dla34_30e_1088x608.yml",
          "configs/keypoint/hrnet/hrnet_w32_256x192.yml")


def test_rebuilt_facts_and_names_equal_the_committed_ones(tmp_path: Path) -> None:
    require("paddle")
    require("ppdet")
    index = signature_index()
    reps = representatives(index.configs, ["develop", "release-2.6"])
    wanted = {str(index.entry("develop", c)["signature"]) for c in SAMPLE}
    configs = sorted(reps[i][1] for i in wanted)
    results = tmp_path / "develop.jsonl"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p)}
    subprocess.run([sys.executable, "-m", "qatfix.deep.class_builds", "--root",
                    str(tree("develop")), "--checkout", "--results", str(results),
                    "--counts", ",".join(FACT_COUNTS), *configs],
                   check=True, env=env, capture_output=True, timeout=900)
    records = read_results(results)
    committed = json.loads((STORE / CLASSES).read_text())["signatures"]
    names = json.loads((STORE / NAMES).read_text())
    for ident in wanted:
        config = reps[ident][1]
        stored = json.loads((STORE / f"{ident}.json").read_text())["keys"]
        facts = derive_facts(records[config], stored)
        assert {**facts, "from": f"develop:{config}"} == committed[ident], config
        named = {k: n for k, _, n in names_of_record(records[config]) or ()}
        keys = [(k, s) for k, s, _ in stored if named_key(k, s)]
        if not all(k in named for k, _ in keys):  # a weight that exists at its own count only
            assert ident not in names, config
            continue
        assert names[ident] == encode_names([(k, s, named[k]) for k, s in keys]), config
