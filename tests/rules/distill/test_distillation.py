"""QF801/QF802: the teacher's chain replaces the student's settings, as ppdet's merge does."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.slim.helpers import copy_tree, findings, of_code

VOC_STUDENT = "configs/yolov3/yolov3_mobilenet_v1_270e_voc.yml"
COCO_TEACHER = "configs/slim/distill/yolov3_mobilenet_v1_coco_distill.yml"
GFL_STUDENT = "configs/gfl/gfl_r50_fpn_1x_coco.yml"
GFL_TEACHER = "configs/slim/distill/gfl_r101vd_fpn_coco_distill_cwd.yml"
VOC_RUN = ("-c", VOC_STUDENT, "--slim_config", COCO_TEACHER)
GFL_RUN = ("-c", GFL_STUDENT, "--slim_config", GFL_TEACHER)


@pytest.fixture
def tree_copy(tmp_path: Path) -> Path:
    return copy_tree("develop", tmp_path / "tree", "yolov3", "gfl", "slim")


@pytest.mark.corpus
def test_a_coco_teacher_on_a_voc_student_replaces_its_data_and_classes(tree_copy: Path) -> None:
    found = findings(*VOC_RUN, cwd=tree_copy)
    (data,) = of_code(found, "QF802")
    assert data["severity"] == "warning"
    assert (data["location"]["path"], data["location"]["line"]) == (COCO_TEACHER, 1)
    assert "TrainDataset.dataset_dir 'dataset/coco' (student: 'dataset/voc')" in data["message"]
    assert "built with 20 classes" in data["message"] and "use 80" in data["message"]
    assert {"path": "configs/datasets/coco_detection.yml", "line": 5, "column": 3} in data["related"]
    (recipe,) = of_code(found, "QF801")
    assert recipe["severity"] == "info"
    assert "LearningRate.schedulers[1].steps 4000 (student: 1000)" in recipe["message"]


@pytest.mark.corpus
def test_the_teacher_recipe_and_what_o_gives_back(tree_copy: Path) -> None:
    (recipe,) = of_code(findings(*GFL_RUN, cwd=tree_copy), "QF801")
    assert recipe["message"].startswith(
        "the distillation config's chain replaces the student's epoch, LearningRate, TrainReader")
    assert "epoch 24 (student: 12)" in recipe["message"]
    assert of_code(findings(*GFL_RUN, cwd=tree_copy), "QF802") == []
    # -o is merged again after build_slim_model: it wins over the teacher's chain
    (again,) = of_code(findings(*GFL_RUN, "-o", "epoch=24", cwd=tree_copy),
                       "QF801")
    assert "epoch 24" not in again["message"] and "LearningRate" in again["message"]
