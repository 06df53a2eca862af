"""Small config trees for rule tests, written by the tests themselves."""
from __future__ import annotations

from pathlib import Path

PICODET_MODEL = """\
architecture: PicoDet
num_classes: 80
metric: COCO
pretrain_weights: https://paddle-imagenet-models-name.bj.bcebos.com/dygraph/legendary_models/PPLCNet_x0_75_pretrained.pdparams
PicoDet: {backbone: LCNet, neck: LCPAN, head: PicoHeadV2}
LCNet: {scale: 0.75, feature_maps: [3, 4, 5]}
LCPAN: {out_channels: 96, use_depthwise: True, num_features: 4}
PicoHeadV2:
  conv_feat: {name: PicoFeat, feat_in: 96, feat_out: 96, num_convs: 2, num_fpn_stride: 4, norm_type: bn, share_cls_reg: True, use_se: True}
  fpn_stride: [8, 16, 32, 64]
  feat_in_chan: 96
  prior_prob: 0.01
  reg_max: 7
  cell_offset: 0.5
  grid_cell_scale: 5.0
  static_assigner_epoch: 100
  use_align_head: True
  static_assigner: {name: ATSSAssigner, topk: 9, force_gt_matching: False}
  assigner: {name: TaskAlignedAssigner, topk: 13, alpha: 1.0, beta: 6.0}
  loss_class: {name: VarifocalLoss, use_sigmoid: False, iou_weighted: True, loss_weight: 1.0}
  loss_dfl: {name: DistributionFocalLoss, loss_weight: 0.5}
  loss_bbox: {name: GIoULoss, loss_weight: 2.5}
  nms: {name: MultiClassNMS, nms_top_k: 1000, keep_top_k: 100, score_threshold: 0.025, nms_threshold: 0.6}
"""

READER = """\
eval_height: &eval_height {size}
eval_width: &eval_width {size}
eval_size: &eval_size [*eval_height, *eval_width]
TrainReader:
  batch_transforms:
  - BatchRandomResize: {{target_size: [256, 288, 320, 352, 384, 416, 448], keep_ratio: False}}
EvalReader:
  sample_transforms:
  - Decode: {{}}
  - Resize: {{interp: 2, target_size: *eval_size, keep_ratio: False}}
TestReader:
  inputs_def:
    image_shape: [1, 3, *eval_height, *eval_width]
  sample_transforms:
  - Resize: {{interp: 2, target_size: *eval_size, keep_ratio: False}}
"""

LCNET_320 = "https://paddledet.bj.bcebos.com/models/picodet_s_320_coco_lcnet.pdparams"
LCNET_416 = "https://paddledet.bj.bcebos.com/models/picodet_s_416_coco_lcnet.pdparams"
ESNET_320 = "https://paddledet.bj.bcebos.com/models/picodet_s_320_coco.pdparams"

QUANT = """\
pretrain_weights: {weights}
slim: QAT
QAT:
  quant_config: {{weight_quantize_type: channel_wise_abs_max, activation_quantize_type: moving_average_abs_max, weight_bits: 8, activation_bits: 8, dtype: int8, window_size: 10000, moving_rate: 0.9, quantizable_layer_type: [Conv2D, Linear]}}
  print_model: False
"""


def write(root: Path, rel: str, text: str) -> str:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return str(path)


def picodet_tree(root: Path, size: int = 320, weights: str = LCNET_320,
                 leaf_extra: str = "") -> tuple[str, str]:
    """A PicoDet-S LCNet model config at `size` and a QAT slim config loading `weights`."""
    write(root, "configs/picodet/_base_/model.yml", PICODET_MODEL)
    for s in (320, 416):
        write(root, f"configs/picodet/_base_/reader_{s}.yml", READER.format(size=s))
    model = write(root, "configs/picodet/model.yml",
                  f"_BASE_: [\n  '_base_/model.yml',\n  '_base_/reader_{size}.yml',\n]\n"
                  f"weights: output/model/model_final\n{leaf_extra}")
    slim = write(root, "configs/slim/quant.yml", QUANT.format(weights=weights))
    return model, slim


def codes(findings: list) -> list[str]:  # type: ignore[type-arg]
    return [f.code for f in findings]
