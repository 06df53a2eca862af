"""QF000, QF002, QF003: what a run could not check, so no report says "all clear" about it.

The run makes these findings itself (`qatfix.run.unchecked` builds them); the engine never calls
their `check`. They are rules like any other so `explain`, SARIF and reviews describe them.
"""
from __future__ import annotations

from qatfix.rules.base import Rule, made_elsewhere
from qatfix.rules.weights.fit import NOT_CHECKED as WEIGHTS_NOT_CHECKED

UNREADABLE = Rule(
    code="QF000", name="config-unreadable", severity="error", needs="run",
    summary="The config cannot be read as ppdet would read it.",
    explanation=(
        "Broken YAML, a missing or cyclic `_BASE_`, a document that is not a mapping, a refused "
        "`!!python/` tag, a model config given as `--slim_config`, or (in pull-request "
        "reviews) a `_BASE_` path that leaves the repository. ppdet would stop with a traceback "
        "or, worse, read something else; nothing else can be checked until it is fixed. A "
        "single config on the command line is an error message and exit code 2; in a folder "
        "scan or a review each such config is a QF000 finding and the run exits 2 after the "
        "report."),
    fix_safety="no automatic fix: the message names the file, line and column.",
    check=made_elsewhere,
    example=(
        "qatfix configs/example/broken_base.yml configs/example/other.yml\n"
        "# configs/example/broken_base.yml\n"
        "_BASE_: [../datasets/no_such_dataset.yml]\n"
        "architecture: PicoDet\n"
        "# configs/example/other.yml\n"
        "_BASE_: [../picodet/picodet_s_320_coco_lcnet.yml]\n"),
    instead="_BASE_: [../datasets/coco_detection.yml]",
    evidence=("ppdet/core/workspace.py `_load_config_with_base` opens every `_BASE_` entry "
              "relative to the including file and `yaml.load`s it: a missing file or broken "
              "YAML raises there, before any training step."),
)

NOT_UNDERSTOOD = Rule(
    code="QF002", name="not-a-paddledetection-config", severity="info", needs="run",
    summary="A file that is not a PaddleDetection model, slim or ACT config was not checked.",
    explanation=(
        "qatfix checks PaddleDetection configs: a model config (it or its `_BASE_` files set "
        "`architecture`), a slim config (`slim: QAT`, ...) or a PaddleSlim auto-compression "
        "(ACT) config (`Global` and a strategy section). A PaddleOCR, PaddleClas or "
        "PaddleSeg config, a base that no checked "
        "config includes, or any other YAML file is named in the report as not checked, and "
        "the summary then never says \"all clear\". The exit code comes from the files that "
        "were checked (infos never fail, unless `--fail-on info`); when no named file could "
        "be checked at all, qatfix exits 2."),
    fix_safety="no fix: check the PaddleDetection configs that use the file instead.",
    check=made_elsewhere,
    example=(
        "qatfix configs/example/rec_svtr.yml configs/picodet/picodet_s_320_coco_lcnet.yml\n"
        "# configs/example/rec_svtr.yml\n"
        "Global:\n"
        "  epoch_num: 20\n"
        "Architecture:\n"
        "  model_type: rec\n"
        "  algorithm: SVTR\n"),
    instead="qatfix configs/picodet/picodet_s_320_coco_lcnet.yml",
    evidence=("ppdet/core/workspace.py `create(cfg.architecture)`: a config without "
              "`architecture` (nor `slim`, read by ppdet/slim/__init__.py `build_slim_model`) "
              "is nothing tools/train.py can build."),
)

DEEP_NOT_RUN = Rule(
    code="QF003", name="deep-check-not-run", severity="warning", needs="run",
    summary="`--deep` could not run for a config; only the static findings are shown.",
    explanation=(
        "`--deep` builds the model with paddle and ppdet and reads the weights it loads; for a "
        "PaddleSlim ACT run it loads the exported program in `Global.model_dir` with "
        "paddle.static.load_inference_model. When that cannot happen (paddle or ppdet missing "
        "or of another version, the weights or a pretrained backbone not downloadable, "
        "`--offline` with nothing cached, an ACT model_dir that does not exist or holds no "
        "program file) the static "
        "findings of the config are still reported, this finding says why the exact check did "
        "not run and what to do, and the run exits 2 after the report."),
    fix_safety="no fix: install the [paddle] extra, allow the download, or put the file in "
               "the cache.",
    check=made_elsewhere,
    example=(
        "qatfix -c configs/picodet/picodet_s_320_coco_lcnet.yml --slim_config "
        "configs/example/quant.yml --deep --offline\n"
        "# configs/example/quant.yml\n"
        "pretrain_weights: https://example.invalid/not_cached/model.pdparams\n"
        "slim: QAT\n"
        "QAT:\n"
        "  quant_config: {weight_quantize_type: channel_wise_abs_max, "
        "activation_quantize_type: moving_average_abs_max, weight_bits: 8, activation_bits: 8, "
        "dtype: int8, window_size: 10000, moving_rate: 0.9, quantizable_layer_type: [Conv2D, "
        "Linear]}\n"),
    instead=("drop --offline to allow the download, or put the weights file in the cache folder "
             "qatfix names"),
    evidence=("measured: `--deep` imports paddle and ppdet (qatfix/deep/runtime.py) and reads "
              "the weights file (qatfix/deep/weights.py), or for ACT the exported program "
              "(qatfix/deep/act_program.py); any of them failing raises a "
              "DeepCheckError or NetworkError that the run reports as QF003."),
)

RULES = (UNREADABLE, NOT_UNDERSTOOD, DEEP_NOT_RUN)

#: codes that say something was not checked: no selection or comment hides them
UNCHECKED_CODES = (*(rule.code for rule in RULES), WEIGHTS_NOT_CHECKED)
