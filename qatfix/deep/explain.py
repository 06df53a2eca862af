"""What the `--deep` codes check, for `qatfix explain`. Plain text; no paddle needed to read it."""
from __future__ import annotations

#: code -> severity the deep check gives it in a QAT/PTQ run
SEVERITIES: dict[str, str] = {"QF601": "error", "QF602": "error", "QF703": "warning",
                              "QF704": "info"}

#: code -> one-line summary
SUMMARIES: dict[str, str] = {
    "QF601": "not every model parameter would load from the weights",
    "QF602": "ppdet would stop with an ambiguity error while loading the weights",
    "QF703": "--deep: pruned_params that are not in the model, or not convolution filters",
    "QF704": "--deep: the layer and shape each pruned_params name is in the built model",
}

EXPLANATIONS: dict[str, str] = {
    "QF703": (
        "Builds the model as tools/train.py does (first, inside a fresh unique-name scope, so "
        "Paddle generates the same parameter names as the real run) and looks up every "
        "pruned_params name. PaddleSlim's FilterPruner.prune_var logs a name it finds no "
        "collection for at debug level only and prunes nothing for it "
        "(paddleslim/dygraph/prune/filter_pruner.py), so a list written for a bigger network "
        "silently prunes less than planned; a name of a bias or batch-norm parameter is no "
        "convolution filter. Example: a list naming conv2d_9999.w_0 on YOLOv3-MobileNetV1, "
        "which has 241 parameters. Fix: choose names the model has (QF704 and `print_params: "
        "True` list them)."
    ),
    "QF704": (
        "Says where each pruned_params name lands in the model ppdet builds: its state-dict key "
        "and shape. Example: on the network a list was written for, yolov3_prune_l1_norm.yml's "
        "conv2d_27.w_0 is neck.yolo_block.0.conv_module.conv0.conv.weight [512, 1024, 1, 1]; "
        "on PicoDet-S LCNet the same name is backbone.blocks6.1.dw_conv.conv.weight "
        "[384, 1, 5, 5], a depthwise convolution of the backbone (the static QF701 warns about "
        "that). Fix: none; it is information, for choosing the names to prune."
    ),
    "QF601": (
        "Builds the model exactly as tools/train.py would (ppdet's load_config, the slim config, "
        "the -o options, create(architecture)), reads the key/shape signature of the weights "
        "the run loads (pretrain_weights; weights for PTQ), and pairs them with ppdet's own "
        "match_state_dict rules: each model key takes the longest weight key equal to it or a "
        "dotted suffix of it, and pairs whose shapes differ are skipped. It reports how many "
        "parameters would load and, per model part (backbone, neck, head), how many are missing "
        "from the weights or differ in shape. This matters because ppdet only prints INFO lines "
        "for what it skips and trains on: a QAT or PTQ run whose weights are not a full fit "
        "quantizes a partly random network and ends far below the float model, with no error. "
        "Example: PicoDet-S-320 LCNet with the legacy ESNet picodet_s_320_coco.pdparams gives "
        "'140 of 463 parameters would load; 323 would train from scratch' (the backbone does not "
        "load at all, 8 head parameters differ in shape). It is an error for QAT/PTQ and "
        "information otherwise (plain training from ImageNet backbone weights loads only the "
        "backbone by design). Fix: point pretrain_weights at the float model of exactly the same "
        "variant; the static weights rules propose it, and that edit is a safe one-line change."
    ),
    "QF602": (
        "Runs ppdet's match_state_dict pairing on the built model and the weights and looks for a "
        "weight key that would load into two model parameters (it is the longest suffix match "
        "for both, with equal shapes). ppdet raises 'Ambiguity weight X loaded, it matches at "
        "least A and B in the model' at that point, so training stops before its first step. "
        "This happens with weights saved from a differently nested model, e.g. a file whose keys "
        "lack the backbone./head. prefixes and repeat between parts. Example: weights holding "
        "'conv.weight' for a model with 'backbone.conv.weight' and 'head.conv.weight'. Fix: use "
        "weights saved from the same architecture (full keys), or rename the keys of the file "
        "with paddle; qatfix proposes no automatic edit for this."
    ),
}
