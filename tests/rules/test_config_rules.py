"""QF001, QF202, QF203, QF301, QF401-QF403, selection and suppression."""
from __future__ import annotations

from pathlib import Path

from qatfix.run.engine import check
from qatfix.run.plan import Run
from qatfix.run.request import CheckRequest
from tests.rules.helpers import LCNET_320, QUANT, codes, picodet_tree, write


def test_leaf_eval_height_over_base_anchor_is_qf203_with_base_fix(tmp_path: Path) -> None:
    model, slim = picodet_tree(tmp_path, leaf_extra="eval_height: 416\neval_width: 416\n")
    found = [f for f in check(Run(model, slim)) if f.code == "QF203"]
    assert {f.location.line for f in found} == {6, 7}
    height = next(f for f in found if f.location.line == 6)
    assert "still use 320" in height.message and "EvalReader" in height.message
    assert height.fix is not None and height.fix.value == "_base_/reader_416.yml"
    assert height.fix.safety == "unsafe"
    (edit,) = height.fix.edits
    assert edit.old_text == "  '_base_/reader_320.yml',\n"
    assert edit.new_text == "  '_base_/reader_416.yml',\n"


def test_reader_sizes_that_disagree_are_qf202(tmp_path: Path) -> None:
    model, slim = picodet_tree(
        tmp_path, leaf_extra="TestReader:\n  inputs_def:\n    image_shape: [1, 3, 416, 416]\n")
    (finding,) = [f for f in check(Run(model, slim)) if f.code == "QF202"]
    assert "416x416" in finding.message and "320x320" in finding.message
    assert finding.fix is not None
    assert finding.fix.edits[0].new_text == "    image_shape: [1, 3, 320, 320]\n"


def test_invalid_quant_config_is_qf301(tmp_path: Path) -> None:
    model, _ = picodet_tree(tmp_path)
    slim = write(tmp_path, "configs/slim/bad.yml", QUANT.format(weights=LCNET_320).replace(
        "activation_quantize_type: moving_average_abs_max",
        "activation_quantize_type: channel_wise_abs_max, weight_quantize_typ: abs_max").replace(
        "weight_bits: 8", "weight_bits: 32"))
    found = {f.message.split(" ")[0]: f for f in check(Run(model, slim)) if f.code == "QF301"}
    assert set(found) == {"activation_quantize_type", "quant_config", "weight_bits"}
    assert found["quant_config"].severity == "warning"
    assert "did you mean 'weight_quantize_type'" in found["quant_config"].message
    assert found["weight_bits"].severity == "error"


def test_duplicate_key_is_qf401_and_its_fix_deletes_the_first(tmp_path: Path) -> None:
    model, _ = picodet_tree(tmp_path)
    slim = write(tmp_path, "configs/slim/dup.yml",
                 f"pretrain_weights: {LCNET_320}\nslim: QAT\nepoch: 10\nsnapshot_epoch: 1\nepoch: 20\n")
    (finding,) = [f for f in check(Run(model, slim)) if f.code == "QF401"]
    assert finding.location.line == 3 and finding.related[0].line == 5
    assert finding.fix is not None and finding.fix.safety == "safe"
    (edit,) = finding.fix.edits
    assert (edit.start_line, edit.old_text, edit.new_text) == (3, "epoch: 10\n", "")


def test_exponent_without_dot_is_qf402(tmp_path: Path) -> None:
    model, slim = picodet_tree(tmp_path, leaf_extra="LearningRate:\n  base_lr: 1e-4\n")
    (finding,) = [f for f in check(Run(model, slim)) if f.code == "QF402"]
    assert finding.fix is not None and finding.fix.edits[0].new_text == "  base_lr: 0.0001\n"
    quoted, _ = picodet_tree(tmp_path / "q", leaf_extra="LearningRate:\n  base_lr: '1e-4'\n")
    assert "QF402" not in codes(check(Run(quoted)))


def test_ptq_config_with_pretrain_weights_is_qf403(tmp_path: Path) -> None:
    model, _ = picodet_tree(tmp_path)
    slim = write(tmp_path, "configs/slim/ptq.yml",
                 "pretrain_weights: output/model/model_final\nslim: PTQ\nPTQ:\n  ptq_config: {}\n")
    (finding,) = [f for f in check(Run(model, slim)) if f.code == "QF403"]
    assert finding.fix is not None
    assert finding.fix.edits[0].new_text == "weights: output/model/model_final\n"


def test_slim_config_alone_is_qf001(tmp_path: Path) -> None:
    _, slim = picodet_tree(tmp_path)
    assert "QF001" in codes(check(Run(slim)))


def test_select_ignore_and_inline_suppression(tmp_path: Path) -> None:
    model, slim = picodet_tree(tmp_path, leaf_extra="LearningRate:\n  base_lr: 1e-4\n")
    assert codes(check(Run(model, slim), CheckRequest(select=("QF4",)))) == ["QF402"]
    assert "QF402" not in codes(check(Run(model, slim), CheckRequest(ignore=("QF402",))))
    original = Path(model).read_text()

    def with_comment(comment: str) -> list[str]:
        Path(model).write_text(original.replace("base_lr: 1e-4", f"base_lr: 1e-4  {comment}"))
        return codes(check(Run(model, slim)))

    assert "QF402" not in with_comment("# qatfix: ignore[QF402]")
    assert "QF402" not in with_comment("# qatfix: ignore")  # every code on the line
    assert "QF402" not in with_comment("#qatfix:ignore[QF999, qf402]")
    # another code named, or the comment on another line: the finding stays
    assert "QF402" in with_comment("# qatfix: ignore[QF201]")
    assert "QF402" in with_comment("# qatfix: ignore[QF4020]")
    Path(model).write_text(original.replace("LearningRate:", "LearningRate:  # qatfix: ignore[QF402]"))
    assert "QF402" in codes(check(Run(model, slim)))


def test_distill_checks_student_and_teacher_against_their_own_weights(tmp_path: Path) -> None:
    model, _ = picodet_tree(tmp_path, leaf_extra=f"pretrain_weights: {LCNET_320}\n")
    teacher = write(tmp_path, "configs/slim/distill.yml",
                    "_BASE_: ['../picodet/model.yml']\nslim: Distill\n"
                    "pretrain_weights: https://paddledet.bj.bcebos.com/models/picodet_s_320_coco.pdparams\n")
    found = check(Run(model, teacher))
    (qf101,) = [f for f in found if f.code == "QF101"]
    assert qf101.location.path == teacher and qf101.severity == "warning"


def test_option_overruled_by_the_slim_config_at_load_time_is_qf404(tmp_path: Path) -> None:
    model, slim = picodet_tree(tmp_path)
    found = check(Run(model, slim), CheckRequest(options=("pretrain_weights=output/mine/model_final",)))
    (finding,) = [f for f in found if f.code == "QF404"]
    assert finding.location.path == "<-o>" and finding.severity == "error"
    assert "has no effect" in finding.message
    # the weights rules judge what is really loaded: the slim config's value
    assert "QF103" not in codes(found)
    # an option the slim config does not set is loaded as given
    plain = check(Run(model, write(tmp_path, "configs/slim/q2.yml", "slim: QAT\n")),
                  CheckRequest(options=("pretrain_weights=output/mine/model_final",)))
    assert "QF404" not in codes(plain) and "QF103" in codes(plain)


def test_a_fix_for_a_shared_base_becomes_an_override_in_the_named_config(tmp_path: Path) -> None:
    write(tmp_path, "configs/picodet/_base_/optimizer.yml", "LearningRate:\n  base_lr: 1e-4\n")
    model, slim = picodet_tree(tmp_path)
    text = Path(model).read_text().replace("'_base_/model.yml',", "'_base_/model.yml',\n  '_base_/optimizer.yml',")
    Path(model).write_text(text)
    (finding,) = [f for f in check(Run(model, slim)) if f.code == "QF402"]
    assert finding.location.path.endswith("_base_/optimizer.yml")
    assert finding.fix is not None and "as an override in model.yml" in finding.fix.title
    (edit,) = finding.fix.edits
    assert edit.path == model and edit.new_text.endswith("LearningRate:\n  base_lr: 0.0001\n")
