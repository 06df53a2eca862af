"""QF304: slim keys ppdet reads from somewhere else, so the value written does nothing; QF306:
`QAT.quant_config` keys the installed PaddleSlim does not know yet (it ignores them)."""
from __future__ import annotations

from typing import Any, Iterator

from qatfix.rules.base import Change, Issue, PlannedFix, Rule
from qatfix.rules.context import CheckContext
from qatfix.model.installed_paddleslim import version as installed_version

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
    used = top if top is not None else DEFAULT_QUANT_BATCH_NUM
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

    version = installed_version()
    if version is None:
        return
    for key, since in ignored_keys(section, version):
        yield Issue(
            message=(f"quant_config {key} is unknown to the installed PaddleSlim {version} (it "
                     f"came in {since}): PaddleSlim keeps the key and never reads it, so the "
                     "setting does nothing"),
            location=ctx.location((ctx.mode, "quant_config", key)))


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
)
