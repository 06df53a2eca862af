"""The committed signature store (registry/signatures) is whole, consistent and cheap to read."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from qatfix.registry import signatures
from qatfix.registry.signatures import INDEX, NOT_SIGNATURES, SCHEMA_VERSION, signature_id

STORE = Path(__file__).resolve().parents[2] / "registry" / "signatures"
PICODET = "configs/picodet/picodet_s_320_coco_lcnet.yml"


@pytest.fixture(scope="module")
def index() -> dict:
    return json.loads((STORE / INDEX).read_text())


def _files() -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text()) for p in STORE.glob("*.json") if p.name not in NOT_SIGNATURES}


def test_every_file_is_referenced_and_every_reference_exists(index: dict) -> None:
    referenced = {e["signature"] for e in index["configs"].values() if "signature" in e}
    on_disk = {p.stem for p in STORE.glob("*.json") if p.name not in NOT_SIGNATURES}
    assert referenced, "the index references no signature"
    assert referenced - on_disk == set(), "referenced but missing"
    assert on_disk - referenced == set(), "committed but referenced by no config"


def test_files_are_content_addressed_and_well_formed(index: dict) -> None:
    for ident, data in _files().items():
        assert signature_id(data) == ident
        assert sorted(data) == ["keys", "quantizable"]
        keys = [k for k, _, _ in data["keys"]]
        assert len(set(keys)) == len(keys), ident
        assert {kind for _, _, kind in data["keys"]} <= {"p", "b"}, ident
        assert all(isinstance(d, int) and d >= 0 for _, shape, _ in data["keys"] for d in shape)
        assert set(data["quantizable"]) <= set(keys), ident


def test_index_counts_agree_with_the_files(index: dict) -> None:
    files = _files()
    assert index["schema_version"] == SCHEMA_VERSION
    for tree, info in index["trees"].items():
        assert info["paddle"] and info["ppdet"], tree
    for key, entry in index["configs"].items():
        tree, _, config = key.partition(":")
        assert tree in index["trees"] and config.startswith("configs/") and config.endswith(".yml")
        if "error" in entry:
            assert sorted(entry) == ["error"] and "\n" not in entry["error"], key
            continue
        assert sorted(entry) == ["elements", "parameters", "signature", "tensors"], key
        data = files[entry["signature"]]
        assert entry["tensors"] == len(data["keys"]), key
        elements = 0
        for _, shape, _ in data["keys"]:
            count = 1
            for dim in shape:
                count *= dim
            elements += count
        assert entry["elements"] == elements, key
        # model.parameters() holds each shared tensor once, so never more than the state dict
        assert 0 < entry["parameters"] <= elements, key


def test_index_is_sorted_one_config_per_line(index: dict) -> None:
    lines = (STORE / INDEX).read_text().splitlines()
    config_lines = [line for line in lines if line.startswith('"') and ":configs/" in line]
    assert len(config_lines) == len(index["configs"])
    keys = [json.loads("{" + line.rstrip(",") + "}").popitem()[0] for line in config_lines]
    assert keys == sorted(keys)


def test_reader_returns_signature_records() -> None:
    signature = signatures.signature_of("develop", PICODET)
    assert signature is not None
    assert len(signature) == 463
    assert signature.elements == 1_249_528
    assert signature.buffers and all(k.endswith(("_mean", "_variance", ".project"))
                                     for k in signature.buffers)
    assert "backbone.conv1.conv.weight" in signature.quantizable
    assert signatures.signature_of("develop", "./" + PICODET) is signature
    assert signatures.build_error("develop", PICODET) is None
    assert signatures.signature_of("develop", "configs/no/such.yml") is None
    assert signatures.signature_of("no-such-tree", PICODET) is None
    assert ("develop", PICODET) in signatures.configs_with_signature()
    entry = signatures.signature_index().entry("develop", PICODET)
    assert entry is not None and entry["parameters"] == 1_206_064


def test_build_errors_are_one_line() -> None:
    index = signatures.signature_index()
    for key, entry in index.configs.items():
        if "error" in entry:
            tree, _, config = key.partition(":")
            assert signatures.build_error(tree, config) == entry["error"]
            assert signatures.signature_of(tree, config) is None


def test_importing_the_reader_reads_nothing_and_loading_reads_only_the_index() -> None:
    """Cheap by construction, not by a stopwatch: importing the reader opens no store file, and
    loading the index opens the index alone (none of the signature files it names)."""
    code = (
        "import json, sys\n"
        "opened = []\n"
        "sys.addaudithook(lambda event, args: opened.append(str(args[0])) "
        "if event == 'open' and isinstance(args[0], str) else None)\n"
        "from qatfix.registry import signatures\n"
        "assert signatures.signature_index.cache_info().currsize == 0\n"
        "at_import = list(opened)\n"
        "index = signatures.signature_index()\n"
        "print(json.dumps([at_import, opened[len(at_import):], len(index.configs)]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    at_import, at_load, configs = json.loads(done.stdout)
    store = str(STORE)
    assert not [p for p in at_import if p.startswith(store)], at_import
    assert [p for p in at_load if p.startswith(store)] == [str(STORE / "index.json")], at_load
    assert configs > 1000


def test_wheel_ships_the_store() -> None:
    pyproject = (STORE.parents[1] / "pyproject.toml").read_text()
    assert '"registry/signatures" = "qatfix/_data/signatures"' in pyproject


def test_read_index_rejects_a_foreign_file(tmp_path: Path) -> None:
    from qatfix.errors import RegistryError

    (tmp_path / INDEX).write_text('{"schema_version": 99, "configs": {}}')
    with pytest.raises(RegistryError, match="schema_version"):
        signatures.read_index(tmp_path)
    (tmp_path / INDEX).write_text("{")
    with pytest.raises(RegistryError, match="not valid JSON"):
        signatures.read_index(tmp_path)



def test_single_lookups_agree_with_the_whole_parse(index: dict) -> None:
    lazy = signatures.read_index(STORE)
    for key, entry in index["configs"].items():
        tree, _, config = key.partition(":")
        assert lazy.entry(tree, config) == entry, key
    assert lazy.entry("develop", "configs/none.yml") is None
    assert lazy.trees == index["trees"]
    assert dict(lazy.configs) == index["configs"]


def test_an_index_in_another_json_layout_is_read_whole(index: dict, tmp_path: Path) -> None:
    (tmp_path / INDEX).write_text(json.dumps(index, indent=4))
    other = signatures.read_index(tmp_path)
    key = next(iter(index["configs"]))
    tree, _, config = key.partition(":")
    assert other.entry(tree, config) == index["configs"][key]
