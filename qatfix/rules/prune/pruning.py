"""QF701: an official `pruned_params` list on another network; QF702: pruner settings that ppdet
refuses after the weights are loaded, or that PaddleSlim silently bends."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator

from qatfix.config import Resolved
from qatfix.config.nodes import KeyPath
from qatfix.findings import Location
from qatfix.rules.base import Change, Issue, PlannedFix, Rule
from qatfix.rules.context import CheckContext
from qatfix.registry.loading import stand_in
from qatfix.config.kind import PRUNE_MODES
from qatfix.registry.networks import official_networks, parameter_differences
from qatfix.registry.recipes import prune_list

if TYPE_CHECKING:
    from qatfix.model.pruning import PrunerArguments
    from qatfix.registry.recipes import PruneList



def pruned_run(ctx: CheckContext) -> tuple[Resolved, "PrunerArguments"] | None:
    """The config the pruner is created from and its arguments, for a run that prunes: the run
    itself (`slim: Pruner`/`PrunerQAT`), or a DistillPrune student's merged config."""
    if ctx.role == "model" and ctx.mode in PRUNE_MODES:
        source = ctx.resolved
    elif ctx.role == "student" and ctx.trained_with is not None and \
            ctx.trained_with.get("slim") == "DistillPrune":
        source = ctx.trained_with
    else:
        return None
    from qatfix.model.pruning import pruner_arguments  # only runs that prune need it

    found = pruner_arguments(source.data)
    return (source, found) if found is not None else None


def _location(source: Resolved, key_path: KeyPath) -> Location:
    origin = source.origin(key_path)
    if origin is None or not origin.line:
        return Location(origin.path if origin else source.config_path, 0, 0)
    return Location(origin.path, origin.line, origin.column)


def _same_network(ctx: CheckContext, official: "PruneList") -> bool | None:
    """Is this model the network the official list was written for? None when unknown."""
    identity = ctx.identity
    if identity.architecture is None or identity.model_json == "{}":
        return None

    configs = set(official.configs)
    if any(network.config in configs for network in official_networks(identity.model_json)):
        return True
    registry = ctx.registry
    entries = [e for config in official.configs for e in registry.get_config(config)]
    entries += [e for url in official.weights if (e := registry.lookup(url)) is not None]
    models = [model for e in entries
              if e.model_json and e.kind != "slim" and (model := e.model) is not None]
    if not models:
        return None
    return any(parameter_differences(model, identity.model) == () for model in models)


def _named_slim(official: "PruneList", slim_path: str) -> str:
    """The official slim config to name: the run's own when it is one, else a prune config."""
    paths = [reference.partition(":")[2] for reference in official.slims]
    here = slim_path.replace("\\", "/")
    own = [p for p in paths if here.endswith(p)]
    return (own or sorted(paths, key=lambda p: (not p.startswith("configs/slim/prune/"), p)))[0]


def _names_of_model(ctx: CheckContext) -> dict[str, str] | None:
    """Generated parameter name -> state-dict key of this model, from ppdet's build of the
    official config that builds the same network; None when none is recorded."""
    identity = ctx.identity
    if identity.architecture is None:
        return None
    from qatfix.registry.param_names import parameter_names

    found = stand_in(identity.model_json, identity.architecture, ctx.checkout_tree)
    return parameter_names(*found) if found else None


def _names_written_for(ctx: CheckContext, official: "PruneList") -> tuple[str, dict[str, str]] | None:
    """(config, name -> key) of the first network the list was written for whose names ppdet's
    builds recorded (in the checkout's tree first)."""
    from qatfix.registry.param_names import parameter_names

    trees = [t for t in (ctx.checkout_tree, "develop", "release-2.6") if t]
    for config in official.configs:
        for tree in dict.fromkeys(trees):
            names = parameter_names(tree, config)
            if names is not None:
                return config, names
    return None


def _hits(names: list[str], here: dict[str, str], there: dict[str, str]) -> list[str]:
    """`name = key here (key there)` of each name that is not the same layer in both."""
    found = []
    for name in names:
        if here.get(name) != there.get(name):
            found.append(f"{name} = {here.get(name, 'no parameter')} here "
                         f"({there.get(name, 'no parameter')} there)")
    return found


def check_network(ctx: CheckContext) -> Iterator[Issue]:
    found = pruned_run(ctx)
    if found is None:
        return
    source, pruner = found

    names = pruner.names
    if not names:
        return
    official = prune_list(names)
    if official is None or not official.configs or _same_network(ctx, official) is not False:
        return
    slim = _named_slim(official, ctx.slim_path or "")
    written_for = ", ".join(official.configs)
    model = ctx.identity
    shown = f"{model.architecture} with {model.backbone}" if model.backbone else \
        str(model.architecture)
    here = _names_of_model(ctx)
    there = _names_written_for(ctx, official)
    location = _location(source, (pruner.key, "pruned_params"))
    if here is not None and there is not None:
        config, names_there = there
        differing = _hits(list(names), here, names_there)
        if not differing:
            return  # ppdet's builds: every name is the same layer in both networks
        same = len(names) - len(differing)
        listed = "; ".join(differing[:4]) + (f"; and {len(differing) - 4} more"
                                              if len(differing) > 4 else "")
        yield Issue(
            message=(f"{pruner.key}.pruned_params is the official list of {slim}, written for "
                     f"{config}; this model is another network ({shown}), and ppdet's builds "
                     f"of both show {len(differing)} of its {len(names)} names on other layers "
                     f"here ({listed}){f'; {same} are the same layers' if same else ''}: "
                     "pruning removes filters from layers nobody chose"),
            location=location,
            data=(("list_of", slim), ("written_for", list(official.configs)),
                  ("layers", {n: here.get(n) for n in names}),
                  ("other_layers", [n for n in names if here.get(n) != names_there.get(n)])),
        )
        return
    yield Issue(
        message=(f"{pruner.key}.pruned_params is the official list of {slim}, written for "
                 f"{written_for}; this model is another network ({shown}). The names "
                 f"({names[0]}, ...) are Paddle's generated parameter names, numbered in the "
                 "order layers are built: in this network they name other convolutions, so "
                 "pruning removes filters from layers nobody chose (no ppdet build of this "
                 "network recorded its names; `qatfix --deep` lists the layers)"),
        location=location,
        data=(("list_of", slim), ("written_for", list(official.configs))),
    )


def _ratio(value: Any) -> float | None:
    """`float(n)` as ppdet computes each ratio; None when it would raise."""
    if isinstance(value, bool):
        return float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _criterion_fix(key: str, value: Any) -> tuple[PlannedFix, ...]:
    text = str(value).strip().lower().replace("-", "_")
    guess = {"l1": "l1_norm", "l1norm": "l1_norm", "l1_norm": "l1_norm", "fpgm": "fpgm"}.get(text)
    if guess is None:
        return ()
    return (PlannedFix(f"Set {key}.criterion to {guess}", "unsafe",
                       (Change.set((key, "criterion"), guess),),
                       reason="the spelling is a guess at the criterion meant; review it"),)


def check_settings(ctx: CheckContext) -> Iterator[Issue]:
    found = pruned_run(ctx)
    if found is None:
        return
    source, pruner = found
    key, arguments = pruner.key, pruner.arguments
    criterion = arguments.get("criterion")
    from qatfix.model.pruning import CRITERIA

    if "criterion" in arguments and criterion not in CRITERIA:
        yield Issue(
            message=(f"{key}.criterion {criterion!r} is not one of {', '.join(CRITERIA)}: ppdet's "
                     f"{key} asserts it (\"unsupported prune criterion\") when the slim model "
                     "is built"),
            location=_location(source, (key, "criterion")),
            fixes=_criterion_fix(key, criterion) if source is ctx.resolved else ())
    names, ratios = arguments.get("pruned_params"), arguments.get("pruned_ratios")
    if not isinstance(names, list) or not isinstance(ratios, list):
        return
    ratios_at = _location(source, (key, "pruned_ratios"))
    if len(ratios) < len(names):
        yield Issue(
            message=(f"{key} has {len(names)} pruned_params but {len(ratios)} pruned_ratios: ppdet "
                     f"pairs them by position (`ratios[param] = pruned_ratios[i]`) and stops "
                     "with IndexError after the model is built and the weights loaded"),
            location=ratios_at, related=(_location(source, (key, "pruned_params")),))
    elif len(ratios) > len(names):
        yield Issue(
            message=(f"{key} has {len(ratios)} pruned_ratios for {len(names)} pruned_params: the "
                     f"last {len(ratios) - len(names)} ratios are silently unused (ppdet pairs "
                     "them by position)"),
            location=ratios_at, related=(_location(source, (key, "pruned_params")),),
            severity="warning")
    for index, value in enumerate(ratios):
        ratio = _ratio(value)
        if ratio is None:
            yield Issue(message=(f"{key}.pruned_ratios[{index}] {value!r} is not a number: "
                                 "ppdet's float() on it fails after the weights are loaded"),
                        location=ratios_at)
        elif not 0.0 <= ratio < 1.0:
            effect = ("keeps a single filter" if ratio >= 1.0 else
                      "prunes all but round(n * ratio) filters counted from the end (a negative "
                      "slice)")
            yield Issue(
                message=(f"{key}.pruned_ratios[{index}] is {ratio:g}, outside [0, 1): a ratio is "
                         f"the fraction of a layer's filters to remove, and PaddleSlim's pruner "
                         f"silently {effect}"),
                location=ratios_at)
    seen: dict[str, int] = {}
    for index, name in enumerate(names):
        if name in seen:
            yield Issue(
                message=(f"{key}.pruned_params names {name!r} twice (entries {seen[name]} and "
                         f"{index}): only the later ratio is used"),
                location=_location(source, (key, "pruned_params")), severity="warning")
        seen.setdefault(name, index)


RULES = (
    Rule(
        code="QF701", name="pruned-params-of-another-network", severity="warning",
        summary="An official pruned_params list is used on a network it was not written for.",
        explanation=(
            "ppdet's structured pruners take `pruned_params`, names such as `conv2d_27.w_0`. "
            "These are the unique names Paddle generates for parameters (`param.name`), numbered "
            "in the order the layers are constructed: they exist in almost every model, but name "
            "other layers in another network. The official lists were found for one network each "
            "(`yolov3_prune_l1_norm.yml` for YOLOv3-MobileNetV1); on PicoDet or another YOLOv3 "
            "backbone they prune convolutions nobody chose, and training goes on with a damaged "
            "model. The registry fingerprints every official list with the configs it is "
            "documented with, and records the generated name of every weight of every official "
            "network as ppdet's builds give it: the finding names the layers the list hits in "
            "this model, and there is none when the names are the same layers in both networks "
            "(SOLOv2 and Faster R-CNN build the same ResNet-50 first)."),
        example=("qatfix -c configs/picodet/picodet_s_320_coco_lcnet.yml --slim_config "
                 "configs/slim/prune/yolov3_prune_l1_norm.yml"),
        instead=("Write a list for this network: run once with `print_params: True` (ppdet logs "
                 "every parameter name and shape), or `qatfix --deep`, and choose its "
                 "convolutions; or prune the network the list was written for."),
        fix_safety="no automatic fix: which layers to prune is a design decision.",
        evidence=("ppdet/slim/prune.py: Pruner.__call__ (names from `pruned_params` passed to "
                  "PaddleSlim's `prune_vars`); print_prune_params logs `model.state_dict()[k]."
                  "name`, the generated names; registry/recipes.json `pruned_params` pairs each "
                  "official list with configs/slim/prune/README.md's model configs."),
        check=check_network),
    Rule(
        code="QF702", name="invalid-pruner-settings", severity="error",
        situations=(("warning",
                    "for ratios left unused or a name given twice, which PaddleSlim passes over"),),
        summary=("Pruner settings ppdet refuses after loading the weights, or PaddleSlim "
                 "silently bends: criterion, ratio count, ratio range, repeated names."),
        explanation=(
            "ppdet's Pruner and PrunerQAT assert `criterion` is l1_norm or fpgm, then pair names "
            "with ratios by position: fewer ratios than names stop the run with IndexError once "
            "the model is built and the weights are loaded; extra ratios are dropped without a "
            "word. PaddleSlim prunes `min(n - 1, round(n * ratio))` filters of a layer of n: a "
            "ratio of 1 or more keeps a single filter, and a negative one slices from the end and "
            "removes almost all of them. A name given twice keeps only its later ratio."),
        example=(
            'qatfix -c configs/yolov3/yolov3_mobilenet_v1_270e_voc.yml --slim_config '
            'configs/example/yolov3_prune.yml\n'
            '# configs/example/yolov3_prune.yml\n'
            'pretrain_weights: https://paddledet.bj.bcebos.com/models/'
            'yolov3_mobilenet_v1_270e_voc.pdparams\n'
            'slim: Pruner\n'
            'Pruner:\n'
            '  criterion: l1\n'
            "  pruned_params: ['conv2d_27.w_0', 'conv2d_28.w_0']\n"
            '  pruned_ratios: [0.3]\n'
            '  print_params: False\n'
        ),
        instead=("Pruner:\n  criterion: l1_norm\n  pruned_params: ['conv2d_27.w_0', "
                 "'conv2d_28.w_0']\n  pruned_ratios: [0.3, 0.3]"),
        fix_safety=("unsafe, and only for a misspelt criterion (`l1`, `L1Norm`, `FPGM`): the "
                    "spelling is a guess; ratios are design decisions and are never guessed."),
        evidence=("ppdet/slim/prune.py: Pruner.__init__ (assert criterion in ['l1_norm', "
                  "'fpgm']) and __call__ (`ratios[param] = pruned_ratios[i]`); PaddleSlim "
                  "dygraph/prune/l1norm_pruner.py and fpgm_pruner.py: cal_mask (`pruned_num = "
                  "min(len(sorted_idx) - 1, int(round(len(sorted_idx) * pruned_ratio)))`); "
                  "dygraph/prune/pruner.py: prune_vars."),
        check=check_settings),
)
