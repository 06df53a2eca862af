"""QF703, QF704: under `--deep`, each `pruned_params` name looked up in the model ppdet builds.
`qatfix.deep.prune_names` makes the findings; the engine never calls their `check`."""
from __future__ import annotations

from qatfix.rules.base import Rule, made_elsewhere

#: a pruning slim config naming one real filter, one name the model lacks and one batch-norm
#: parameter, on the network the official YOLOv3 list was written for
_EXAMPLE = """\
qatfix -c configs/yolov3/yolov3_mobilenet_v1_270e_voc.yml --slim_config configs/example/mixed_prune.yml --deep --offline
# configs/example/mixed_prune.yml
pretrain_weights: https://paddledet.bj.bcebos.com/models/yolov3_mobilenet_v1_270e_voc.pdparams
slim: Pruner
Pruner:
  criterion: fpgm
  pruned_params: [conv2d_27.w_0, conv2d_9999.w_0, batch_norm2d_3.w_0]
  pruned_ratios: [0.1, 0.2, 0.2]
  print_params: False
"""

_EVIDENCE = (
    "PaddleSlim's FilterPruner.prune_var (paddleslim/dygraph/prune/filter_pruner.py) logs a "
    "name it finds no collection for at debug level only and prunes nothing for it; ppdet's "
    "ppdet/slim/prune.py passes `pruned_params` to the pruner as written. Names are Paddle's "
    "auto-generated `param.name`, given in construction order; qatfix builds the model first in "
    "a fresh unique-name scope, as tools/train.py does.")

NOT_PRUNED = Rule(
    code="QF703", name="pruned-params-not-filters", severity="warning", needs="deep",
    summary="--deep: pruned_params that are not in the model, or not convolution filters",
    explanation=(
        "Builds the model as tools/train.py does and looks up every pruned_params name. A name "
        "the model does not have prunes nothing, silently, so a list written for a bigger "
        "network prunes less than planned; a name of a bias or batch-norm parameter is no "
        "convolution filter [out_c, in_c, k, k]."),
    fix_safety="no automatic fix: which layers to prune is the user's choice (QF704 lists "
               "where each name lands).",
    check=made_elsewhere,
    example=_EXAMPLE,
    instead="pruned_params the model has as convolution weights: QF704, or ppdet's "
            "`print_params: True`, lists them",
    evidence=_EVIDENCE,
)

WHERE_PRUNED = Rule(
    code="QF704", name="pruned-params-layers", severity="info", needs="deep",
    summary="--deep: the layer and shape each pruned_params name is in the built model",
    explanation=(
        "Says where each pruned_params name lands in the model ppdet builds: its state-dict key "
        "and shape. On the network the official YOLOv3 list was written for, conv2d_27.w_0 is "
        "neck.yolo_block.0.conv_module.conv0.conv.weight [512, 1024, 1, 1]; on PicoDet-S LCNet "
        "the same name is a depthwise convolution of the backbone (the static QF701 warns about "
        "that)."),
    fix_safety="none: it is information, for choosing the names to prune.",
    check=made_elsewhere,
    example=_EXAMPLE,
    instead="nothing to change: read it to check that each name is the layer meant",
    evidence=_EVIDENCE,
)

RULES = (NOT_PRUNED, WHERE_PRUNED)
