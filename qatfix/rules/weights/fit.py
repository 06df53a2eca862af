"""QF101: the weights were trained as another network; QF104: only the class count differs."""
from __future__ import annotations

from typing import Any, Iterator

from qatfix.model.family import zoo_name
from qatfix.model.load_forecast import classes_text, describe_keys
from qatfix.rules.base import Issue, Rule
from qatfix.rules.context import CheckContext
from qatfix.rules.quant.dead_keys import misspelt_weights_note
from qatfix.rules.example_text import QAT_SECTION
from qatfix.rules.weights.candidates import candidate_fixes
from qatfix.rules.weights.local import local_loading
from qatfix.findings import Location
from qatfix.registry.loading import recipe_start_weights, weights_signature
from qatfix.registry.urls import canonical_url
from qatfix.registry.loading import OfficialLoading
from qatfix.registry.records import WeightEntry


#: the code of "what the weights load was not checked" (an info counted as not checked)
NOT_CHECKED = "QF107"


def _parse_backbone(text: str) -> tuple[str, dict[str, str]]:
    """`LCNet(scale 0.75)` -> ("LCNet", {"scale": "0.75"})."""
    name, _, rest = text.partition("(")
    settings = {}
    for part in rest.rstrip(")").split(","):
        key, _, value = part.strip().partition(" ")
        if key:
            settings[key] = value
    return name.strip(), settings


def backbones_differ(in_weights: str, in_model: str) -> bool:
    """Different backbone class, or a setting both name (scale, depth, ...) that differs."""
    name_w, settings_w = _parse_backbone(in_weights)
    name_m, settings_m = _parse_backbone(in_model)
    if name_w != name_m:
        return True
    return any(settings_w[k] != settings_m[k] for k in settings_w.keys() & settings_m.keys())


def _backbone_issue(ctx: CheckContext, entry: WeightEntry) -> Iterator[Issue]:
    model_backbone = ctx.identity.backbone
    if not entry.backbone or not model_backbone or not backbones_differ(entry.backbone,
                                                                         model_backbone):
        return
    yield Issue(
        message=(f"{ctx.weights_key} {entry.name} is an ImageNet {entry.backbone} checkpoint, but "
                 f"the model's backbone is {model_backbone}: its weights cannot load"),
        location=ctx.location((ctx.weights_key,)),
        severity="error",
    )


def _trained_with(entry: WeightEntry) -> str:
    return f" with {entry.config}" if entry.config else ""


def _trained_as(ctx: CheckContext, entry: WeightEntry) -> str:
    """How the weights' network and the model's differ: in sections, or (the same YAML) in the
    ppdet version that builds it."""
    checkout = ctx.checkout_tree
    if entry.config and entry.tree and checkout and entry.tree != checkout \
            and not ctx.weights_differences:
        return (f" was trained with {entry.config} of PaddleDetection {entry.tree}, which this "
                f"checkout's ppdet ({checkout}) builds as another network")
    return f" was trained{_trained_with(entry)} as another network"


def _recipe_start(ctx: CheckContext, entry: WeightEntry) -> bool:
    """Whether an official config of exactly this network starts its training from `entry`:
    then the tensors that do not load are how that recipe is meant to begin."""
    return canonical_url(entry.url) in recipe_start_weights(ctx.identity)


def _zoo_text(difference: Any, weights_config: str | None, model_config: str | None) -> str:
    """A difference as the user reads it: another detector named as the zoo names it
    (PP-YOLOE, not ppdet's class YOLOv3)."""
    if difference.where != "architecture":
        return str(difference.message)
    in_weights = zoo_name(weights_config, difference.in_weights) or difference.in_weights
    in_model = zoo_name(model_config, difference.in_model) or difference.in_model
    if in_weights == in_model:
        return str(difference.message)
    return f"another detector: {in_weights} in weights, {in_model} in model"


def _section_text(differences: Any, weights_config: str | None = None,
                  model_config: str | None = None) -> str:
    what = "; ".join(_zoo_text(d, weights_config, model_config) for d in differences[:3])
    more = f" (+{len(differences) - 3} more)" if len(differences) > 3 else ""
    return what + more


def _first_difference(differences: Any) -> str:
    """`backbone ESNet, the model LCNet`: the first way two networks differ, in few words
    (a backbone by its class alone when the classes differ)."""
    if not differences:
        return "another network"
    first = differences[0]
    if not isinstance(first.in_weights, str) or not isinstance(first.in_model, str):
        return first.message
    in_weights, in_model = first.in_weights, first.in_model
    if first.where == "backbone":
        name_w, name_m = _parse_backbone(in_weights)[0], _parse_backbone(in_model)[0]
        if name_w != name_m:
            in_weights, in_model = name_w, name_m
    return f"{first.where} {in_weights}, the model {in_model}"


def _fit_issue(ctx: CheckContext, entry: WeightEntry, what: str, figure: str,
               facts: tuple[tuple[str, Any], ...] = ()) -> Issue:
    """QF101 for `entry`: `what` says what ppdet will load (the figure, or why there is none),
    `figure` the same in a few words for the headline."""
    differences = ctx.weights_differences or ()
    fixes = candidate_fixes(ctx)
    # the legacy note bears on this run only when the weights that supersede them are proposed
    proposed = {f.value for f in fixes}
    superseding = {e.url for e in ctx.registry.get_name(entry.superseded_by)} \
        if entry.superseded_by else set()
    legacy = f"; it is a legacy model superseded by {entry.superseded_by}" \
        if superseding & proposed else ""
    misspelt, related = misspelt_weights_note(ctx)
    return Issue(
        message=(f"{ctx.weights_key} {entry.name}{misspelt}{_trained_as(ctx, entry)}{what}"
                 f"{legacy}"),
        headline=f"{ctx.weights_key} {entry.name} have {_first_difference(differences)}: {figure}",
        location=ctx.location((ctx.weights_key,)),
        related=related,
        fixes=fixes,
        severity="error" if ctx.mode != "train" else "warning",
        data=(("weights", entry.name), ("differences", [d.where for d in differences]), *facts),
    )


def _exact_fit_issue(ctx: CheckContext, entry: WeightEntry, loading: OfficialLoading) -> Issue:
    differences = ctx.weights_differences or ()
    network = (f" ({_section_text(differences, entry.config, ctx.config_path)})"
               if differences else "")
    return _fit_issue(
        ctx, entry, f"{network}: {loading.summary()}. ppdet prints only INFO lines about it",
        loading.figure(),
        (("loaded", loading.loaded), ("tensors", loading.total),
         ("at_defaults", loading.at_defaults), ("signature", loading.model_source)))


def _ambiguity_issue(ctx: CheckContext, entry: WeightEntry, loading: Any) -> Issue:
    """ppdet raises while matching: the run stops, in training as in QAT (an error always)."""
    result = loading.forecast.result
    return Issue(
        message=(f"{ctx.weights_key} {entry.name} cannot be loaded into this model: ppdet's "
                 f"match_state_dict raises ValueError: {result.error}; the run stops before "
                 "its first step"),
        location=ctx.location((ctx.weights_key,)), fixes=candidate_fixes(ctx), severity="error",
        data=(("weights", entry.name), ("ambiguities", [[a.weight_key, a.first_model_key,
                                                        a.model_key] for a in result.ambiguities])))


def _recipe_start_issue(ctx: CheckContext, entry: WeightEntry, loading: Any) -> Issue:
    """An official recipe of this network starts from `entry` on purpose: the figure, at info."""
    return Issue(
        message=(f"{ctx.weights_key} {entry.name} is where official configs of this network start "
                 f"their training: {loading.summary()}; the tensors that do not load start fresh, "
                 "as the recipe intends"),
        headline=(f"{ctx.weights_key} {entry.name}, an official recipe's start: "
                  f"{loading.figure()}; the rest starts fresh, as intended"),
        fact=("official recipe start weights of this network: the tensors that do not load "
              "start fresh, as the recipe intends"),
        location=ctx.location((ctx.weights_key,)),
        severity="info",
        data=(("weights", entry.name), ("loaded", loading.loaded), ("tensors", loading.total),
              ("at_defaults", loading.forecast.at_defaults), ("recipe_start", True)),
    )


def _section_fit_issue(ctx: CheckContext, entry: WeightEntry, differences: Any) -> Issue:
    return _fit_issue(
        ctx, entry, f": {_section_text(differences, entry.config, ctx.config_path)}. ppdet loads only the tensors whose names and "
        "shapes match, printing nothing but INFO lines; no official config builds this exact "
        "model, so run `qatfix --deep` to count them",
        "the tensors that differ start from scratch (--deep counts them)")


def _loadable_detector(ctx: CheckContext, entry: WeightEntry) -> bool:
    if entry.model is None or not entry.is_float_model and entry.kind != "pretrained":
        return False
    # a pre-training checkpoint in QAT/PTQ is QF102's error, whatever loads of it
    return not (entry.kind == "pretrained" and ctx.is_quant)


def check_fit(ctx: CheckContext) -> Iterator[Issue]:
    entry = ctx.weights_entry
    if entry is None or ctx.identity.architecture is None:
        return
    if entry.kind == "backbone":
        yield from _backbone_issue(ctx, entry)
        return
    if not _loadable_detector(ctx, entry):
        return
    loading = ctx.official_loading
    if loading is not None:
        if loading.forecast.result.ambiguities:
            yield _ambiguity_issue(ctx, entry, loading)
            return
        if loading.verdict != "other":
            return
        if not ctx.is_quant and _recipe_start(ctx, entry):
            yield _recipe_start_issue(ctx, entry, loading)
            return
        yield _exact_fit_issue(ctx, entry, loading)
        return
    differences = ctx.weights_differences
    if differences:
        yield _section_fit_issue(ctx, entry, differences)


def check_unchecked(ctx: CheckContext) -> Iterator[Issue]:
    """QF107: what the weights load into this model is not known from ppdet's builds."""
    release = ctx.facts.unknown_release(ctx.run_root) if ctx.role == "model" else None
    if release is not None:
        yield Issue(
            message=(f"not checked: this checkout's ppdet {release}, which is no release "
                     "qatfix has ppdet builds of (it has develop and release-2.6): the "
                     "signatures, class facts and component names it uses are those releases'; "
                     "run `qatfix --deep` to build the model with this checkout's ppdet"),
            location=Location(ctx.config_path, 0, 0),
            data=(("not_checked", f"ppdet that {release}"),))
    entry = ctx.weights_entry
    if entry is None:
        local = local_loading(ctx)  # a local checkpoint: QF106 judges what the facts tell
        if local is not None and local.unchecked is not None:
            yield Issue(
                message=f"not checked: {local.unchecked}; run `qatfix --deep` to count it with "
                        "ppdet",
                location=ctx.location((ctx.weights_key,)),
                data=(("weights", local.value), ("not_checked", local.unchecked)))
        return
    if ctx.identity.architecture is None or entry.kind == "backbone" \
            or not _loadable_detector(ctx, entry):
        return
    loading = ctx.official_loading
    if loading is not None:
        if loading.unchecked is None:
            return
        what = loading.unchecked
    elif ctx.weights_differences:
        return  # QF101 names the sections and points at --deep
    elif weights_signature(entry) is None:
        what = (f"what of {entry.name} loads into this model (no ppdet build of the config it "
                "was trained with is stored)")
    else:
        what = (f"what of {entry.name} loads into this model (no official config builds this "
                "network)")
    yield Issue(
        message=f"not checked: {what}; run `qatfix --deep` to count it with ppdet",
        location=ctx.location((ctx.weights_key,)),
        data=(("weights", entry.name), ("not_checked", what)),
    )


def _class_advice(ctx: CheckContext) -> str:
    if ctx.is_quant:
        return "QAT should start from the float model you trained on this dataset"
    return "the class-dependent head layers train from scratch, as intended for fine-tuning"


def check_classes(ctx: CheckContext) -> Iterator[Issue]:
    entry = ctx.weights_entry
    identity = ctx.identity
    if entry is None or entry.kind == "backbone" or entry.model is None:
        return
    loading = ctx.official_loading
    model_classes = identity.num_classes if loading is None else loading.model_classes
    if entry.num_classes is None or model_classes is None:
        return
    facts: tuple[tuple[str, Any], ...] = ()
    if loading is not None:
        if loading.verdict != "classes":
            return
        what = f": {loading.summary()}"
        facts = (("loaded", loading.loaded), ("tensors", loading.total),
                 ("class_layers", loading.class_layers))
    elif entry.num_classes == identity.num_classes or ctx.weights_differences:
        return
    else:
        what = ""
    quant = ctx.is_quant
    layers = f"{loading.class_layers} class layers" \
        if loading is not None and loading.class_layers else "the class layers"
    then = (f"QAT should start from your float model of {classes_text(model_classes)}"
            if quant else f"{layers} train from scratch")
    yield Issue(
        message=(f"{ctx.weights_key} {entry.name} was trained for "
                 f"{classes_text(entry.num_classes)}, the model has num_classes: "
                 f"{model_classes}{what}; {_class_advice(ctx)}"),
        headline=(f"{ctx.weights_key} {entry.name} have {classes_text(entry.num_classes)}, the "
                  f"model {model_classes}: {then}"),
        fact="" if quant else ("official weights of another class count: the class layers "
                               "train from scratch, as intended for fine-tuning"),
        location=ctx.location((ctx.weights_key,)),
        related=(ctx.location(("num_classes",)),),
        severity="warning" if quant else "info",
        data=(("weights", entry.name), *facts),
    )


def check_sibling(ctx: CheckContext) -> Iterator[Issue]:
    """Every tensor loads, but from a bigger network: its extra layers are left over."""
    entry = ctx.weights_entry
    if entry is None or entry.kind == "backbone" or not _loadable_detector(ctx, entry):
        return
    loading = ctx.official_loading
    if loading is None or loading.verdict == "other" or not ctx.weights_differences:
        return
    left_over = len(loading.left_over)
    if not left_over:
        return
    yield Issue(
        message=(f"{ctx.weights_key} {entry.name} was trained{_trained_with(entry)} as a bigger "
                 f"network ({_section_text(ctx.weights_differences)}): all {loading.total} "
                 f"state-dict tensors of the model load, but {left_over} tensors of the same "
                 f"parts are left over ({describe_keys(loading.left_over)}): the layers that "
                 "load were trained in a network with more layers or settings than this one"
                 + ("; QAT should start from the float model of this network" if ctx.is_quant
                    else "")),
        headline=(f"{ctx.weights_key} {entry.name} are a bigger network "
                  f"({_first_difference(ctx.weights_differences)}): all {loading.total} tensors "
                  f"load, {left_over} left over"),
        location=ctx.location((ctx.weights_key,)),
        fixes=candidate_fixes(ctx, require_size=True) if ctx.is_quant else (),
        severity="warning" if ctx.is_quant else "info",
        data=(("weights", entry.name), ("left_over", left_over)),
    )


RULES = (
    Rule(code="QF101", name="weights-do-not-fit", severity="error",
         situations=(("warning",
                     "for detector weights of another network in float training (no slim config), "
                     "whose layers that do not load train anyway"),
                     ("info",
                      "in float training from the weights an official recipe of this network "
                      "starts from (Objects365, the COCO model of a VisDrone P2 recipe): the "
                      "figure and what starts fresh, as the recipe intends")),
         summary="The weights were trained as a different network than the config builds.",
         explanation=(
             "Every official config was built with the real ppdet and its state-dict signature "
             "(tensor names and shapes) committed beside the registry. When the weights' "
             "signature against the model's leaves tensors unloaded beyond the class layers, "
             "those tensors keep their initial values: ppdet's `match_state_dict` pairs tensors "
             "by name suffix and shape and says so only in INFO lines. The message gives ppdet's "
             "exact figure. Example: PicoDet-S-320 with the LCNet backbone quantized from the "
             "legacy ESNet `picodet_s_320_coco.pdparams` loads 140 of 463 tensors. Settings "
             "without tensors (anchors, NMS, losses, activations, tracker wrappers) never count. "
             "When no official config builds the user's exact model, the config sections are "
             "compared and `--deep` gives the count. An official recipe's own starting point "
             "(an Objects365 checkpoint whose `alpha` scalars the recipe adds) is no finding in "
             "training, but an error for QAT and PTQ, which must start from the trained float "
             "model. Weights one of whose tensors is the best match of two model tensors make "
             "ppdet raise its ambiguity ValueError: an error in every run. An ImageNet backbone checkpoint of another backbone or scale cannot load "
             "at all."),
         fix_safety="safe only for QAT/PTQ, when the proposed official weights are the float "
                    "model of exactly this network (every tensor loads by the signatures), input "
                    "size, class count and dataset, and were not trained by this config or one "
                    "it derives from, and when no other run that reads the edited slim config "
                    "gets worse (else a new slim file for this model is the safe fix; the model "
                    "zoo's own slim config for this model comes first when the slim config was "
                    "written for another model); never in training; other candidates are offered "
                    "as unsafe with the reason, those that load fully first.",
         example=(
             'qatfix -c configs/picodet/picodet_s_320_coco_lcnet.yml --slim_config '
             'configs/slim/quant/picodet_s_quant.yml'
         ),
         instead=(
             'pretrain_weights: https://paddledet.bj.bcebos.com/models/picodet_s_320_'
             'coco_lcnet.pdparams'
         ),
         evidence=(
             'ppdet/utils/checkpoint.py `match_state_dict` pairs tensors by dotted '
             'name suffix and shape and `load_pretrain_weight` logs what it skips '
             'at INFO only; the figures come from state-dict signatures ppdet '
             'itself built for every official config (registry/signatures), and '
             "tests/truth compares them with ppdet's loader."
         ),
         check=check_fit),
    Rule(code=NOT_CHECKED, name="weights-load-not-checked", severity="info",
         summary="What the weights load into this model is not known without building it.",
         explanation=(
             "qatfix tells what ppdet loads from the state-dict signatures ppdet built for the "
             "official configs, taken to the user's `num_classes` by the class-count facts of "
             "those builds (which tensors follow the class count, and how). When no official "
             "config builds the model's network, the weights' config was never built, or the "
             "builds do not tell the network at the user's class count (for official weights, "
             "or for a local checkpoint to train from: QF106's facts), nothing is guessed: this "
             "finding names what was not checked, counts as not checked in every format, and "
             "`--deep` builds the model with ppdet and counts it."),
         fix_safety="no fix: run `qatfix --deep` for the exact count.",
         example=(
             'qatfix configs/faster_rcnn/faster_rcnn_swin_tiny_fpn_1x_coco.yml -o '
             'pretrain_weights=https://paddledet.bj.bcebos.com/models/faster_rcnn_swin_tiny_'
             'fpn_1x_coco.pdparams'
         ),
         instead="qatfix ... --deep  (ppdet builds the model and counts what loads)",
         evidence=(
             "registry/signatures holds ppdet's builds of the official configs and, in "
             "classes.json, how each network's tensors follow num_classes; a network or class "
             "count they do not cover is reported instead of guessed."
         ),
         check=check_unchecked),
    Rule(code="QF104", name="weights-class-count", severity="info",
         situations=(("warning",
                     "in QAT and PTQ, which should start from your own float model"),),
         summary="The weights fit except for the class-dependent layers.",
         explanation=(
             "Weights trained on COCO (80 classes) fit a model with `num_classes: 4` except for "
             "the classification layers, which ppdet skips and trains from scratch. That is how "
             "fine-tuning works, so for ordinary training this is information. For QAT it is a "
             "warning: quantization-aware training should start from the float model you trained "
             "on your own dataset, not from the COCO model."),
         fix_safety="no automatic fix: the right weights are your own trained model.",
         example=(
             'qatfix -c configs/example/picodet_4_classes.yml --slim_config '
             'configs/example/quant.yml\n'
             '# configs/example/picodet_4_classes.yml\n'
             '_BASE_: [../picodet/picodet_s_320_coco_lcnet.yml]\n'
             'num_classes: 4\n'
             '# configs/example/quant.yml\n'
             'pretrain_weights: https://paddledet.bj.bcebos.com/models/picodet_s_320_'
             'coco_lcnet.pdparams\n'
             'slim: QAT\n' + QAT_SECTION
         ),
         instead=(
             'pretrain_weights: output/picodet_4_classes/model_final  (the float '
             'model trained on your 4-class dataset)'
         ),
         evidence=(
             'ppdet/utils/checkpoint.py `match_state_dict` skips tensors whose '
             'shapes differ: the classification layers of an 80-class model do not '
             'fit a 4-class head and start from their initial values.'
         ),
         check=check_classes),
    Rule(code="QF105", name="weights-of-a-bigger-sibling", severity="info",
         situations=(("warning",
                     "in QAT and PTQ, which should start from the float model of this network"),),
         summary="Every tensor loads, but from a bigger network of the same family.",
         explanation=(
             "ResNet-18 weights taken from a ResNet-34 detector: every tensor of the model finds "
             "a tensor of the same name and shape, so ppdet reports nothing, but the weights have "
             "more layers in the same parts (ResNet-34 has 16 residual blocks, ResNet-18 8: half "
             "of them are left over) and the layers that load were trained at another depth. "
             "For training this is a start better than ImageNet (information); QAT should start from the float model of this "
             "very network (a warning)."),
         fix_safety="for QAT, official weights of exactly this network and input size are offered "
                    "as in QF101; none in training.",
         example=(
             'qatfix configs/gfl/gfl_r18vd_1x_coco.yml -o '
             'pretrain_weights=https://paddledet.bj.bcebos.com/models/gfl_r34vd_1x_co'
             'co.pdparams'
         ),
         instead=(
             'pretrain_weights: the ImageNet ResNet18_vd backbone the config names '
             '(training), or https://paddledet.bj.bcebos.com/models/gfl_r18vd_1x_coco'
             '.pdparams (QAT)'
         ),
         evidence=(
             'ppdet/utils/checkpoint.py `match_state_dict` loads every model key '
             'whose suffix and shape a weight key has, and says nothing about '
             'weight keys left over; the signatures of both configs '
             '(registry/signatures) show which parts have more layers.'
         ),
         check=check_sibling),
)
