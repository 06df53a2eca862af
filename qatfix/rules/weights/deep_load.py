"""QF601, QF602: the exact load report of `--deep` (ppdet builds the model, paddle reads the
weights). `qatfix.deep.load_report` makes the findings; the engine never calls their `check`."""
from __future__ import annotations

from qatfix.rules.base import Rule, made_elsewhere

_FIX_SAFETY = "no automatic fix from --deep itself; QF101/QF201 propose the weights."

PARTLY_LOADED = Rule(
    code="QF601", name="weights-partly-loaded", severity="error",
    situations=(("info",
                "outside QAT and PTQ, where the layers that do not load train anyway"),),
    needs="deep",
    summary="not every model parameter would load from the weights",
    explanation=(
        "Builds the model exactly as tools/train.py would (ppdet's load_config, the slim config, "
        "the -o options, create(architecture)), reads the key/shape signature of the weights "
        "the run loads (pretrain_weights; weights for PTQ), and pairs them with ppdet's own "
        "match_state_dict rules: each model key takes the longest weight key equal to it or a "
        "dotted suffix of it, and pairs whose shapes differ are skipped. It reports how many "
        "parameters would load and, per model part (backbone, neck, head), how many are missing "
        "from the weights or differ in shape. This matters because ppdet only prints INFO lines "
        "for what it skips and trains on: a QAT or PTQ run whose weights are not a full fit "
        "quantizes a partly random network and ends far below the float model, with no error. "
        "PicoDet-S-320 LCNet with the legacy ESNet picodet_s_320_coco.pdparams gives "
        "'140 of 463 parameters would load; 323 would train from scratch' (the backbone does not "
        "load at all, 8 head parameters differ in shape). It is an error for QAT/PTQ and "
        "information otherwise (plain training from ImageNet backbone weights loads only the "
        "backbone by design)."),
    fix_safety=_FIX_SAFETY,
    check=made_elsewhere,
    # a model no official config builds (LCNet at scale 0.5): the static rules name the
    # differing sections without a figure, and --deep's count stands in their place
    example=("qatfix -c configs/example/picodet_lcnet_050.yml --slim_config "
             "configs/slim/quant/picodet_s_quant.yml --deep --offline\n"
             "# configs/example/picodet_lcnet_050.yml\n"
             "_BASE_: [../picodet/picodet_s_320_coco_lcnet.yml]\n"
             "LCNet:\n"
             "  scale: 0.5\n"),
    instead=("pretrain_weights: https://paddledet.bj.bcebos.com/models/"
             "picodet_s_320_coco_lcnet.pdparams  (the float model of exactly this variant; the "
             "static weights rules propose it as a safe one-line change)"),
    evidence=("ppdet/utils/checkpoint.py `match_state_dict` (longest dotted-suffix match, shape "
              "check) and `load_pretrain_weight` (logs skipped keys at INFO and loads the rest); "
              "tests/deep compares qatfix's counts with ppdet's own on real models."),
)

AMBIGUOUS = Rule(
    code="QF602", name="weights-ambiguous", severity="error", needs="deep",
    summary="ppdet would stop with an ambiguity error while loading the weights",
    explanation=(
        "Runs ppdet's match_state_dict pairing on the built model and the weights and looks for a "
        "weight key that would load into two model parameters (it is the longest suffix match "
        "for both, with equal shapes). ppdet raises 'Ambiguity weight X loaded, it matches at "
        "least A and B in the model' at that point, so training stops before its first step. "
        "This happens with weights saved from a differently nested model, e.g. a file whose keys "
        "lack the backbone./head. prefixes and repeat between parts: weights holding "
        "'conv.weight' for a model with 'backbone.conv.weight' and 'head.conv.weight'."),
    fix_safety=_FIX_SAFETY,
    check=made_elsewhere,
    #: short_keys.pdparams: the model's own state dict with every key cut to its last two parts
    #: (`weight`-ending keys such as 'conv.weight' that backbone and head both end with)
    example=("qatfix -c configs/picodet/picodet_s_320_coco_lcnet.yml --deep --offline "
             "-o pretrain_weights=short_keys.pdparams"),
    instead=("weights saved from the same architecture (full keys), or the file's keys renamed "
             "with paddle; qatfix proposes no automatic edit for this"),
    evidence=("ppdet/utils/checkpoint.py `match_state_dict` raises 'Ambiguity weight {} loaded, "
              "it matches at least {} and {} in the model' when one weight key is the best match "
              "of two model keys."),
)

RULES = (PARTLY_LOADED, AMBIGUOUS)
