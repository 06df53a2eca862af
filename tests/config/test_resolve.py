"""Resolver semantics on small trees written by the tests."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from qatfix.cli.main import main
from qatfix.config import ConfigMap, Tagged, resolve, to_plain
from qatfix.errors import ConfigError, UsageError


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    write(tmp_path, "configs/runtime.yml", "use_gpu: true\nlog_iter: 20\nsave_dir: output\n")
    write(tmp_path, "configs/m/_base_/model.yml",
          "architecture: PicoDet\nPicoDet:\n  backbone: LCNet\nLCNet:\n  scale: 1.0\n"
          "  feature_maps: [3, 4, 5]\n")
    write(tmp_path, "configs/m/_base_/reader.yml",
          "eval_height: &eval_height 320\neval_width: &eval_width 320\n"
          "eval_size: &eval_size [*eval_height, *eval_width]\n"
          "EvalReader:\n  sample_transforms:\n  - Decode: {}\n"
          "  - Resize: {interp: 2, target_size: *eval_size, keep_ratio: False}\n"
          "  batch_size: 8\n")
    write(tmp_path, "configs/m/model.yml",
          "_BASE_: [\n  '../runtime.yml',\n  '_base_/model.yml',\n  '_base_/reader.yml',\n]\n"
          "LCNet:\n  scale: 0.75\neval_height: 416\nlog_iter: 10\n"
          "LearningRate:\n  base_lr: 1e-4\n  schedulers:\n  - !CosineDecay\n    max_epochs: 300\n")
    write(tmp_path, "configs/slim/quant.yml",
          "pretrain_weights: https://example.com/m.pdparams\nslim: QAT\nepoch: 50\n")
    return tmp_path


def test_bases_merge_in_order_then_the_file(tree: Path) -> None:
    r = resolve(str(tree / "configs/m/model.yml"))
    assert r.get("LCNet") == {"scale": 0.75, "feature_maps": [3, 4, 5]}
    assert r.get("log_iter") == 10 and r.get("use_gpu") is True
    assert r.get("filename") == "model"
    assert "_BASE_" not in r.data
    assert [Path(f).name for f in r.files] == ["runtime.yml", "model.yml", "reader.yml", "model.yml"]


def test_a_later_base_wins_over_an_earlier_one_key_by_key(tmp_path: Path) -> None:
    """ppdet merges each `_BASE_` entry over the ones before it (deep, dict by dict), then the
    file itself over all of them."""
    write(tmp_path, "configs/a.yml", "epoch: 1\nLCNet:\n  scale: 1.0\n  act: relu\nonly_a: 1\n")
    write(tmp_path, "configs/b.yml", "epoch: 2\nLCNet:\n  scale: 0.5\nonly_b: 2\n")
    write(tmp_path, "configs/both.yml", "_BASE_: ['a.yml', 'b.yml']\nonly_b: 3\n")
    write(tmp_path, "configs/swapped.yml", "_BASE_: ['b.yml', 'a.yml']\n")
    both = resolve(str(tmp_path / "configs/both.yml"))
    assert (both.get("epoch"), both.get("only_a"), both.get("only_b")) == (2, 1, 3)
    assert both.get("LCNet") == {"scale": 0.5, "act": "relu"}
    swapped = resolve(str(tmp_path / "configs/swapped.yml"))
    assert (swapped.get("epoch"), swapped.get("only_b")) == (1, 2)
    assert swapped.get("LCNet") == {"scale": 1.0, "act": "relu"}


def test_base_order_holds_through_nested_bases_and_provenance(tmp_path: Path) -> None:
    """Each `_BASE_` list is merged in order at every level: a base's own bases first, then the
    base, then the next entry; the winning value names the file it came from and what it
    overrode, as ppdet's `_load_config_with_base` merges them."""
    write(tmp_path, "configs/_base_/first.yml", "epoch: 10\nTrainReader:\n  batch_size: 8\n")
    write(tmp_path, "configs/_base_/second.yml", "_BASE_: ['first.yml']\nepoch: 20\n")
    write(tmp_path, "configs/_base_/third.yml", "TrainReader:\n  batch_size: 32\n  shuffle: true\n")
    write(tmp_path, "configs/model.yml",
          "_BASE_: ['_base_/second.yml', '_base_/third.yml', '_base_/first.yml']\n")
    r = resolve(str(tmp_path / "configs/model.yml"))
    assert r.get("epoch") == 10 and r.get("TrainReader") == {"batch_size": 8, "shuffle": True}
    origin = r.origin(("epoch",))
    assert origin is not None and Path(origin.path).name == "first.yml"
    assert "second.yml" in [Path(o.path).name for o in origin.overrode]
    write(tmp_path, "configs/model.yml", "_BASE_: ['_base_/first.yml', '_base_/second.yml', "
          "'_base_/third.yml']\n")
    again = resolve(str(tmp_path / "configs/model.yml"))
    assert again.get("epoch") == 20 and again.get("TrainReader") == {"batch_size": 32,
                                                                    "shuffle": True}


def test_provenance_names_file_line_and_what_was_overridden(tree: Path) -> None:
    r = resolve(str(tree / "configs/m/model.yml"))
    origin = r.origin(("LCNet", "scale"))
    assert origin is not None
    assert (Path(origin.path).name, origin.line, origin.column) == ("model.yml", 7, 3)
    assert [(Path(o.path).parent.name, o.line) for o in origin.overrode] == [("_base_", 5)]


def test_alias_resolves_inside_its_file_before_merging(tree: Path) -> None:
    r = resolve(str(tree / "configs/m/model.yml"))
    assert r.get("eval_height") == 416
    assert r.get(("EvalReader", "sample_transforms", 1, "Resize", "target_size")) == [320, 320]
    origin = r.origin(("EvalReader", "sample_transforms", 1, "Resize", "target_size"))
    assert origin is not None and origin.anchor is not None
    assert origin.anchor.name == "eval_size" and origin.anchor.line == 3


def test_slim_then_options_win_and_filename_is_the_slim_stem(tree: Path) -> None:
    r = resolve(str(tree / "configs/m/model.yml"), str(tree / "configs/slim/quant.yml"),
                ["epoch=7", "LCNet.scale=0.5", "TrainReader.batch_size=4"])
    assert r.get("epoch") == 7
    assert r.get("LCNet") == {"scale": 0.5, "feature_maps": [3, 4, 5]}
    assert r.get("filename") == "quant"
    assert r.get("slim") == "QAT"
    assert r.origin("epoch").path == "<-o>"


def test_option_values_are_yaml_and_nested_options_rebuild_like_ppdet(tree: Path) -> None:
    r = resolve(str(tree / "configs/m/model.yml"), None,
                ["a.b.c=1", "a.b.d=[1, 2]", "flag=on", "lr=1e-4", "empty="])
    assert r.get("a") == {"b": {"d": [1, 2]}}  # ppdet rebuilds a.b for the second option
    assert r.get("flag") is True and r.get("lr") == "1e-4" and r.get("empty") is None
    with pytest.raises(UsageError):
        resolve(str(tree / "configs/m/model.yml"), None, ["no-equals"])


def test_custom_tags_are_kept_as_data(tree: Path) -> None:
    r = resolve(str(tree / "configs/m/model.yml"))
    schedulers = r.get(("LearningRate", "schedulers"))
    assert isinstance(schedulers[0], Tagged) and schedulers[0].tag == "!CosineDecay"
    assert to_plain(schedulers) == [{"__tag__": "!CosineDecay", "max_epochs": 300}]
    assert r.get(("LearningRate", "base_lr")) == "1e-4"


def test_merge_into_an_aliased_mapping_changes_every_alias_like_ppdet(tmp_path: Path) -> None:
    write(tmp_path, "base.yml", "Eval: &r {batch_size: 1, shuffle: false}\nTest: *r\n")
    write(tmp_path, "leaf.yml", "_BASE_: [base.yml]\nEval: {batch_size: 8}\n")
    r = resolve(str(tmp_path / "leaf.yml"))
    assert r.get("Test") == {"batch_size": 8, "shuffle": False}
    assert r.data["Eval"] is r.data["Test"]


def test_duplicate_keys_keep_the_last_value_and_are_recorded(tmp_path: Path) -> None:
    write(tmp_path, "dup.yml", "epoch: 10\nLR:\n  base_lr: 0.1\nepoch: 20\n")
    r = resolve(str(tmp_path / "dup.yml"))
    assert r.get("epoch") == 20
    (dup,) = r.documents[str(tmp_path / "dup.yml")].duplicates
    assert dup.key_path == ("epoch",) and (dup.first.line, dup.last.line) == (1, 4)


def test_merge_keys_follow_pyyaml(tmp_path: Path) -> None:
    write(tmp_path, "m.yml", "a: &a {x: 1, y: 2}\nb: &b {y: 3, z: 4}\nc:\n  <<: [*a, *b]\n  z: 5\n")
    assert resolve(str(tmp_path / "m.yml")).get("c") == {"x": 1, "y": 2, "z": 5}


def test_home_and_absolute_bases(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    write(home, "b.yml", "x: 1\n")
    write(tmp_path, "abs.yml", "y: 2\n")
    monkeypatch.setenv("HOME", str(home))
    write(tmp_path, "leaf.yml", f"_BASE_: ['~/b.yml', '{tmp_path / 'abs.yml'}']\n")
    assert resolve(str(tmp_path / "leaf.yml")).get("x") == 1


@pytest.mark.parametrize("files,message", [
    ({"a.yml": "_BASE_: [missing.yml]\n"}, "base file 'missing.yml' not found"),
    ({"a.yml": "_BASE_: [b.yml]\n", "b.yml": "_BASE_: [a.yml]\n"}, "_BASE_ cycle: "),
    ({"a.yml": "_BASE_: [a.yml]\n"}, "_BASE_ cycle"),
    ({"a.yml": "a: [1, 2\nb: 3\n"}, "YAML syntax error"),
    ({"a.yml": "- 1\n- 2\n"}, "must be a YAML mapping"),
    ({"a.yml": ""}, "this document is empty"),
    ({"a.yml": "_BASE_: base.yml\n"}, "_BASE_ must be a list"),
    ({"a.yml": "x: !!python/object:os.system {}\n"}, "refusing Python object tag"),
    ({"a.yml": "_BASE_: [sub]\n", "sub/x.yml": "a: 1\n"}, "is a directory"),
])
def test_bad_input_is_one_clear_error(tmp_path: Path, files: dict[str, str], message: str) -> None:
    for rel, text in files.items():
        write(tmp_path, rel, text)
    with pytest.raises(ConfigError) as info:
        resolve(str(tmp_path / "a.yml"))
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_syntax_error_names_file_line_and_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "a.yml", "ok: 1\nbad: [1, 2\nnext: 3\n")
    assert main(["resolve", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"qatfix: error: {path}:3:") and "YAML syntax error" in err
    assert len(err.splitlines()) == 1


def test_root_confines_bases(tmp_path: Path) -> None:
    write(tmp_path, "outside.yml", "x: 1\n")
    write(tmp_path, "repo/a.yml", "_BASE_: [../outside.yml]\n")
    with pytest.raises(ConfigError, match="leaves the repository"):
        resolve(str(tmp_path / "repo/a.yml"), root=str(tmp_path / "repo"))


def test_crlf_and_bom_are_read(tmp_path: Path) -> None:
    path = tmp_path / "a.yml"
    path.write_bytes(b"\xef\xbb\xbfepoch: 3\r\nname: x\r\n")
    r = resolve(str(path))
    assert r.get("epoch") == 3 and r.origin("name").line == 2


def test_cli_json_yaml_and_blame(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model, slim = str(tree / "configs/m/model.yml"), str(tree / "configs/slim/quant.yml")
    assert main(["resolve", "-c", model, "--slim-config", slim, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["pretrain_weights"] == "https://example.com/m.pdparams"
    assert data["LearningRate"]["schedulers"][0] == {"__tag__": "!CosineDecay", "max_epochs": 300}

    assert main(["resolve", model]) == 0
    import yaml

    text = capsys.readouterr().out
    class TagsAsData(yaml.Loader):
        yaml_constructors = {tag: make for tag, make in yaml.Loader.yaml_constructors.items()
                             if not (tag or "").startswith("!")}

    TagsAsData.add_multi_constructor("!", lambda loader, suffix, node: {
        "__tag__": "!" + suffix, **loader.construct_mapping(node, deep=True)})
    assert yaml.load(text, Loader=TagsAsData) == to_plain(resolve(model).data)

    assert main(["resolve", model, "--blame"]) == 0
    lines = capsys.readouterr().out.splitlines()
    scale = next(line for line in lines if "LCNet.scale = 0.75" in line)
    assert scale.startswith(f"{os.path.normpath(model)}:7:3") and "overrides" in scale
    target = next(line for line in lines if "Resize.target_size[0]" in line)
    assert "via *eval_height" in target


def test_the_effective_config_is_a_config_map(tree: Path) -> None:
    assert isinstance(resolve(str(tree / "configs/m/model.yml")).data, ConfigMap)


def test_options_before_the_slim_config_as_build_slim_model_sees_them(tree: Path) -> None:
    model, slim = str(tree / "configs/m/model.yml"), str(tree / "configs/slim/quant.yml")
    at_load = resolve(model, slim, ["epoch=7", "log_iter=3"], options_after_slim=False)
    assert at_load.get("epoch") == 50 and at_load.get("log_iter") == 3
