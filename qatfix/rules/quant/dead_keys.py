"""Keys whose value does nothing. QF304: slim keys ppdet reads from somewhere else; QF306:
`QAT.quant_config` keys the installed PaddleSlim does not know yet (it ignores them); QF406: a
key no base defines and ppdet never reads, one edit away from a key it does (a misspelling)."""
from __future__ import annotations

import os
from typing import Any, Iterator, Optional

from qatfix.config.nodes import Origin, Tagged
from qatfix.config.options import OPTIONS_PATH
from qatfix.findings import Location
from qatfix.model.key_spelling import Misspelling
from qatfix.rules.base import Change, Issue, PlannedFix, Rule
from qatfix.rules.context import CheckContext
from qatfix.rules.example_text import QAT_SECTION

#: ppdet/engine/trainer.py: Trainer.post_quant, `int(self.cfg.get('quant_batch_num', 10))`
DEFAULT_QUANT_BATCH_NUM = 10
#: the first PaddleSlim release whose dygraph QAT `_quant_config_default` has the key (read in
#: paddleslim/dygraph/quant/qat.py of the 2.3.0, 2.4.0 and 2.6.0 wheels); `_parse_configs`
#: copies unknown keys along and nothing reads them
QUANT_CONFIG_KEY_SINCE = {"onnx_format": (2, 4, 0)}


def check(ctx: CheckContext) -> Iterator[Issue]:
    if ctx.role != "model" or ctx.mode != "PTQ":
        return
    ptq = ctx.get("PTQ")
    if not isinstance(ptq, dict) or "quant_batch_num" not in ptq:
        return
    written: Any = ptq["quant_batch_num"]
    top = ctx.get("quant_batch_num")
    used: Any = top if top is not None else DEFAULT_QUANT_BATCH_NUM  # a YAML value
    try:
        if int(written) == int(used):
            return
    except (TypeError, ValueError):
        return
    fixes: tuple[PlannedFix, ...] = ()
    if ctx.slim_path and isinstance(written, int) and not isinstance(written, bool):
        fixes = (PlannedFix(
            f"Set the top-level quant_batch_num to {written} in "
            f"{ctx.slim_path.rsplit('/', 1)[-1]}", "safe",
            (Change.set(("quant_batch_num",), written, path=ctx.slim_path),),
            reason="it makes the number written take effect; nothing else reads it"),)
    source = "the top-level quant_batch_num" if top is not None else "its default"
    yield Issue(
        message=(f"PTQ.quant_batch_num {written} does nothing: ppdet's post-quant loop stops "
                 f"after `cfg.quant_batch_num` batches, read at the top level of the config, "
                 f"so this run calibrates on {int(used) + 1} batches ({source}, {used})"),
        location=ctx.location(("PTQ", "quant_batch_num")), fixes=fixes)


def _version(text: str) -> tuple[int, ...]:
    parts = []
    for part in text.split(".")[:3]:
        digits = "".join(c for c in part if c.isdigit()) or "0"
        parts.append(int(digits))
    return tuple(parts)


def ignored_keys(keys: Any, version: str) -> list[tuple[str, str]]:
    """(key, release that added it) for each quant_config key PaddleSlim `version` ignores."""
    found = []
    for key in keys:
        since = QUANT_CONFIG_KEY_SINCE.get(str(key))
        if since is not None and _version(version) < since:
            found.append((str(key), ".".join(map(str, since))))
    return found


def check_versioned_keys(ctx: CheckContext) -> Iterator[Issue]:
    if ctx.mode not in ("QAT", "PrunerQAT"):
        return
    section = ctx.get((ctx.mode, "quant_config"))
    if not isinstance(section, dict) or not any(k in QUANT_CONFIG_KEY_SINCE for k in section):
        return

    version = ctx.facts.paddleslim_version()
    if version is None:
        return
    for key, since in ignored_keys(section, version):
        yield Issue(
            message=(f"quant_config {key} is unknown to the installed PaddleSlim {version} (it "
                     f"came in {since}): PaddleSlim keeps the key and never reads it, so the "
                     "setting does nothing"),
            location=ctx.location((ctx.mode, "quant_config", key)))


def misspelt_weights_key(ctx: CheckContext, path: Optional[str] = None
                         ) -> Optional[tuple[str, str]]:
    """(key, file) of a top-level key that misspells the run's weights key (`pretrain_weight`),
    in `path` when given, else in any file of the run (never `-o`)."""
    for found in ctx.misspellings:
        origin = found.origin
        if len(found.key_path) == 1 and found.meant == ctx.weights_key and origin is not None \
                and origin.path != OPTIONS_PATH and (path is None or origin.path == path):
            return str(found.key_path[0]), origin.path
    return None


def misspelt_weights_note(ctx: CheckContext) -> tuple[str, tuple[Location, ...]]:
    """For a finding about the run's weights: the misspelt weights key that was meant to set
    them (ppdet ignores it), as a clause and a related location; ("", ()) when there is none."""
    for found in ctx.misspellings:
        origin = found.origin
        if len(found.key_path) == 1 and found.meant == ctx.weights_key and origin is not None:
            where = f"{origin.path}:{origin.line}" if origin.path != OPTIONS_PATH else "-o"
            return (f" ({where} sets {found.key_path[0]}, a misspelling ppdet ignores)",
                    (_location(origin, ctx),))
    return "", ()


def _dotted(path: Any) -> str:
    return ".".join(str(k) for k in path)


def _now(ctx: CheckContext, found: Misspelling) -> str:
    """What the meant key holds in this run, and where that comes from."""
    final = ctx.final or ctx.resolved
    absent = object()
    value = final.get(found.meant_path, absent)
    if value is absent:
        return f"{_dotted(found.meant_path)} is not set"
    origin = final.origin(found.meant_path)
    where = f" ({origin.path}:{origin.line})" if origin and origin.path != OPTIONS_PATH else ""
    shown = repr(value) if not isinstance(value, (dict, list)) else "as before"
    return f"{_dotted(found.meant_path)} stays {shown}{where}"


def _file_defines(ctx: CheckContext, path: str, key_path: Any) -> bool:
    """Whether the file itself writes `key_path` (a rename onto it would duplicate the key)."""
    documents = [d for r in (ctx.final, ctx.resolved) if r is not None
                 for p, d in r.documents.items() if p == path]
    if not documents:
        return True  # not known: no rename
    value: Any = documents[0].construct()
    for key in key_path:
        value = value.value if isinstance(value, Tagged) else value
        if isinstance(value, list) and isinstance(key, int) and 0 <= key < len(value):
            value = value[key]
        elif isinstance(value, dict) and key in value:
            value = value[key]
        else:
            return False
    return True


def _location(origin: Optional[Origin], ctx: CheckContext) -> Location:
    if origin is None:
        return Location(ctx.config_path, 0, 0)
    return Location(origin.path, origin.line, origin.column)


def check_misspelt(ctx: CheckContext) -> Iterator[Issue]:
    if ctx.role == "teacher" or ctx.step == "act":
        return
    seen: set[tuple[str, int, int]] = set()
    for found in ctx.misspellings:
        origin = found.origin
        if origin is not None:
            # one key read through several aliases (`sample_transforms: *eval_ops` in two
            # readers): one finding, at the key
            if (origin.path, origin.line, origin.column) in seen:
                continue
            seen.add((origin.path, origin.line, origin.column))
        written, meant = _dotted(found.key_path), _dotted(found.meant_path)
        if found.swallowed is None:
            what = "is a key no official config defines and ppdet never reads: ppdet ignores it"
        elif found.swallowed:
            what = (f"is not a parameter of ppdet's {found.component or found.key_path[0]}, "
                    "whose **kwargs swallow it: ppdet ignores it")
        else:
            what = (f"is not a parameter of ppdet's {found.component or found.key_path[0]}: "
                    f"building it stops with TypeError (unexpected keyword argument "
                    f"'{found.key_path[-1]}')")
        fixes: tuple[PlannedFix, ...] = ()
        if origin is not None and origin.path == OPTIONS_PATH:
            option = next((o.strip() for o in ctx.resolved.options
                           if o.strip().split("=", 1)[0] == written), f"{written}=...")
            value = option.split("=", 1)[1] if "=" in option else "..."
            message = (f"-o {option}: {written} {what} ({_now(ctx, found)}); did you mean "
                       f"-o {meant}={value}?")
        else:
            message = f"{written} {what} ({_now(ctx, found)}); did you mean {meant}?"
            if origin is not None and not _file_defines(ctx, origin.path, found.meant_path):
                fixes = (PlannedFix(
                    f"Rename {written} to {found.meant}", "safe",
                    (Change.rename(found.key_path, found.meant, path=origin.path),),
                    reason=(f"the value is read as {meant}, the key it is one edit from; "
                            "nothing reads the misspelt key")),)
        yield Issue(message=message, location=_location(origin, ctx), fixes=fixes,
                    data=(("key", written), ("meant", meant)))


RULES = (Rule(
    code="QF304", name="ptq-batch-count-unused", severity="warning",
    summary="PTQ.quant_batch_num is set, but ppdet reads the top-level quant_batch_num.",
    explanation=(
        "ppdet's PTQ class accepts `quant_batch_num` and stores it, but nothing reads it: the "
        "calibration loop in Trainer.post_quant stops at `self.cfg.get('quant_batch_num', 10)`, "
        "the top-level key. `PTQ: {quant_batch_num: 64}` therefore calibrates on 11 batches "
        "(the loop breaks after batch number 10), and the activation ranges rest on far fewer "
        "images than intended. The official PTQ configs write 10, the default, so they are "
        "not affected."),
    example=(
        'qatfix -c configs/yolov3/yolov3_darknet53_270e_coco.yml --slim_config '
        'configs/example/yolov3_darknet53_ptq.yml\n'
        '# configs/example/yolov3_darknet53_ptq.yml\n'
        'weights: https://paddledet.bj.bcebos.com/models/yolov3_darknet53_270e_coco.pdparams\n'
        'slim: PTQ\n'
        'PTQ:\n'
        '  ptq_config: {activation_quantizer: HistQuantizer, upsample_bins: 127, '
        'hist_percent: 0.999}\n'
        '  quant_batch_num: 64\n'
        '  fuse: True\n'
    ),
    instead=("quant_batch_num: 64   # at the top level of the slim config\nPTQ:\n"
             "  ptq_config: {activation_quantizer: HistQuantizer, upsample_bins: 127, "
             "hist_percent: 0.999}\n  fuse: True"),
    fix_safety=("safe: the fix sets the top-level `quant_batch_num` in the slim config to the "
                "number written under PTQ; nothing else reads either key."),
    evidence=("ppdet/slim/quant.py: PTQ.__init__ (`self.quant_batch_num = quant_batch_num`, "
              "never read); ppdet/engine/trainer.py: Trainer.post_quant (`if idx == "
              "int(self.cfg.get('quant_batch_num', 10)): break`), in develop and release-2.6."),
    check=check),
    Rule(
        code="QF306", name="quant-config-key-too-new", severity="warning",
        summary="A quant_config key the installed PaddleSlim does not know yet, so it is ignored.",
        explanation=(
            "ppdet hands `QAT.quant_config` to PaddleSlim's dygraph QAT, whose `_parse_configs` "
            "starts from `_quant_config_default` and updates it with the user's mapping: a key "
            "the release does not know is kept and never read. `onnx_format` came in PaddleSlim "
            "2.4.0 (default False; 2.6.0 makes it True): with PaddleSlim 2.3 the quantized model "
            "is exported in the old format whatever the config says."),
        example=(
            'qatfix -c configs/picodet/picodet_s_320_coco_lcnet.yml --slim_config '
            'configs/example/picodet_onnx_qat.yml\n'
            '# with PaddleSlim 2.3.4 installed\n'
            '# configs/example/picodet_onnx_qat.yml\n'
            'pretrain_weights: https://paddledet.bj.bcebos.com/models/picodet_s_320_'
            'coco_lcnet.pdparams\n'
            'slim: QAT\n'
            'QAT:\n'
            '  quant_config: {weight_quantize_type: channel_wise_abs_max, '
            'activation_quantize_type: moving_average_abs_max, weight_bits: 8, '
            'activation_bits: 8, dtype: int8, window_size: 10000, moving_rate: '
            '0.9, quantizable_layer_type: [Conv2D, Linear], onnx_format: true}\n'
            '  print_model: False\n'
        ),
        instead=("pip install 'paddleslim>=2.4'   # or drop the key and export with the format "
                 "the installed release writes"),
        fix_safety="no automatic fix: the remedy is another PaddleSlim, not an edit.",
        evidence=("paddleslim/dygraph/quant/qat.py: _quant_config_default and _parse_configs "
                  "(`configs.update(user_config)`) in the 2.3.0 wheel (no onnx_format), 2.4.0 "
                  "(onnx_format False) and 2.6.0 (True); ppdet/slim/quant.py: QAT.__call__ "
                  "(`paddleslim.dygraph.quant.QAT(config=self.quant_config)`)."),
        check=check_versioned_keys),
    Rule(
        code="QF406", name="misspelt-key", severity="warning",
        summary="A key no base defines and ppdet never reads, one edit away from one it does.",
        explanation=(
            "ppdet reads the config by name. A top-level key that nothing reads "
            "(`pretrain_weight:`, `-o pretrain_weigts=...`) is kept and ignored, so the run uses "
            "the base's value: QAT then starts from the ImageNet backbone the model config "
            "names. A component's section passes its keys to the constructor: "
            "`TrainReader: {batchsize: 48}` is swallowed by TrainReader's **kwargs (the batch "
            "size stays the base's), and a component without **kwargs stops with TypeError when "
            "ppdet builds it. The same holds at any depth where the class that receives a "
            "mapping is known: a component injected with `{name: PicoFeat, ...}` under a "
            "component's parameter, a tagged mapping (`!COCODataSet {anno_pth: ...}`, "
            "`!LinearWarmup {step: 300}`) and a reader's transform operator "
            "(`- Resize: {target_sise: [320, 320]}`); other nested mappings are values, not "
            "judged. The keys ppdet knows are learned from both PaddleDetection trees: "
            "every key their configs define, every key ppdet's code reads from the config, and "
            "the constructor parameters of each registered component, tagged class and "
            "transform operator (`registry/config_keys.json`, rebuilt with `qatfix registry "
            "keys`). A key another file of the run defines too, "
            "or a section a value of the config names (a component of your own), is never "
            "reported; a key read through several aliases is reported once."),
        example=(
            'qatfix -c configs/picodet/picodet_s_320_coco_lcnet.yml --slim_config '
            'configs/example/quant_typo.yml\n'
            '# configs/example/quant_typo.yml\n'
            'pretrain_weight: https://paddledet.bj.bcebos.com/models/picodet_s_320_'
            'coco_lcnet.pdparams\n'
            'slim: QAT\n' + QAT_SECTION
        ),
        instead=("pretrain_weights: https://paddledet.bj.bcebos.com/models/picodet_s_320_"
                 "coco_lcnet.pdparams"),
        fix_safety=("safe: the key is renamed in place to the known key it is one edit from, "
                    "so its value is read as written; not offered when the file defines that "
                    "key too, nor for -o (the message gives the option to write)."),
        evidence=("ppdet/core/workspace.py `create` passes a section's keys to the class "
                  "(`cls(**cls_kwargs)`) and sets an injected `{name: ...}` mapping's keys on "
                  "the component it names; ppdet/core/config/yaml_helpers.py `serializable` "
                  "constructs a tagged mapping with `cls(**kwargs)`; ppdet/data/reader.py "
                  "Compose builds each transform with `op_cls(**v)`; TrainReader.__init__ takes "
                  "**kwargs; the top-level keys are read by name (`cfg.pretrain_weights` in "
                  "ppdet/engine/trainer.py, ppdet/slim/__init__.py); a test runs every config of "
                  "both trees without a finding."),
        check=check_misspelt),
)
