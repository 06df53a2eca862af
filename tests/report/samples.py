"""Findings for the report tests: real records over small config texts the tests can edit."""
from __future__ import annotations

from qatfix.findings import Finding, Fix, Location, TextEdit

SLIM = "configs/slim/quant/picodet_s_quant.yml"
MODEL = "configs/picodet/picodet_s_320_coco_lcnet.yml"
UNICODE = "configs/中文 dir/模型.yml"

OLD_URL = "https://paddledet.bj.bcebos.com/models/picodet_s_320_coco.pdparams"
NEW_URL = "https://paddledet.bj.bcebos.com/models/picodet_s_320_coco_lcnet.pdparams"
ALT_URL = "https://paddledet.bj.bcebos.com/models/picodet_s_416_coco_lcnet.pdparams"

#: the files the findings below point into, as they are on disk
TEXTS = {
    SLIM: (
        f"pretrain_weights: {OLD_URL}\n"
        "slim: QAT\n"
        "QAT:\n"
        "  quant_config: {activation_quantize_type: 'moving_average_abs_max'}\n"
        "  print_model: True\n"
    ),
    MODEL: (
        "_BASE_: [\n"
        "  '../datasets/coco_detection.yml',\n"
        "]\n"
        "weights: output/picodet_s_320_coco_lcnet/model_final\n"
        "epoch: 300"  # no final line break
    ),
    UNICODE: "# 模型配置\nname: 模型 # 中文\n",
}


def _line(path: str, number: int) -> str:
    return TEXTS[path].splitlines(keepends=True)[number - 1]


def weights_fix(url: str, safety: str = "safe") -> Fix:
    return Fix(
        title=f"set pretrain_weights to {url.rsplit('/', 1)[-1]}",
        safety=safety,  # type: ignore[arg-type]
        edits=(TextEdit(SLIM, 1, 1, _line(SLIM, 1), f"pretrain_weights: {url}\n"),),
        value=url,
    )


def weights_mismatch() -> Finding:
    """An error with a safe one-line fix, an unsafe alternative and a related place."""
    return Finding(
        code="QF101",
        severity="error",
        message="pretrain_weights is the ESNet PicoDet-S-320 model; this config builds LCNet",
        location=Location(SLIM, 1, 19),
        related=(Location(MODEL, 4, 10),),
        fix=weights_fix(NEW_URL),
        alternatives=(weights_fix(ALT_URL, "unsafe"),),
        config=MODEL,
        data=(("expected", "picodet_s_320_coco_lcnet"), ("loaded", 140), ("of", 463)),
    )


QUANT_BLOCK = "QAT:\n  quant_config:\n    activation_quantize_type: moving_average_abs_max\n"


def quant_block() -> Finding:
    """A warning whose message has newlines, colons, commas and percent signs; multi-line edit."""
    return Finding(
        code="QF205",
        severity="warning",
        message="quant_config: 100% of layers, weight: abs_max\nactivation: moving_average_abs_max",
        location=Location(SLIM, 3, 1),
        fix=Fix(
            title="spell quant_config out as a block",
            safety="unsafe",
            edits=(TextEdit(SLIM, 3, 4, _line(SLIM, 3) + _line(SLIM, 4), QUANT_BLOCK),),
        ),
        config=MODEL,
    )


def unicode_note() -> Finding:
    """An info with a unicode path and message, no fix."""
    return Finding(
        code="QF300",
        severity="info",
        message="name 模型 is not used by ppdet",
        location=Location(UNICODE, 2, 10),
    )


def missing_epoch_line_break() -> Finding:
    """A fix on the last line of a file that has no final line break, plus an insertion."""
    return Finding(
        code="QF410",
        severity="warning",
        message="epoch is set twice",
        location=Location(MODEL, 5, 1),
        fix=Fix(
            title="set epoch to 120 and add snapshot_epoch",
            safety="safe",
            edits=(
                TextEdit(MODEL, 4, 3, "", "# weights written by train.py\n"),
                TextEdit(MODEL, 5, 5, "epoch: 300", "epoch: 120\nsnapshot_epoch: 10"),
            ),
        ),
    )


def whole_file() -> Finding:
    """A finding without a line."""
    return Finding(code="QF001", severity="error", message="file is empty", location=Location("empty.yml"))


def all_findings() -> list[Finding]:
    return [unicode_note(), quant_block(), weights_mismatch(), missing_epoch_line_break(), whole_file()]


def apply_edits(text: str, edits: list[TextEdit]) -> str:
    """What the rewriter would produce: replace whole lines, checking `old_text` first."""
    lines = text.splitlines(keepends=True)
    for edit in sorted(edits, key=lambda e: e.start_line, reverse=True):
        start, end = edit.start_line - 1, edit.end_line
        assert "".join(lines[start:end]) == edit.old_text
        lines[start:end] = [edit.new_text]
    return "".join(lines)


def offset(text: str, line: int, column: int) -> int:
    """Character offset of a 1-based (line, column); line count + 1 at column 1 is the end."""
    lines = text.splitlines(keepends=True)
    if line == len(lines) + 1:
        assert column == 1
        return len(text)
    return sum(len(x) for x in lines[: line - 1]) + column - 1
