"""Keys ppdet ignores or mangles: misspelt keys (QF406) in files and in `-o`, the fix that renames
them in place, `-o` paths through a list (QF407), and no finding on any config of the trees.
Every CLI case runs qatfix in a fresh process on a checkout of the develop tree."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from qatfix.config.nodes import ConfigList, ConfigMap, Origin, Tagged
from qatfix.model.key_spelling import misspellings, one_edit_apart
from tests.after.helpers import codes, findings, qatfix
from tests.conftest import REPO, tree
from tests.rules.test_examples import add_file, checkout

MODEL = "configs/picodet/picodet_s_320_coco_lcnet.yml"
LCNET_320 = "https://paddledet.bj.bcebos.com/models/picodet_s_320_coco_lcnet.pdparams"
QAT = """slim: QAT
QAT:
  quant_config: {weight_quantize_type: channel_wise_abs_max, activation_quantize_type:
    moving_average_abs_max, weight_bits: 8, activation_bits: 8, dtype: int8, window_size: 10000,
    moving_rate: 0.9, quantizable_layer_type: [Conv2D, Linear]}
  print_model: False
"""


# -- the pure part ------------------------------------------------------------------------------

@pytest.mark.parametrize("a, b, expected", [
    ("pretrain_weight", "pretrain_weights", True),    # one deleted
    ("pretrain_weigts", "pretrain_weights", True),    # one deleted inside
    ("batchsize", "batch_size", True),                # one inserted
    ("pretrian_weights", "pretrain_weights", True),   # neighbours swapped
    ("use_xpu", "use_gpu", True),                     # one replaced
    ("pretrain_weights", "pretrain_weights", False),  # the same
    ("batch_sizes_", "batch_size", False),            # two
    ("abcd", "badc", False),                          # two swaps
])
def test_one_edit(a: str, b: str, expected: bool) -> None:
    assert one_edit_apart(a, b) is expected
    assert one_edit_apart(b, a) is expected


def _config(**keys: object) -> ConfigMap:
    """A merged config whose keys come from `mine.yml` (line = position), or, for a
    `(value, "base.yml")` pair, from mine.yml over a definition in base.yml."""
    data = ConfigMap()
    for line, (key, value) in enumerate(keys.items(), start=1):
        origin = Origin("mine.yml", line, 1)
        if isinstance(value, tuple):
            value, base = value
            origin = origin.overriding(Origin(base, 1, 1))
        data.set(key, value, origin)
    return data


def test_only_unknown_keys_one_edit_from_a_known_one() -> None:
    top = {"pretrain_weights", "use_gpu", "use_xpu", "TrainReader", "architecture"}
    data = _config(pretrain_weight="x", use_xpu=True, my_own_flag=1, pretrain_weights="y")
    found = list(misspellings(data, top, {}, set()))
    assert [(m.key_path, m.meant, m.origin.line if m.origin else 0) for m in found] == \
        [(("pretrain_weight",), "pretrain_weights", 1)]


def test_a_key_another_file_defines_or_a_value_names_is_known() -> None:
    top = {"pretrain_weights", "YOLOv3Head", "architecture", "yolo_head"}
    # defined in the user's base too: theirs on purpose
    data = _config(pretrain_weight=("x", "my_base.yml"))
    assert list(misspellings(data, top, {}, set())) == []
    # a component of the user's own, injected by name, one edit from ppdet's YOLOv3Head
    data = _config(YOLOv4Head={"anchors": []}, architecture="YOLOv3",
                   YOLOv3={"yolo_head": "YOLOv4Head"})
    assert list(misspellings(data, top, {}, set())) == []


def test_section_keys_of_known_components_only() -> None:
    sections = {"TrainReader": {"batch_size", "shuffle"}, "PicoDet": {"backbone", "head"}}
    reader = ConfigMap()
    reader.set("batchsize", 8, Origin("mine.yml", 2, 3))
    model = ConfigMap()
    model.set("heads", "PicoHead", Origin("mine.yml", 4, 3))
    mine = ConfigMap()
    mine.set("shufle", True, Origin("mine.yml", 6, 3))
    data = _config(TrainReader=reader, PicoDet=model, MyReader=mine)
    found = {m.key_path: (m.meant, m.swallowed)
             for m in misspellings(data, set(sections) | {"MyReader"}, sections, {"TrainReader"})}
    assert found == {("TrainReader", "batchsize"): ("batch_size", True),
                     ("PicoDet", "heads"): ("head", False)}


def _mapping(path: str, line: int, **keys: object) -> ConfigMap:
    """A mapping of `path` whose keys sit on consecutive lines from `line`."""
    data = ConfigMap()
    for offset, (key, value) in enumerate(keys.items()):
        data.set(key, value, Origin(path, line + offset, 5))
    return data


def test_keys_are_judged_at_any_depth_where_the_receiving_class_is_known() -> None:
    sections = {"PicoHeadV2": {"conv_feat", "nms", "num_classes", "loss_weights"},
                "PicoFeat": {"feat_in", "feat_out"}, "TrainReader": {"sample_transforms",
                                                                     "batch_size"},
                "Resize": {"target_size", "keep_ratio"}, "COCODataSet": {"anno_path"},
                "LinearWarmup": {"steps", "start_factor"}, "LearningRate": {"schedulers"}}
    top = {"PicoHeadV2", "PicoFeat", "TrainReader", "LearningRate", "TrainDataset",
           "my_ops", "OptimizerBuilder"}
    feat = _mapping("mine.yml", 3, name="PicoFeat", feat_ot=96)
    weights = _mapping("mine.yml", 5, feat_ot=1.0)  # a free-form mapping: passed as a value
    head = _mapping("mine.yml", 2, conv_feat=feat, loss_weights=weights)
    resize = _mapping("mine.yml", 8, target_sise=[320, 320], keep_ratio=False)
    item = _mapping("mine.yml", 8, Resize=resize)
    transforms = ConfigList()
    transforms.add(item, Origin("mine.yml", 8, 3))
    reader = _mapping("mine.yml", 7, sample_transforms=transforms)
    dataset = Tagged("!COCODataSet", _mapping("mine.yml", 10, anno_pth="a.json"))
    warmup = Tagged("!LinearWarmup", _mapping("mine.yml", 12, step=300))
    schedulers = ConfigList()
    schedulers.add(warmup, Origin("mine.yml", 12, 3))
    learning = _mapping("mine.yml", 11, schedulers=schedulers)
    # the same transform outside a reader is a list of mappings ppdet does not construct
    elsewhere = ConfigList()
    elsewhere.add(_mapping("mine.yml", 14, Resize=_mapping("mine.yml", 14, target_sise=1)),
                  Origin("mine.yml", 14, 3))
    data = _config(PicoHeadV2=head, TrainReader=reader, TrainDataset=dataset,
                   LearningRate=learning, my_ops=elsewhere)
    found = {m.key_path: (m.meant, m.component, m.swallowed, m.origin.line if m.origin else 0)
             for m in misspellings(data, top, sections, {"COCODataSet"})}
    assert found == {
        ("PicoHeadV2", "conv_feat", "feat_ot"): ("feat_out", "PicoFeat", False, 4),
        ("TrainReader", "sample_transforms", 0, "Resize", "target_sise"):
            ("target_size", "Resize", False, 8),
        ("TrainDataset", "anno_pth"): ("anno_path", "COCODataSet", True, 10),
        ("LearningRate", "schedulers", 0, "step"): ("steps", "LinearWarmup", False, 12)}


# -- the CLI on the develop tree ----------------------------------------------------------------

@pytest.fixture
def root(tmp_path: Path) -> Path:
    return checkout(tmp_path)


def _one(found: list[dict[str, object]], code: str) -> dict[str, object]:
    [finding] = [f for f in found if f["code"] == code]
    return finding


@pytest.mark.corpus
def test_misspelt_weights_key_in_a_slim_config(root: Path) -> None:
    add_file(root, "configs/slim/quant/typo_qat.yml", f"pretrain_weight: {LCNET_320}\n" + QAT)
    code, found = findings(MODEL, "configs/slim/quant/typo_qat.yml", cwd=root)
    typo = _one(found, "QF406")
    assert typo["severity"] == "warning"
    assert typo["location"] == {"path": "configs/slim/quant/typo_qat.yml", "line": 1, "column": 1}
    assert "did you mean pretrain_weights?" in str(typo["message"])
    assert "PPLCNet_x0_75_pretrained" in str(typo["message"])  # what the run loads instead
    assert "QF102" in codes(found) and code == 1
    # the error about the weights the run loads instead names the misspelt line
    assert "typo_qat.yml:1 sets pretrain_weight, a misspelling ppdet ignores" in \
        str(_one(found, "QF102")["message"])

    # every fix renames the key on its own line: no second pretrain_weights below it
    diff = qatfix(MODEL, "configs/slim/quant/typo_qat.yml", "--diff", cwd=root).stdout
    changed = [line for line in diff.splitlines()
               if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert changed == [f"-pretrain_weight: {LCNET_320}", f"+pretrain_weights: {LCNET_320}"]

    applied = qatfix(MODEL, "configs/slim/quant/typo_qat.yml", "--apply", cwd=root)
    assert applied.returncode == 0, applied.stderr  # the run as it is after the rename
    assert "fixed configs/slim/quant/typo_qat.yml" in applied.stderr
    text = (root / "configs/slim/quant/typo_qat.yml").read_text()
    assert text == f"pretrain_weights: {LCNET_320}\n" + QAT
    code, found = findings(MODEL, "configs/slim/quant/typo_qat.yml", cwd=root)
    assert not {"QF406", "QF102"} & set(codes(found))
    # the run is checked again and holds only the QAT recipe's infos
    assert code == 0 and codes(found) == ["QF302", "QF501"]


@pytest.mark.corpus
def test_misspelt_reader_key_in_a_model_config(root: Path) -> None:
    add_file(root, "configs/picodet/mine.yml",
             "_BASE_: [picodet_s_320_coco_lcnet.yml]\nTrainReader:\n  batchsize: 8\n")
    code, found = findings("configs/picodet/mine.yml", cwd=root)
    typo = _one(found, "QF406")
    assert typo["location"] == {"path": "configs/picodet/mine.yml", "line": 3, "column": 3}
    assert "TrainReader.batch_size stays 64" in str(typo["message"])
    assert "did you mean TrainReader.batch_size?" in str(typo["message"])
    done = qatfix("configs/picodet/mine.yml", "--diff", cwd=root).stdout
    assert "-  batchsize: 8\n+  batch_size: 8" in done


@pytest.mark.corpus
def test_misspelt_key_in_an_option(root: Path) -> None:
    code, found = findings(MODEL, "-o", "pretrain_weigts=foo.pdparams", cwd=root)
    typo = _one(found, "QF406")
    assert typo["location"]["path"] == "<-o>"  # type: ignore[index]
    assert "did you mean -o pretrain_weights=foo.pdparams?" in str(typo["message"])
    # the key ppdet reads is not flagged, and neither is an option of a key the trees know
    code, found = findings(MODEL, "-o", "pretrain_weights=foo.pdparams", "use_xpu=false",
                           "--select", "QF406", cwd=root)
    assert found == []


@pytest.mark.corpus
def test_option_through_a_list_says_what_ppdet_builds(root: Path) -> None:
    option = "EvalReader.sample_transforms.1.Resize.target_size=[640,640]"
    for args in ((MODEL,), (MODEL, "configs/slim/quant/picodet_s_quant.yml")):
        code, found = findings(*args, "-o", option, cwd=root)
        issue = _one(found, "QF407")
        assert code == 1 and issue["severity"] == "error"
        message = str(issue["message"])
        # ppdet's own merge (checked with develop's ppdet): the list becomes this mapping
        assert ("EvalReader.sample_transforms = {'1': {'Resize': {'target_size': [640, 640]}}}"
                in message)
        assert "(Decode, Resize, NormalizeImage, Permute)" in message
        assert "configs/picodet/_base_/picodet_320_reader.yml:23" in message
    # a whole list, or a key of a mapping, is no finding
    code, found = findings(MODEL, "-o", "EvalReader.batch_size=4", "--select", "QF407", cwd=root)
    assert found == []


#: a user's config of their own: misspelt keys of an injected component, a dataset, transform
#: operators and a learning-rate scheduler (each is a TypeError when ppdet builds it)
DEEP = """_BASE_: [picodet_s_320_coco_lcnet.yml]
num_classes: 4
PicoHeadV2:
  conv_feat:
    name: PicoFeat
    feat_in: 96
    feat_ot: 96
TrainDataset:
  !COCODataSet
    image_dir: train
    anno_pth: annotations/train.json
    dataset_dir: dataset/mine
TrainReader:
  batch_transforms:
  - BatchRandomResize: {target_size: [256, 288, 320], random_sise: True, keep_ratio: False}
  - Permute: {}
EvalReader:
  sample_transforms:
  - Decode: {}
  - Resize: {interp: 2, target_sise: [320, 320], keep_ratio: False}
LearningRate:
  schedulers:
  - !LinearWarmup
    start_factor: 0.1
    step: 300
"""
DEEP_FOUND = {
    7: ("PicoHeadV2.conv_feat.feat_ot", "PicoHeadV2.conv_feat.feat_out", "PicoFeat"),
    11: ("TrainDataset.anno_pth", "TrainDataset.anno_path", "COCODataSet"),
    15: ("TrainReader.batch_transforms.0.BatchRandomResize.random_sise",
         "TrainReader.batch_transforms.0.BatchRandomResize.random_size", "BatchRandomResize"),
    20: ("EvalReader.sample_transforms.1.Resize.target_sise",
         "EvalReader.sample_transforms.1.Resize.target_size", "Resize"),
    25: ("LearningRate.schedulers.0.step", "LearningRate.schedulers.0.steps", "LinearWarmup"),
}


def _release_checkout(tmp_path: Path) -> Path:
    """A checkout of the release-2.6 tree's configs (and its ppdet) that tests may add to."""
    release = tree("release-2.6")
    root = tmp_path / "PaddleDetection-2.6"
    (root / "configs").mkdir(parents=True)
    for entry in (release / "configs").iterdir():
        (root / "configs" / entry.name).symlink_to(entry)
    for folder in ("ppdet", "tools"):
        (root / folder).symlink_to(release / folder)
    return root


@pytest.mark.corpus
@pytest.mark.parametrize("name", ["develop", "release-2.6"])
def test_misspelt_keys_below_the_first_level(name: str, tmp_path: Path) -> None:
    root = checkout(tmp_path) if name == "develop" else _release_checkout(tmp_path)
    add_file(root, "configs/picodet/deep.yml", DEEP)
    code, found = findings("configs/picodet/deep.yml", "--select", "QF406", cwd=root)
    assert code == 1
    by_line = {f["location"]["line"]: f for f in found}  # type: ignore[index]
    assert sorted(by_line) == sorted(DEEP_FOUND)
    for line, (written, meant, component) in DEEP_FOUND.items():
        message = str(by_line[line]["message"])
        assert message.startswith(f"{written} is not a parameter of ppdet's {component}: "
                                  "building it stops with TypeError"), message
        assert f"did you mean {meant}?" in message
        assert by_line[line]["fix"]["safety"] == "safe"  # type: ignore[index]
    # every fix renames its key in place; applied, the config has none left
    assert qatfix("configs/picodet/deep.yml", "--select", "QF406", "--apply",
                  cwd=root).returncode in (0, 1)
    text = (root / "configs/picodet/deep.yml").read_text()
    for _, meant, _ in DEEP_FOUND.values():
        assert meant.rsplit(".", 1)[1] in text
    assert text.count("\n") == DEEP.count("\n")
    code, found = findings("configs/picodet/deep.yml", "--select", "QF406", cwd=root)
    assert (code, found) == (0, [])


@pytest.mark.corpus
def test_misspelt_keys_below_the_first_level_in_options(root: Path) -> None:
    code, found = findings(MODEL, "-o", "PicoHeadV2.conv_feat.feat_inn=128",
                           "PicoHeadV2.nms.keep_topk=50", "--select", "QF406", cwd=root)
    messages = sorted(str(f["message"]) for f in found)
    assert code == 1 and len(messages) == 2
    assert "ppdet's PicoFeat" in messages[0] and \
        "did you mean -o PicoHeadV2.conv_feat.feat_in=128?" in messages[0]
    assert "ppdet's MultiClassNMS" in messages[1] and \
        "did you mean -o PicoHeadV2.nms.keep_top_k=50?" in messages[1]
    assert all(f["location"]["path"] == "<-o>" for f in found)  # type: ignore[index]


@pytest.mark.corpus
def test_a_misspelt_key_read_through_aliases_is_one_finding_without_a_duplicate_rename(
        root: Path) -> None:
    add_file(root, "configs/picodet/alias.yml", "_BASE_: [picodet_s_320_coco_lcnet.yml]\n"
             "eval_ops: &eval_ops\n  - Decode: {}\n"
             "  - Resize: {interp: 2, target_sise: [320, 320], keep_ratio: False}\n"
             "EvalReader:\n  sample_transforms: *eval_ops\n"
             "TestReader:\n  sample_transforms: *eval_ops\n")
    code, found = findings("configs/picodet/alias.yml", "--select", "QF406", cwd=root)
    [typo] = found
    assert typo["location"]["line"] == 4  # type: ignore[index]
    # target_size written beside the misspelt key: no rename onto it
    add_file(root, "configs/picodet/both_sizes.yml", "_BASE_: [picodet_s_320_coco_lcnet.yml]\n"
             "EvalReader:\n  sample_transforms:\n  - Decode: {}\n"
             "  - Resize: {target_sise: [320, 320], target_size: [320, 320]}\n")
    code, found = findings("configs/picodet/both_sizes.yml", "--select", "QF406", cwd=root)
    [typo] = found
    assert typo["fix"] is None and "target_size stays" in str(typo["message"])


# -- the trees ----------------------------------------------------------------------------------

@pytest.mark.corpus
@pytest.mark.parametrize("name", ["develop", "release-2.6"])
def test_no_config_of_the_trees_has_a_misspelt_key(name: str) -> None:
    """Every model config of the tree, and each slim config with the model configs it is
    documented with (the folder scan's pairs): not one QF406."""
    root = tree(name)
    done = qatfix("configs/", "--select", "QF406", "--format", "json", cwd=root)
    report = json.loads(done.stdout)
    assert [f for f in report["findings"] if f["code"] == "QF406"] == []
    assert done.returncode == 0, done.stderr


@pytest.mark.corpus
def test_known_keys_are_current() -> None:
    develop, release = tree("develop"), tree("release-2.6")
    done = qatfix("registry", "keys", "--paddledetection", str(develop), "--paddledetection",
                  str(release), "--check", cwd=REPO)
    assert (done.returncode, done.stdout.strip()) == (0, "config_keys.json is up to date"), \
        done.stderr


@pytest.mark.corpus
def test_qatfix_set_judges_keys_as_qf406_does(root: Path) -> None:
    # a parameter of ppdet's TrainReader that no file of the chain writes: set silently
    done = qatfix("set", MODEL, "TrainReader.mixup_epoch", "5", "--strict", "--diff", cwd=root)
    assert done.returncode == 0 and "did you mean" not in done.stderr.lower(), done.stderr
    # one edit from a parameter of the head's class, which no file of the chain writes either
    done = qatfix("set", MODEL, "PicoHeadV2.num_clases", "5", "--strict", "--diff", cwd=root)
    assert done.returncode == 2 and "Did you mean PicoHeadV2.num_classes?" in done.stderr


@pytest.mark.corpus
def test_no_rename_onto_a_key_the_file_writes(root: Path) -> None:
    add_file(root, "configs/picodet/both.yml", "_BASE_: [picodet_s_320_coco_lcnet.yml]\n"
             "TrainReader:\n  batch_size: 4\n  batchsize: 8\nTrainReaderr:\n  shuffle: false\n")
    code, found = findings("configs/picodet/both.yml", "--select", "QF406", cwd=root)
    by_line = {f["location"]["line"]: f for f in found}  # type: ignore[index]
    assert sorted(by_line) == [4, 5]
    # batch_size is written beside batchsize: renaming would make a duplicate key
    assert by_line[4]["fix"] is None and "TrainReader.batch_size stays 4" in \
        str(by_line[4]["message"])
    # and it writes TrainReader: TrainReaderr is not renamed onto it either
    assert by_line[5]["fix"] is None
    # where the file writes no TrainReader, the section is renamed
    add_file(root, "configs/picodet/one.yml", "_BASE_: [picodet_s_320_coco_lcnet.yml]\n"
             "TrainReaderr:\n  shuffle: false\n")
    code, found = findings("configs/picodet/one.yml", "--select", "QF406", cwd=root)
    [typo] = found
    assert typo["fix"]["safety"] == "safe"  # type: ignore[index]


@pytest.mark.corpus
@pytest.mark.parametrize("target, other", [("develop", "release-2.6"), ("release-2.6", "develop")])
def test_facts_learned_without_a_trees_configs_raise_nothing_on_them(target: str,
                                                                     other: str) -> None:
    """The facts generalise rather than list the corpus: learned from ppdet's source and the
    other tree's configs only, they find no misspelt key in any model config of this tree."""
    from qatfix.config import resolve
    from qatfix.errors import QatfixError
    from qatfix.registry.builder.config_keys import config_facts
    from qatfix.registry.ppdet_source import source_facts

    roots = {name: tree(name) for name in (target, other)}
    top, sections, open_sections = source_facts(roots.values())
    config_top, config_sections = config_facts([roots[other]])
    top |= config_top
    for name, keys in config_sections.items():
        if name in sections:
            sections[name] |= keys
    found, checked = set(), 0
    for path in sorted((roots[target] / "configs").rglob("*.yml")):
        try:
            resolved = resolve(str(path))
        except QatfixError:
            continue
        if "architecture" not in resolved.data:
            continue
        checked += 1
        found |= {(m.origin.path if m.origin else "", ".".join(m.key_path))
                  for m in misspellings(resolved.data, top, sections, open_sections)}
    assert checked > 450 and found == set()


@pytest.mark.corpus
def test_a_component_without_kwargs_stops_on_a_misspelt_parameter(root: Path) -> None:
    # develop's ppdet: create(PicoDet) raises "PicoHeadV2.__init__() got an unexpected keyword
    # argument 'num_clases'" (PicoHeadV2.__init__ takes no **kwargs)
    code, found = findings(MODEL, "-o", "PicoHeadV2.num_clases=4", "--select", "QF406", cwd=root)
    [typo] = found
    assert "building it stops with TypeError (unexpected keyword argument 'num_clases')" in \
        str(typo["message"])
    assert "did you mean -o PicoHeadV2.num_classes=4?" in str(typo["message"])


@pytest.mark.corpus
def test_a_forks_own_parameters_are_known(root: Path) -> None:
    """A checkout whose ppdet adds a parameter (`PicoHeadV2.grid_cell_scales`, one edit from
    grid_cell_scale): its own source is read and the key is no finding there; in a checkout
    without that ppdet it is one."""
    import shutil

    add_file(root, "configs/picodet/fork.yml", "_BASE_: [picodet_s_320_coco_lcnet.yml]\n"
             "PicoHeadV2:\n  grid_cell_scales: [5.0, 5.0, 5.0, 5.0]\n")
    code, found = findings("configs/picodet/fork.yml", "--select", "QF406", cwd=root)
    assert [f["location"]["line"] for f in found] == [3]  # type: ignore[index]

    shutil.copytree(tree("develop") / "ppdet", root / "ppdet")
    head = root / "ppdet" / "modeling" / "heads" / "pico_head.py"
    text = head.read_text(encoding="utf-8")
    signature = "                 dgqp_module=None,\n                 num_classes=80,\n"
    start = text.index(signature, text.index("class PicoHeadV2(")) + len(signature)
    head.write_text(text[:start] + "                 grid_cell_scales=None,\n" + text[start:],
                    encoding="utf-8")
    code, found = findings("configs/picodet/fork.yml", "--select", "QF406", cwd=root)
    assert found == []
    # the fork's facts are kept in the cache folder under its fingerprint, and read from there
    import os

    [kept] = Path(os.environ["QATFIX_CACHE_DIR"], "config_keys").glob("*.json")
    assert "grid_cell_scales" in kept.read_text()
    code, again = findings("configs/picodet/fork.yml", "--select", "QF406", cwd=root)
    assert again == []
