"""Rules judged on facts stated by hand (`tests/rules/given_facts.py`): no tree, no file on disk,
no installed package asked. The configs are YAML texts parsed in memory (`Texts` standing in
for files whose paths need not exist), so each test is one rule's verdict on exactly the facts
it states."""
from __future__ import annotations

from dataclasses import replace
from typing import Optional

from qatfix.config import Resolved, resolve
from qatfix.config.loader import Texts
from qatfix.config.resolve import Include
from qatfix.model.act_run import ActRun
from qatfix.model.exported import ExportedModel
from qatfix.model.program import ProgramFacts
from qatfix.model.quant_format import InstalledDefault
from qatfix.registry.url_status import UrlStatus
from qatfix.rules import all_rules
from qatfix.rules.base import Issue
from qatfix.rules.context import CheckContext
from qatfix.rules.facts import Facts
import qatfix.rules.act_run as act_facts
from tests.rules.given_facts import GivenFacts

ROOT = "/nowhere/PaddleDetection"
MODEL = f"{ROOT}/configs/picodet/picodet_x.yml"
SLIM = f"{ROOT}/configs/slim/quant/picodet_x_qat.yml"
MODEL_TEXT = "architecture: PicoDet\nnum_classes: 80\n"


def _run(texts: dict[str, str], config: str, slim: Optional[str] = None) -> Resolved:
    return resolve(config, slim, texts=Texts.of(texts))


def _context(facts: Facts, slim_text: str, mode: str = "QAT") -> CheckContext:
    texts = {MODEL: MODEL_TEXT, SLIM: slim_text}
    return CheckContext(_run(texts, MODEL, SLIM), mode, "model", ROOT,
                        slim_own=_run(texts, SLIM), facts=facts)


def _issues(code: str, ctx: CheckContext) -> list[Issue]:
    return list(all_rules()[code].check(ctx))


def test_the_stated_facts_are_facts() -> None:
    facts: Facts = GivenFacts()  # mypy holds GivenFacts to the protocol here
    assert not facts.is_file(MODEL)


# --- weights: QF103 ----------------------------------------------------------------------------

QAT_LOCAL = "slim: QAT\npretrain_weights: output/picodet_x/model_final\n"


def test_qf103_a_local_weights_file_that_is_not_there() -> None:
    facts = GivenFacts()
    [issue] = _issues("QF103", _context(facts, QAT_LOCAL))
    assert issue.message == ("pretrain_weights: output/picodet_x/model_final.pdparams does not "
                             f"exist (relative to {ROOT})")
    assert issue.severity == "error"
    assert (issue.location.path, issue.location.line) == (SLIM, 2)
    assert ("is_file", f"{ROOT}/output/picodet_x/model_final.pdparams") in facts.asked


def test_qf103_the_same_weights_file_when_it_is_there() -> None:
    facts = GivenFacts(files=frozenset({f"{ROOT}/output/picodet_x/model_final.pdparams"}))
    assert _issues("QF103", _context(facts, QAT_LOCAL)) == []


def test_qf103_a_folder_where_the_file_should_be() -> None:
    facts = GivenFacts(folders={f"{ROOT}/output/picodet_x/model_final": ("model.pdparams",)})
    [issue] = _issues("QF103", _context(facts, QAT_LOCAL))
    assert "'output/picodet_x/model_final' is a folder" in issue.message


def test_qf103_an_unknown_url_is_judged_by_its_stated_status() -> None:
    url = "https://example.invalid/models/mine.pdparams"
    slim = f"slim: QAT\npretrain_weights: {url}\n"
    gone = GivenFacts(urls={url: UrlStatus(True, "answers 404 Not Found")})
    [issue] = _issues("QF103", _context(gone, slim))
    assert issue.message == (f"pretrain_weights: {url} is not an official weight and answers "
                             "404 Not Found")
    assert ("url_status", url) in gone.asked
    assert _issues("QF103", _context(GivenFacts(urls={url: UrlStatus(False, "")}), slim)) == []
    assert _issues("QF103", _context(GivenFacts(), slim)) == []  # nothing known: no verdict


# --- quantization: QF307 (onnx_format default), QF306 (a key too new) -------------------------

QAT_NO_FORMAT = ("slim: QAT\npretrain_weights: output/picodet_x/model_final\n"
                 "QAT:\n  quant_config: {weight_bits: 8, activation_bits: 8}\n")
QAT_WITH_FORMAT = ("slim: QAT\npretrain_weights: output/picodet_x/model_final\n"
                   "QAT:\n  quant_config: {weight_bits: 8, onnx_format: true}\n")


def test_qf307_an_installed_default_of_false() -> None:
    default = InstalledDefault(False, lambda: "PaddleSlim 2.4.1")
    facts = GivenFacts(paddleslim="2.4.1", onnx_defaults={"dygraph": default})
    [issue] = _issues("QF307", _context(facts, QAT_NO_FORMAT))
    assert issue.message.startswith("QAT.quant_config sets no onnx_format, and PaddleSlim 2.4.1 "
                                    "defaults it to false")
    assert issue.message.endswith("set onnx_format: true before training")
    [fix] = issue.fixes
    assert (fix.safety, fix.value) == ("safe", "true")
    assert ("onnx_format_default", "dygraph") in facts.asked


def test_qf307_a_release_without_the_key_gets_no_fix() -> None:
    default = InstalledDefault(False, lambda: "PaddleSlim 2.3.4")
    facts = GivenFacts(paddleslim="2.3.4", onnx_defaults={"dygraph": default})
    [issue] = _issues("QF307", _context(facts, QAT_NO_FORMAT))
    assert "this PaddleSlim has no onnx_format key yet (it came in 2.4.0)" in issue.message
    assert issue.fixes == ()


def test_qf307_says_nothing_for_a_default_of_true_or_no_paddleslim() -> None:
    default = InstalledDefault(True, lambda: "PaddleSlim 2.6.0")
    true = GivenFacts(paddleslim="2.6.0", onnx_defaults={"dygraph": default})
    assert _issues("QF307", _context(true, QAT_NO_FORMAT)) == []
    assert _issues("QF307", _context(GivenFacts(), QAT_NO_FORMAT)) == []


def test_qf306_onnx_format_under_a_release_that_ignores_it() -> None:
    [issue] = _issues("QF306", _context(GivenFacts(paddleslim="2.3.4"), QAT_WITH_FORMAT))
    assert issue.message.startswith("quant_config onnx_format is unknown to the installed "
                                    "PaddleSlim 2.3.4 (it came in 2.4.0)")
    assert (issue.location.path, issue.location.line) == (SLIM, 4)
    assert _issues("QF306", _context(GivenFacts(paddleslim="2.4.1"), QAT_WITH_FORMAT)) == []
    assert _issues("QF306", _context(GivenFacts(), QAT_WITH_FORMAT)) == []


# --- readers: QF203 (an override an alias never sees) ------------------------------------------

READERS = f"{ROOT}/configs/picodet/_base_"
READER_320 = f"{READERS}/reader_320.yml"
READER_416 = f"{READERS}/reader_416.yml"
LEAF = f"{ROOT}/configs/picodet/picodet_leaf.yml"
READER = ("eval_height: &eval_height {h}\n"
          "EvalReader:\n  sample_transforms:\n  - Resize: {{target_size: [*eval_height, 320]}}\n")
LEAF_TEXT = "_BASE_: [_base_/reader_320.yml]\neval_height: 416\n"


def _leaf_context(facts: Facts) -> CheckContext:
    # the leaf's `_BASE_` entry names the reader: stated as the include it makes (the texts are
    # merged in ppdet's order, the reader first)
    texts = {READER_320: READER.format(h=320), LEAF: "eval_height: 416\n"}
    merged = _run(texts, READER_320, LEAF)
    merged = replace(merged, config_path=LEAF, slim_path=None,
                     includes=(Include(LEAF, READER_320, 1),))
    return CheckContext(merged, "train", "model", ROOT, facts=facts)


def test_qf203_the_fix_is_the_sibling_reader_whose_anchor_holds_the_value() -> None:
    facts = GivenFacts(folders={READERS: ("reader_320.yml", "reader_416.yml", "notes.txt")},
                       texts={READER_416: READER.format(h=416), LEAF: LEAF_TEXT,
                              READER_320: READER.format(h=320)})
    [issue] = _issues("QF203", _leaf_context(facts))
    assert issue.message.startswith("eval_height: 416 has no effect on "
                                    "EvalReader.sample_transforms[0].Resize.target_size[0], "
                                    "which still use 320 from the anchor &eval_height in "
                                    "reader_320.yml")
    [fix] = issue.fixes
    assert fix.title == ("Point _BASE_ at _base_/reader_416.yml instead of "
                         "_base_/reader_320.yml (its readers use 416)")
    assert fix.safety == "unsafe"
    assert ("list_dir", READERS) in facts.asked
    assert ("document", READER_416) in facts.asked


def test_qf203_without_a_fitting_sibling_there_is_no_fix() -> None:
    facts = GivenFacts(folders={READERS: ("reader_320.yml",)},
                       texts={READER_320: READER.format(h=320), LEAF: LEAF_TEXT})
    [issue] = _issues("QF203", _leaf_context(facts))
    assert issue.fixes == ()
    unlisted = GivenFacts(texts={LEAF: LEAF_TEXT})  # the folder cannot be listed
    [issue] = _issues("QF203", _leaf_context(unlisted))
    assert issue.fixes == ()


# --- ACT: QF961 (model and params file names against the exported folder) --------------------

ACT_DIR = f"{ROOT}/deploy/auto_compression"
ACT_CONFIG = f"{ACT_DIR}/configs/picodet_x_qat.yaml"
MODEL_DIR = f"{ACT_DIR}/picodet_x"
ACT_TEXT = ("Global:\n  model_dir: ./picodet_x\n  model_filename: model.pdmodel\n"
            "  params_filename: model.pdiparams\n"
            "QuantAware:\n  onnx_format: true\n")


def _act_context(facts: Facts) -> CheckContext:
    act = _run({ACT_CONFIG: ACT_TEXT}, ACT_CONFIG)
    run = ActRun(act, None, ACT_DIR, pasted=False)
    return CheckContext(act, "act", "model", ACT_DIR, step="act", act=run, facts=facts)


def _exported(files: tuple[str, ...]) -> ExportedModel:
    return ExportedModel(source="picodet_x/infer_cfg.yml", size=(320, 320), num_classes=80,
                         arch="PicoDet", files=files)


def _act_facts(files: tuple[str, ...]) -> GivenFacts:
    return GivenFacts(files=frozenset({f"{MODEL_DIR}/infer_cfg.yml"}),
                      folders={MODEL_DIR: files},
                      act_scripts={ACT_DIR: f"{ACT_DIR}/run_det.py"},
                      infer_cfgs={MODEL_DIR: _exported(files)})


def test_qf961_a_paddle3_export_named_as_paddle2() -> None:
    facts = _act_facts(("infer_cfg.yml", "model.json", "model.pdiparams"))
    [issue] = _issues("QF961", _act_context(facts))
    assert issue.message == ("Global.model_filename is model.pdmodel, which is not in model_dir "
                             "./picodet_x: loading the inference model fails; the folder holds "
                             "model.json (paddle 3 writes the program as model.json)")
    [fix] = issue.fixes
    assert (fix.title, fix.safety, fix.value) == ("Set Global.model_filename to model.json",
                                                  "safe", "model.json")
    assert ("exported_from_infer_cfg", MODEL_DIR) in facts.asked


def test_qf961_every_named_file_there_or_no_folder() -> None:
    there = _act_facts(("infer_cfg.yml", "model.pdmodel", "model.pdiparams"))
    assert _issues("QF961", _act_context(there)) == []
    nothing = GivenFacts(act_scripts={ACT_DIR: f"{ACT_DIR}/run_det.py"})
    assert _issues("QF961", _act_context(nothing)) == []  # no folder: QF960 says what is unknown


PTQ_DIR = f"{ROOT}/post_training_quantization/detection"
PTQ_CONFIG = f"{PTQ_DIR}/configs/picodet_x_ptq.yaml"
PTQ_MODEL_DIR = f"{PTQ_DIR}/out"
PTQ_TEXT = ("input_list: ['image']\nmodel_dir: ./out\nmodel_filename: model.json\n"
            "params_filename: model.pdiparams\n"
            "EvalReader:\n  sample_transforms:\n  - Decode: {}\n")
FULL_QUANT = ProgramFacts(feeds={"image": [-1, 3, 320, 320]}, fetches=(),
                          ops=frozenset({"data", "quantize_linear", "dequantize_linear"}),
                          source=f"{PTQ_MODEL_DIR}/model.json")


def _ptq_context(facts: Facts, command_script: str = "eval.py") -> CheckContext:
    act = _run({PTQ_CONFIG: PTQ_TEXT}, PTQ_CONFIG)
    run = ActRun(act, None, PTQ_DIR, pasted=True, command_script=command_script)
    return CheckContext(act, "act", "model", PTQ_DIR, step="act", act=run, facts=facts)


def test_a_flat_ptq_config_asks_for_post_quant_py_and_reads_the_program_through_facts() -> None:
    facts = GivenFacts(folders={PTQ_MODEL_DIR: ("model.json", "model.pdiparams")},
                       ptq_scripts={PTQ_DIR: f"{PTQ_DIR}/post_quant.py"},
                       programs={PTQ_MODEL_DIR: FULL_QUANT})
    ctx = _ptq_context(facts)
    assert ctx.act is not None and ctx.act.flat
    assert act_facts.script(ctx.act, facts) == f"{PTQ_DIR}/post_quant.py"
    assert act_facts.program(ctx.act, facts) is FULL_QUANT
    assert ("program_in", PTQ_MODEL_DIR) in facts.asked


def test_qf965_a_full_quant_model_evaluated_with_eval_py_on_stated_facts() -> None:
    facts = GivenFacts(files=frozenset({f"{PTQ_DIR}/test_det.py"}),
                       folders={PTQ_MODEL_DIR: ("model.json", "model.pdiparams")},
                       programs={PTQ_MODEL_DIR: FULL_QUANT})
    [issue] = _issues("QF965", _ptq_context(facts))
    command = ("python test_det.py --model_path ./out --config configs/picodet_x_ptq.yaml "
               "--use_trt True --precision int8")
    assert issue.message.startswith("./out is a full-quant model (./out/model.json holds "
                                    "quantize_linear")
    assert issue.message.endswith(f"run instead: {command}")  # test_det.py is beside eval.py
    [fix] = issue.fixes
    assert (fix.safety, fix.command, fix.changes) == ("unsafe", command, ())
    # the same model checked for post_quant.py, or no program to read: nothing to say
    assert _issues("QF965", _ptq_context(facts, "post_quant.py")) == []
    assert _issues("QF965", _ptq_context(GivenFacts(folders={PTQ_MODEL_DIR: ()}))) == []
