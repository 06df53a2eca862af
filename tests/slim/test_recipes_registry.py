"""registry/recipes.json: derived from the trees with one command, and current."""
from __future__ import annotations

import subprocess
import sys

import pytest

from qatfix.registry.recipes import prune_list, recipes_path, training_inputs
from tests.conftest import trees


@pytest.mark.corpus
def test_the_shipped_file_is_the_derivation_of_the_trees() -> None:
    argv = ["registry", "recipes", "--check"]
    for root in trees().values():
        argv += ["--paddledetection", str(root)]
    done = subprocess.run([sys.executable, "-m", "qatfix", *argv], capture_output=True, text=True,
                          timeout=300)
    assert (done.returncode, done.stdout.strip()) == (0, "recipes.json is up to date"), done.stderr


def test_plus_and_plain_ppyoloe_weights_were_trained_with_their_own_readers() -> None:
    plus = training_inputs("develop", "configs/ppyoloe/ppyoloe_plus_crn_l_80e_coco.yml")
    plain = training_inputs("develop", "configs/ppyoloe/ppyoloe_crn_l_300e_coco.yml")
    assert plus is not None and plain is not None and plus.train and plain.train
    assert plus.reader == "configs/ppyoloe/_base_/ppyoloe_plus_reader.yml"
    assert plain.reader == "configs/ppyoloe/_base_/ppyoloe_reader.yml"
    assert plus.train.mean == (0.0, 0.0, 0.0) and not plus.train.same_as(plain.train)


def test_official_pruning_lists_know_their_networks() -> None:
    faster = [f"conv2d_{n}.w_0" for n in range(27, 53)]
    found = prune_list(faster)
    assert found is not None
    assert found.configs == ("configs/faster_rcnn/faster_rcnn_r50_fpn_1x_coco.yml",)
    assert "develop:configs/slim/prune/faster_rcnn_r50_fpn_prune_fpgm.yml" in found.slims
    assert prune_list(["conv2d_1.w_0"]) is None
    assert recipes_path().name == "recipes.json"
