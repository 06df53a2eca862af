"""The weights verdicts on look-alike pairs of the develop zoo, run as a user runs qatfix.

Each case is a real config of the develop tree with official weights; what ppdet's loader does
with them is the committed signatures' matching (see tests/truth/). Run in a fresh process
(`python -m qatfix --format json`) from the tree's root, as users run tools/train.py.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from qatfix.registry import load_registry
from qatfix.registry.signatures import signature_of
from tests.conftest import tree

pytestmark = pytest.mark.corpus


def _url(name: str) -> str:
    [entry] = [e for e in load_registry().get_name(name) if e.kind == "detector" or
               e.kind == "pretrained"][:1]
    return entry.url


def _report(root: Path, *args: str, expect: int | None = None) -> dict:  # type: ignore[type-arg]
    """The JSON report of one run; `expect`: the exit code it must have (else 0 or 1)."""
    done = subprocess.run([sys.executable, "-m", "qatfix", "--format", "json", *args], cwd=root,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode in ((0, 1) if expect is None else (expect,)), done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def _findings(root: Path, *args: str, expect: int | None = None) -> dict[str, dict]:
    return {f["code"]: f for f in _report(root, *args, expect=expect)["findings"]}


def _needs(*configs: str) -> None:
    missing = [c for c in configs if signature_of("develop", c) is None]
    if missing:
        pytest.fail(f"the signature store has no develop signature for {missing}")


def test_the_seed_pair_gives_ppdets_figure() -> None:
    root = tree("develop")
    found = _findings(root, "-c", "configs/picodet/picodet_s_320_coco_lcnet.yml",
                      "--slim_config", "configs/slim/quant/picodet_s_quant.yml")
    assert found["QF101"]["severity"] == "error"
    assert "140 of 463 state-dict tensors load; 323 start at their initial values" in \
        found["QF101"]["message"]


def test_an_official_recipe_starting_from_objects365_is_no_warning_in_training() -> None:
    root = tree("develop")
    config = "configs/ppyoloe/ppyoloe_plus_crn_l_80e_coco.yml"
    _needs(config, "configs/ppyoloe/objects365/ppyoloe_plus_crn_l_60e_objects365.yml")
    found = _findings(root, config)
    assert all(f["severity"] == "info" for f in found.values()), found
    start = found["QF101"]
    assert start["data"]["recipe_start"] and (start["data"]["loaded"], start["data"]["tensors"]) \
        == (747, 771)
    assert "747 of 771 state-dict tensors load" in start["message"] and "alpha" in start["message"]


def test_the_same_start_in_qat_is_an_error(tmp_path: Path) -> None:
    root = tree("develop")
    config = "configs/ppyoloe/ppyoloe_plus_crn_l_80e_coco.yml"
    slim = tmp_path / "qat.yml"
    slim.write_text(f"pretrain_weights: {_url('ppyoloe_crn_l_obj365_pretrained')}\nslim: QAT\n"
                    "QAT:\n  quant_config: {weight_quantize_type: channel_wise_abs_max}\n",
                    encoding="utf-8")
    found = _findings(root, "-c", config, "--slim_config", str(slim))
    assert found["QF102"]["severity"] == "error" and "QF101" not in found


@pytest.mark.parametrize(("config", "weights"), [
    ("configs/mot/jde/jde_darknet53_30e_576x320.yml", "jde_darknet53_30e_1088x608"),
    ("configs/fcos/fcos_r50_fpn_1x_coco.yml", "denseteacher_fcos_r50_fpn_coco_full"),
])
def test_weights_whose_every_tensor_loads_are_no_qf101(config: str, weights: str) -> None:
    root = tree("develop")
    entry = load_registry().get_name(weights)[0]
    _needs(config, entry.config or "")
    found = _findings(root, config, "-o", f"pretrain_weights={entry.url}")
    assert "QF101" not in found and "QF104" not in found


def test_a_smaller_sibling_loading_everything_is_qf105_not_qf101() -> None:
    root = tree("develop")
    config = "configs/gfl/gfl_r18vd_1x_coco.yml"
    _needs(config, "configs/gfl/gfl_r34vd_1x_coco.yml")
    found = _findings(root, config, "-o", f"pretrain_weights={_url('gfl_r34vd_1x_coco')}",
                      expect=0)
    assert "QF101" not in found
    assert list(found) == ["QF105"]
    assert found["QF105"]["severity"] == "info"
    assert "state-dict tensors of the model load, but" in found["QF105"]["message"]


def test_the_checkouts_own_ppdet_builds_the_model() -> None:
    """release-2.6 builds METRO's tokens with other shapes than develop, whose README lists the
    weights: the model's side is release-2.6's signature, the weights' side develop's."""
    root = tree("release-2.6")
    config = "configs/pose3d/metro3d_24kpts.yml"
    ours, theirs = signature_of("release-2.6", config), signature_of("develop", config)
    assert ours is not None and theirs is not None and ours.shapes != theirs.shapes
    found = _findings(root, "-c", config, "-o", f"pretrain_weights={_url('metro3d_24kpts')}",
                      expect=1)
    assert list(found) == ["QF101"]
    message = found["QF101"]["message"]
    assert "of PaddleDetection develop, which this checkout's ppdet (release-2.6) builds" in message
    assert "1865 of 1867 state-dict tensors load" in message
    # in develop, where the README lists them, the same weights fit
    report = _report(tree("develop"), "-c", config,
                     "-o", f"pretrain_weights={_url('metro3d_24kpts')}", expect=0)
    assert "QF101" not in {f["code"] for f in report["findings"]}
    # checked, and clear: nothing reported, nothing left unchecked
    assert report["findings"] == [] and report["summary"]["total"] == 0
    assert report["summary"]["unchecked"] == 0
