"""`--deep` for pruning runs: each pruned_params name looked up in the model ppdet builds."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import require, tree
from tests.slim.helpers import findings, of_code

VOC = "configs/yolov3/yolov3_mobilenet_v1_270e_voc.yml"
BAD = """\
pretrain_weights: https://paddledet.bj.bcebos.com/models/yolov3_mobilenet_v1_270e_voc.pdparams
slim: Pruner
Pruner:
  criterion: fpgm
  pruned_params: [conv2d_27.w_0, conv2d_9999.w_0, batch_norm2d_3.w_0]
  pruned_ratios: [0.1, 0.2, 0.2]
  print_params: False
"""


@pytest.mark.corpus
def test_names_not_in_the_model_and_not_filters_under_deep(tmp_path: Path) -> None:
    require("paddle")
    require("ppdet")
    root = tree("develop")
    slim = tmp_path / "bad_prune.yml"
    slim.write_text(BAD, encoding="utf-8")
    found = findings("-c", VOC, "--slim_config", str(slim), "--deep", "--select", "QF7",
                     cwd=root)
    messages = sorted(f["message"].split(" (")[0] for f in of_code(found, "QF703"))
    assert messages == ["1 of 3 pruned_params are not convolution filters [out_c, in_c, k, k]",
                        "1 of 3 pruned_params are not parameters of this model"]
    missing = [f for f in of_code(found, "QF703") if "not parameters" in f["message"]][0]
    assert "conv2d_9999.w_0; it has 241" in missing["message"]
    (where,) = of_code(found, "QF704")
    # the official list's first name on the network it was written for: the neck's first block
    assert ("conv2d_27.w_0 = neck.yolo_block.0.conv_module.conv0.conv.weight [512, 1024, 1, 1]"
            in where["message"])
