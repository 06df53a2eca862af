"""QF990: the installed paddle, PaddleSlim, ppdet and Paddle2ONNX (and the paddle that wrote the
exported model) in a combination known to fail, each row of the table with where it was seen.

`qatfix doctor` judges every row; `qatfix check` reports the rows that bear on the run it checks
(QAT/PTQ training and export, ACT, inference and conversion commands). The facts are read from
package metadata and model files (`qatfix.model.environment`).
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import NamedTuple, Optional

from qatfix.findings import Location
from qatfix.model.environment import Environment, ModelWriter, version_tuple
from qatfix.rules.base import Issue, Rule
from qatfix.rules.context import CheckContext
from qatfix.config.kind import ALL_STEPS

#: what a run uses, for the rows that bear on it
SLIM = "slim"              # PaddleSlim is imported: QAT/PTQ training, post_quant, ACT, QAT export
QAT_EXPORT = "qat_export"  # tools/export_model.py with a QAT slim config
LOADS_MODEL = "loads_model"  # ACT or Paddle Inference loads an exported program
CONVERT = "convert"        # paddle2onnx converts an exported program


class Combination(NamedTuple):
    """One known-bad combination."""

    key: str
    #: the packages whose versions decide it ("model" for the exported model's writer)
    needs: tuple[str, ...]
    #: the uses it bears on
    uses: tuple[str, ...]
    #: where it was seen: issue threads, or a measurement in qatfix's tests
    source: str
    #: the problem when the environment has it, else None
    judge: Callable[[Environment, Optional[ModelWriter]], Optional[str]]


def _v(text: Optional[str]) -> tuple[int, ...]:
    return version_tuple(text) or ()


def _slim_new_paddle_old(env: Environment, _: Optional[ModelWriter]) -> Optional[str]:
    slim, paddle = _v(env.paddleslim.version), _v(env.paddle.version)
    if slim >= (2, 5) and paddle and paddle[:2] != (0, 0) and paddle < (2, 5):
        return (f"PaddleSlim {env.paddleslim.version} needs paddle >= 2.5: with paddle "
                f"{env.paddle.version}, `import paddleslim` stops with ModuleNotFoundError: No "
                "module named 'paddle.nn.quant.format'; install PaddleSlim 2.4.x, or paddle 2.5+")
    return None


def _slim_old_paddle_new(env: Environment, _: Optional[ModelWriter]) -> Optional[str]:
    slim, paddle = _v(env.paddleslim.version), _v(env.paddle.version)
    if slim and slim < (2, 5) and paddle >= (2, 5):
        return (f"PaddleSlim {env.paddleslim.version} was written for paddle.fluid, which paddle "
                f"{env.paddle.version} no longer has: `import paddleslim` stops with "
                "ImportError: cannot import name 'MSRA' from 'paddle.fluid.initializer'; "
                "install the PaddleSlim release of your paddle (2.5+)")
    return None


def _qat_export_on_paddle_3(env: Environment, _: Optional[ModelWriter]) -> Optional[str]:
    slim, paddle = _v(env.paddleslim.version), _v(env.paddle.version)
    if slim and slim < (2, 7) and paddle >= (3,):
        return (f"PaddleSlim {env.paddleslim.version}'s quantized layers append old-IR "
                f"operations, which paddle {env.paddle.version}'s static export (PIR) refuses: "
                "tools/export_model.py with a QAT slim config stops with TypeError (\"The type "
                "of '%X' in operator fake_quantize_dequantize_moving_average_abs_max should be "
                "one of [str, bytes, Variable]\"); export QAT models with paddle 2.x")
    return None


def _ppdet_25_other_slim(env: Environment, _: Optional[ModelWriter]) -> Optional[str]:
    ppdet, slim = _v(env.ppdet.version), _v(env.paddleslim.version)
    if ppdet[:2] == (2, 5) and slim and slim[:2] != (2, 5):
        return (f"ppdet {env.ppdet.version} with PaddleSlim {env.paddleslim.version}: "
                "PaddleDetection 2.5's slim code runs with PaddleSlim 2.5 (compression stops "
                "with other releases); install paddleslim 2.5.x")
    return None


def _model_other_paddle(env: Environment, writer: Optional[ModelWriter]) -> Optional[str]:
    paddle = _v(env.paddle.version)
    if writer is None or writer.release is None or not paddle or paddle[:2] == (0, 0):
        return None
    if writer.release == (3, 0):  # PIR: any paddle 3 reads it, no paddle 2 does
        if paddle < (3,):
            return (f"the model was written by paddle {writer.version} ({writer.source}), but "
                    f"paddle {env.paddle.version} is installed: paddle 2 cannot load model.json; "
                    "run it with paddle 3, or export it again with this paddle")
        return None
    if writer.release != paddle[:2]:
        return (f"the model was written by paddle {writer.version} ({writer.source}) and is run "
                f"by paddle {env.paddle.version}: ACT and inference may fail to load or run a "
                "program of another release; export it again with the installed paddle")
    return None


def _paddle2onnx_21_paddle_33(env: Environment, writer: Optional[ModelWriter]) -> Optional[str]:
    converter, paddle = _v(env.paddle2onnx.version), _v(env.paddle.version)
    if converter[:2] == (2, 1) and paddle[:2] >= (3, 3) and (
            writer is None or writer.release == (3, 0)):
        return (f"paddle2onnx {env.paddle2onnx.version} with paddle {env.paddle.version}: it "
                "stopped in its PIR parser (\"Expected array_list[0].isa<::pir::FloatAttribute>()"
                "\") on a float PicoDet that develop's ppdet exported with paddle 3.3.1; use "
                "the Paddle2ONNX release made for your paddle")
    return None


#: the table: each row, the packages it reads, the uses it bears on, where it was seen
COMBINATIONS: tuple[Combination, ...] = (
    Combination("paddleslim>=2.5 with paddle<2.5", ("paddle", "paddleslim"), (SLIM,),
                "PaddleSlim #1756, #1765; Paddle #54785", _slim_new_paddle_old),
    Combination("paddleslim<2.5 with paddle>=2.5", ("paddle", "paddleslim"), (SLIM,),
                "PaddleSlim #1797", _slim_old_paddle_new),
    Combination("paddleslim<=2.6 QAT export with paddle>=3", ("paddle", "paddleslim"),
                (QAT_EXPORT,), "measured: tests/deep/test_versions.py (paddle 3.3.1, "
                "PaddleSlim 2.6.0, develop's ppdet)", _qat_export_on_paddle_3),
    Combination("ppdet 2.5 with paddleslim other than 2.5", ("ppdet", "paddleslim"), (SLIM,),
                "PaddleDetection #7206", _ppdet_25_other_slim),
    Combination("model exported by another paddle", ("paddle", "model"),
                (LOADS_MODEL, CONVERT), "PaddleSlim #1665", _model_other_paddle),
    Combination("paddle2onnx 2.1 with paddle>=3.3", ("paddle", "paddle2onnx"), (CONVERT,),
                "measured: tests/deep/test_deploy_cli.py (paddle2onnx 2.1.0, paddle 3.3.1)",
                _paddle2onnx_21_paddle_33),
)


class Verdict(NamedTuple):
    """One row judged: the problem (None: fine), or what was missing to judge it."""

    combination: Combination
    problem: Optional[str] = None
    missing: tuple[str, ...] = ()


def judge(env: Environment, writer: Optional[ModelWriter] = None,
          uses: Optional[tuple[str, ...]] = None) -> list[Verdict]:
    """Every row of the table that bears on `uses` (all rows with None)."""
    found = {"paddle": env.paddle.found, "paddleslim": env.paddleslim.found,
             "ppdet": env.ppdet.found, "paddle2onnx": env.paddle2onnx.found,
             "model": writer is not None and writer.release is not None}
    verdicts = []
    for row in COMBINATIONS:
        if uses is not None and not set(row.uses) & set(uses):
            continue
        missing = tuple(n for n in row.needs if not found[n])
        verdicts.append(Verdict(row, None if missing else row.judge(env, writer), missing))
    return verdicts


def run_uses(ctx: CheckContext) -> tuple[tuple[str, ...], Optional[str]]:
    """What the checked run uses, and the exported model folder it loads (if any)."""
    if ctx.deploy is not None:
        run = ctx.deploy
        return ((CONVERT,) if run.tool == "convert" else (LOADS_MODEL,)), run.model_path
    if ctx.act is not None:
        return (SLIM, LOADS_MODEL), ctx.act.model_dir
    if ctx.mode in ("QAT", "PTQ", "PrunerQAT") or ctx.step == "post_quant":
        if ctx.step == "export" and ctx.mode in ("QAT", "PrunerQAT"):
            return (SLIM, QAT_EXPORT), None
        return (SLIM,), None
    return (), None


def check_versions(ctx: CheckContext) -> Iterator[Issue]:
    uses, model_dir = run_uses(ctx)
    if not uses:
        return


    env = ctx.facts.environment(ctx.run_root)
    writer = ctx.facts.model_writer(model_dir) if model_dir and ctx.facts.is_dir(model_dir) \
        else None
    location = (Location(ctx.deploy.model_path or ctx.deploy.script) if ctx.deploy is not None
                else Location(ctx.config_path))
    for verdict in judge(env, writer, uses):
        if verdict.problem:
            yield Issue(message=f"{verdict.problem} ({verdict.combination.source})",
                        location=location, severity="warning",
                        data=(("combination", verdict.combination.key),
                              ("source", verdict.combination.source)))


RULES = (
    Rule(
        code="QF990", name="known-bad-versions", severity="warning",
        applies_to=ALL_STEPS,
        summary="Installed paddle / PaddleSlim / ppdet / Paddle2ONNX (or the model's paddle) "
                "in a combination known to fail.",
        explanation=(
            "Versions are read from package metadata (importlib.metadata), a checkout's "
            "setup.py and the model's files (paddle 2's model.pdmodel records its paddle; "
            "paddle 3's model.json is PIR), never by importing paddle, and judged against a "
            "table whose every row names where the failure was seen. `qatfix doctor` shows "
            "every row and what could not be judged; `check` reports the rows that bear on "
            "the run."),
        example=("qatfix python tools/export_model.py -c "
                 "configs/picodet/picodet_s_320_coco_lcnet.yml --slim_config "
                 "configs/slim/quant/picodet_s_416_lcnet_quant.yml -o "
                 "weights=output/model_final.pdparams"),
        instead="the versions the row names",
        fix_safety="no fix: packages are installed by you.",
        evidence=("PaddleSlim #1756, #1765, #1797, #1665; PaddleDetection #7206; Paddle #54785; "
                  "measured with paddle 3.3.1, paddleslim/ 2.6.0 and ppdet/ of develop"),
        check=check_versions),
)
