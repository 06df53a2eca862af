"""Custom-dataset truth (see `tests.truth.class_truth`): official configs from their own
published weights at other class counts, qatfix's verdict and figure against ppdet's builds and
ppdet's match_state_dict. A fixed sample by default (a few ppdet builds: well under a minute);
every case with QATFIX_TRUTH=all:

    QATFIX_TRUTH=all python -m pytest tests/truth/test_class_count_truth.py -s

QATFIX_TRUTH_TREE=release-2.6 (or develop) runs the cases of one tree only.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import require, trees
from tests.deep.conftest import ppdet_module
from tests.truth import class_truth

FULL = os.environ.get("QATFIX_TRUTH") == "all"
#: the one tree to run the cases of (default: both)
ONLY = os.environ.get("QATFIX_TRUTH_TREE")
#: the sample CI runs: detectors whose class layers differ in kind (per-class channels, anchors x
#: (5 + classes), background class, class embeddings, a structure that changes at one class),
#: and a keypoint model whose num_classes changes no tensor
SAMPLE = (
    ("develop", "configs/picodet/picodet_m_416_coco_lcnet.yml"),
    ("develop", "configs/yolov3/yolov3_mobilenet_v1_ssld_270e_voc.yml"),
    ("develop", "configs/faster_rcnn/faster_rcnn_r50_fpn_1x_coco.yml"),
    ("develop", "configs/mot/fairmot/fairmot_dla34_30e_1088x608.yml"),
    ("develop", "configs/keypoint/hrnet/hrnet_w32_256x192.yml"),
    ("release-2.6", "configs/dino/dino_r50_4scale_1x_coco.yml"),
)


@pytest.fixture(scope="module")
def ppdet_match() -> Any:
    require("paddle")
    require("ppdet")
    from qatfix.deep.runtime import load_runtime

    return ppdet_module(load_runtime(), "ppdet.utils.checkpoint").match_state_dict


@pytest.mark.corpus
def test_own_weights_at_other_class_counts_agree_with_ppdet(ppdet_match: Any,
                                                            tmp_path: Path) -> None:
    roots = {name: root for name, root in trees().items()  # skips without them, fails under CI
             if ONLY in (None, name)}
    wanted = class_truth.cases(roots, None if FULL else SAMPLE)
    assert len(wanted) >= (600 if FULL else 3 * sum(t in roots for t, _ in SAMPLE)), len(wanted)
    work = Path(os.environ.get("QATFIX_TRUTH_WORK") or tempfile.mkdtemp(prefix="qatfix-truth-"))
    tally, wrong = class_truth.run(roots, wanted, work, tmp_path, ppdet_match)
    print(f"{len(wanted)} cases x 2 modes: {dict(sorted(tally.items()))}")
    assert not wrong, "\n".join(wrong[:40])
    assert tally["no ppdet build"] == 0 and tally["not checked"] <= (tally["agree"] // 5 if FULL
                                                                     else 0), tally
    assert tally["ppdet classes"] and tally["ppdet fits"], tally
