"""QF101-QF104, QF201 and QF501 on trees written by the tests."""
from __future__ import annotations

from pathlib import Path

import pytest

from qatfix.run.engine import check
from qatfix.run.plan import Run
from qatfix.run.request import CheckRequest
from qatfix.errors import ConfigError
from qatfix.registry.signatures import checkpoint_elements
from tests.conftest import trained_checkpoint
from tests.rules.helpers import ESNET_320, LCNET_320, LCNET_416, codes, picodet_tree, write


def test_right_weights_give_no_weights_finding(tmp_path: Path) -> None:
    model, slim = picodet_tree(tmp_path)
    assert codes(check(Run(model, slim))) == ["QF501"]


def test_legacy_esnet_weights_are_qf101_with_safe_fix(tmp_path: Path) -> None:
    model, slim = picodet_tree(tmp_path, weights=ESNET_320)
    (finding,) = [f for f in check(Run(model, slim)) if f.code == "QF101"]
    assert finding.severity == "error" and finding.location.line == 1
    assert "backbone ESNet(scale 0.75) in weights, LCNet(scale 0.75) in model" in finding.message
    assert finding.fix is not None and finding.fix.safety == "safe"
    assert finding.fix.edits[0].new_text == f"pretrain_weights: {LCNET_320}\n"
    # besides the in-place edit, only a new slim file for this model (no other run reads it)
    assert all(a.safety == "unsafe" for a in finding.alternatives if not a.slim_config)


def test_wrong_variant_only_warns_in_plain_training(tmp_path: Path) -> None:
    model, _ = picodet_tree(tmp_path, leaf_extra=f"pretrain_weights: {ESNET_320}\n")
    (finding,) = [f for f in check(Run(model)) if f.code == "QF101"]
    assert finding.severity == "warning"


def test_backbone_checkpoint_of_another_scale_cannot_load(tmp_path: Path) -> None:
    other = ("https://paddle-imagenet-models-name.bj.bcebos.com/dygraph/legendary_models/"
             "PPLCNet_x2_0_pretrained.pdparams")
    model, _ = picodet_tree(tmp_path, leaf_extra=f"pretrain_weights: {other}\n")
    (finding,) = [f for f in check(Run(model)) if f.code == "QF101"]
    assert finding.severity == "error" and "cannot load" in finding.message


def test_backbone_checkpoint_in_qat_is_qf102(tmp_path: Path) -> None:
    backbone = ("https://paddle-imagenet-models-name.bj.bcebos.com/dygraph/legendary_models/"
                "PPLCNet_x0_75_pretrained.pdparams")
    model, slim = picodet_tree(tmp_path, weights=backbone)
    write(tmp_path, "output/model/model_final.pdparams", "")
    found = [f for f in check(Run(model, slim)) if f.code == "QF102"]
    assert len(found) == 1 and found[0].severity == "error"
    assert found[0].fix is not None and found[0].fix.value == "output/model/model_final"


def test_416_weights_on_320_readers_is_qf201(tmp_path: Path) -> None:
    model, slim = picodet_tree(tmp_path, weights=LCNET_416)
    (finding,) = [f for f in check(Run(model, slim)) if f.code == "QF201"]
    assert finding.severity == "error"
    assert finding.fix is not None and finding.fix.value == LCNET_320
    plain = [f for f in check(Run(model), CheckRequest(options=(f"pretrain_weights={LCNET_416}",))) if f.code == "QF201"]
    assert plain and plain[0].severity == "warning"


def test_class_count_difference_is_info_or_qat_warning(tmp_path: Path) -> None:
    model, slim = picodet_tree(tmp_path, leaf_extra="num_classes: 4\n")
    train = [f for f in check(Run(model), CheckRequest(options=(f"pretrain_weights={LCNET_320}",))) if f.code == "QF104"]
    assert [f.severity for f in train] == ["info"]
    qat = [f for f in check(Run(model, slim)) if f.code == "QF104"]
    assert [f.severity for f in qat] == ["warning"]
    assert "QAT should start from the float model" in qat[0].message


def test_missing_local_weights_and_windows_paths(tmp_path: Path) -> None:
    model, _ = picodet_tree(tmp_path)
    slim = write(tmp_path, "configs/slim/local.yml",
                 "pretrain_weights: D:/PaddleDetection/model20\nslim: QAT\n")
    (finding,) = [f for f in check(Run(model, slim)) if f.code == "QF103"]
    assert "Windows path" in finding.message and finding.severity == "error"
    trained_checkpoint(tmp_path / "output" / "mine.pdparams")
    ok = write(tmp_path, "configs/slim/ok.yml", "pretrain_weights: output/mine\nslim: QAT\n")
    assert "QF103" not in codes(check(Run(model, ok)))
    # a file that is no state dict is bad input, as every weights file qatfix reads
    write(tmp_path, "output/mine.pdparams", "")
    with pytest.raises(ConfigError, match="not a paddle state dict"):
        check(Run(model, ok))


def test_qat_without_weights_is_qf103(tmp_path: Path) -> None:
    model, _ = picodet_tree(tmp_path, leaf_extra="pretrain_weights: null\n")
    slim = write(tmp_path, "configs/slim/none.yml", "slim: QAT\n")
    (finding,) = [f for f in check(Run(model, slim)) if f.code == "QF103"]
    assert "randomly initialised" in finding.message


def test_qf501_states_float_and_int8_sizes_when_known(tmp_path: Path) -> None:
    model, slim = picodet_tree(tmp_path)
    (finding,) = [f for f in check(Run(model, slim)) if f.code == "QF501"]
    assert finding.severity == "info"
    # a checkpoint holds the state dict: ppdet's build of the config, from the signature store,
    # sized as --deep sizes the model it builds (int8 for the quantized weights, with scales)
    count = checkpoint_elements("configs/picodet/picodet_s_320_coco_lcnet.yml", "develop")
    assert count == 1_249_528
    data = dict(finding.data)
    assert data["float32_bytes"] == count * 4 and count < data["int8_bytes"] < count * 4
    assert (f"({count:,} values in the state dict: {count * 4 / 1e6:.1f} MB as float32 in "
            f"model_final.pdparams, {data['int8_bytes'] / 1e6:.1f} MB once exported as int8)"
            ) in finding.message
    assert finding.headline == ("the QAT checkpoint stays float32 (5.0 MB); int8 (1.5 MB) comes "
                                "from export")


@pytest.mark.parametrize("quant", [False, True])
def test_official_weights_ppdet_cannot_match_are_an_error_in_every_run(tmp_path: Path,
                                                                       quant: bool) -> None:
    """QF101's judgement on the facts of an ambiguous pair (model and weights both holding
    `res5...` and `backbone.res5...`): ppdet raises, so training stops as QAT does."""
    from qatfix.run.engine import contexts
    from qatfix.model.load_forecast import forecast
    from qatfix.registry.loading import OfficialLoading
    from qatfix.rules.weights.fit import check_fit

    model, slim = picodet_tree(tmp_path, weights=ESNET_320)
    if not quant:
        model, _ = picodet_tree(tmp_path / "train", leaf_extra=f"pretrain_weights: {ESNET_320}\n")
    [ctx] = contexts(model, slim if quant else None)
    keys = {"res5.a.weight": (2,), "backbone.res5.a.weight": (2,)}
    loading = forecast(keys, dict(keys), model_classes=80, weights_classes=80)
    ctx.__dict__["official_loading"] = OfficialLoading(loading, 80, 0, "model", "weights")
    [issue] = check_fit(ctx)
    assert issue.severity == "error"
    assert ("raises ValueError: Ambiguity weight backbone.res5.a.weight loaded, it matches at "
            "least res5.a.weight and backbone.res5.a.weight in the model") in issue.message


@pytest.mark.parametrize("classes", [4, 90])
def test_own_checkpoint_at_another_class_count_is_the_class_verdict(tmp_path: Path,
                                                                    classes: int) -> None:
    """The user's own 80-class checkpoint into the same network at fewer or more classes: the
    class layers are the only tensors that do not load (ppdet drops them by shape), so it is a
    class-count warning, not "another network"."""
    model, _ = picodet_tree(tmp_path, leaf_extra=f"num_classes: {classes}\n")
    trained_checkpoint(tmp_path / "output" / "mine.pdparams")
    slim = write(tmp_path, "configs/slim/own.yml", "pretrain_weights: output/mine\nslim: QAT\n")
    found = check(Run(model, slim))
    assert codes(found) == ["QF106", "QF501"]
    (finding,) = [f for f in found if f.code == "QF106"]
    assert finding.severity == "warning"
    assert finding.message.startswith(
        f"pretrain_weights output/mine was trained for 80 classes, the model has num_classes: "
        f"{classes}: 447 of its 463 tensors load, and the 16 class-dependent ones")
