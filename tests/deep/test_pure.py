"""Parts of the deep check that need no paddle: explanations, sections, lazy imports."""
from __future__ import annotations

import subprocess
import sys

from qatfix.deep.build_sections import model_sections
from qatfix.rules import all_rules


def test_every_code_is_explained() -> None:
    deep = {code: rule for code, rule in all_rules().items() if rule.needs == "deep"}
    assert set(deep) == {"QF601", "QF602", "QF703", "QF704"}
    for rule in deep.values():
        assert rule.severity and rule.summary
        assert "\n" not in rule.explanation and rule.example and rule.instead


def test_importing_the_package_does_not_import_paddle() -> None:
    code = ("import sys, qatfix.deep, qatfix.rules.weights.deep_load, qatfix.model.matching\n"
            "from qatfix.deep import match_state_dict, model_sections\n"
            "import qatfix.cli.inspect\n"
            "print(sorted(m for m in ('paddle', 'ppdet', 'requests', 'numpy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_model_sections_follow_references() -> None:
    config = {
        "architecture": "PicoDet",
        "PicoDet": {"backbone": "LCNet", "neck": "LCPAN", "head": "PicoHeadV2"},
        "LCNet": {"scale": 0.75},
        "LCPAN": {"out_channels": 96},
        "PicoHeadV2": {"conv_feat": {"name": "PicoFeat", "feat_in": 96},
                       "loss_class": "VarifocalLoss"},
        "VarifocalLoss": {"use_sigmoid": False},
        "PicoFeat": {},
        "TrainReader": {"batch_size": 8},
        "LearningRate": {"base_lr": 0.1},
        "num_classes": 4,
        "width_mult": 0.5,
        "pretrain_weights": "x.pdparams",
    }
    assert model_sections(config) == {
        "architecture": "PicoDet",
        "PicoDet": config["PicoDet"], "LCNet": {"scale": 0.75}, "LCPAN": {"out_channels": 96},
        "PicoHeadV2": config["PicoHeadV2"], "VarifocalLoss": {"use_sigmoid": False},
        "num_classes": 4, "width_mult": 0.5,
    }
