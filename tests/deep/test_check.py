"""run_deep_check end to end on real fixture models, against ppdet's own loader."""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Iterator

import pytest

from qatfix.errors import DeepCheckError, NetworkError
from qatfix.findings import Location
from tests.deep.conftest import ESNET, LCNET, PTQ, QAT, ppdet_module, ppdet_state
from tests.deep.weights_server import Served, WeightsServer

pytestmark = [pytest.mark.paddle, pytest.mark.filterwarnings("ignore:Skip loading for")]


@pytest.fixture
def server() -> Iterator[WeightsServer]:
    server = WeightsServer()
    yield server
    server.close()


def _ppdet_loads(runtime: Any, model: Any, path: Path, log: list[str]) -> list[str]:
    """ppdet's load_pretrain_weight on the real model: returns its log lines."""
    load_pretrain_weight = ppdet_module(runtime, "ppdet.utils.checkpoint").load_pretrain_weight

    del log[:]
    with ppdet_state(runtime):
        load_pretrain_weight(model, str(path))
    assert log[-1] == f"Finish loading model weights: {path}"
    return log[:-1]


def _ppdet_loaded_keys(runtime: Any, model: Any, path: Path) -> set[str]:
    match_state_dict = ppdet_module(runtime, "ppdet.utils.checkpoint").match_state_dict
    return set(match_state_dict(model.state_dict(), runtime.paddle.load(str(path))))


def test_wrong_variant_is_qf601_with_ppdets_numbers(runtime: Any, lcnet: Any, esnet: Any,
                                                    ppdet_log: list[str]) -> None:
    from qatfix.deep import run_deep_check

    report = run_deep_check(str(LCNET), str(QAT), [f"pretrain_weights={esnet.path}"],
                            offline=True)
    loaded = _ppdet_loaded_keys(runtime, lcnet.model, esnet.path)
    total = len(lcnet.state())
    assert {m for m, _ in report.match.loaded} == loaded
    assert report.ppdet_lines() == _ppdet_loads(runtime, lcnet.model, esnet.path, ppdet_log)
    assert report.weights.via == "local file" and report.weights.path == str(esnet.path)

    [finding] = report.findings()
    assert finding.code == "QF601" and finding.severity == "error"
    assert finding.message.startswith(
        f"{len(loaded)} of {total} parameters would load; {total - len(loaded)} would train "
        "from scratch. backbone: 0 of ")
    assert finding.location == Location("<-o>", 1)
    assert finding.config == str(LCNET)
    data = dict(finding.data)
    assert (data["model_params"], data["loaded"], data["weights_params"]) == \
        (total, len(loaded), len(esnet.state()))
    assert [g["name"] for g in data["groups"]] == ["backbone", "neck", "head"]
    assert sum(g["loaded"] for g in data["groups"]) == len(loaded)
    assert json.loads(json.dumps(data)) == data  # plain JSON types only, nothing lost
    summary = json.loads(json.dumps(report.to_dict()))
    assert (summary["model_params"], summary["loaded"], summary["weights_params"]) == \
        (total, len(loaded), len(esnet.state()))
    assert summary["from_scratch"] == total - len(loaded)
    assert set(summary["not_matched"]) | {m["model_key"] for m in summary["shape_mismatches"]} \
        == set(lcnet.state()) - loaded
    assert summary["weights"] == str(esnet.path) and summary["slim_type"] == "QAT"
    text = report.text()
    assert f"{len(loaded)} of {total} parameters would load" in text
    assert "  backbone: 0 of " in text and "shape mismatches:" in text


def test_exact_weights_give_no_finding(runtime: Any, lcnet: Any) -> None:
    from qatfix.deep import run_deep_check

    report = run_deep_check(str(LCNET), str(QAT), [f"pretrain_weights={lcnet.path}"],
                            offline=True)
    total = len(lcnet.state())
    assert report.match.full_fit and report.findings() == []
    assert report.headline() == f"{total} of {total} parameters would load; 0 would train " \
                                "from scratch"


def test_plain_training_reports_partial_loads_as_info(esnet: Any, lcnet: Any) -> None:
    from qatfix.deep import run_deep_check

    suffix_free = str(lcnet.path)[: -len(".pdparams")]  # ppdet accepts the path without suffix
    report = run_deep_check(str(ESNET), None, [f"pretrain_weights={suffix_free}"])
    [finding] = report.findings()
    assert finding.code == "QF601" and finding.severity == "info"
    assert report.weights.path == str(lcnet.path)


def test_location_is_the_defining_line(tmp_path: Path, esnet: Any) -> None:
    from qatfix.deep import run_deep_check

    slim = tmp_path / "qat.yml"
    slim.write_text(QAT.read_text() + f"\n# weights of the float model\npretrain_weights: "
                                      f"{esnet.path}\n")
    line = slim.read_text().splitlines().index(f"pretrain_weights: {esnet.path}") + 1
    [finding] = run_deep_check(str(LCNET), str(slim), offline=True).findings()
    assert finding.location == Location(str(slim), line, 1)
    assert finding.related == (Location(str(LCNET)),)


def test_ptq_checks_weights(lcnet: Any, esnet: Any) -> None:
    from qatfix.deep import run_deep_check

    report = run_deep_check(str(LCNET), str(PTQ), [f"weights={esnet.path}"], offline=True)
    assert report.model.weights_key == "weights"
    [finding] = report.findings()
    assert finding.code == "QF601" and finding.severity == "error"
    assert dict(finding.data)["weights_key"] == "weights"


def test_url_weights_download_once_then_come_from_the_cache(server: WeightsServer,
                                                            tmp_path: Path, esnet: Any) -> None:
    from qatfix.deep import run_deep_check

    server.files["/models/picodet_s_esnet.pdparams"] = served = Served(esnet.path.read_bytes())
    url = server.url("/models/picodet_s_esnet.pdparams")
    options = [f"pretrain_weights={url}"]
    with pytest.raises(NetworkError, match="offline"):
        run_deep_check(str(LCNET), str(QAT), options, offline=True, cache_dir=str(tmp_path))
    first = run_deep_check(str(LCNET), str(QAT), options, cache_dir=str(tmp_path))
    assert first.weights.via == "download"
    again = run_deep_check(str(LCNET), str(QAT), options, offline=True, cache_dir=str(tmp_path))
    assert again.weights.via == "cached download" and len(served.requests) == 1
    local = run_deep_check(str(LCNET), str(QAT), [f"pretrain_weights={esnet.path}"])
    assert again.match == first.match == local.match


def test_given_sections_stand_in_for_unreachable_weights(runtime: Any, esnet: Any,
                                                         tmp_path: Path) -> None:
    from qatfix.deep import run_deep_check
    from qatfix.deep.build import config_model_sections

    sections = config_model_sections(str(ESNET), runtime=runtime)
    url = "https://example.invalid/weights/picodet_s_esnet.pdparams"
    report = run_deep_check(str(LCNET), str(QAT), [f"pretrain_weights={url}"], offline=True,
                            cache_dir=str(tmp_path), weights_sections=sections)
    assert report.weights.via == "given model sections" and report.weights.path is None
    local = run_deep_check(str(LCNET), str(QAT), [f"pretrain_weights={esnet.path}"])
    assert report.match == local.match


def test_ambiguous_weights_are_qf602_with_ppdets_message(runtime: Any, lcnet: Any,
                                                         tmp_path: Path) -> None:
    from qatfix.deep import run_deep_check

    load_pretrain_weight = ppdet_module(runtime, "ppdet.utils.checkpoint").load_pretrain_weight

    short = {}
    for key, value in lcnet.state().items():
        short.setdefault(".".join(key.split(".")[-2:]), value)
    path = tmp_path / "short_keys.pdparams"
    runtime.paddle.save(short, str(path))
    with ppdet_state(runtime), pytest.raises(ValueError) as raised:
        load_pretrain_weight(lcnet.model, str(path))

    report = run_deep_check(str(LCNET), str(QAT), [f"pretrain_weights={path}"])
    [finding] = report.findings()
    assert finding.code == "QF602" and finding.severity == "error"
    assert finding.message.startswith(f"ppdet would stop with: {raised.value}")
    assert report.match.error == str(raised.value)


def test_missing_or_absent_weights(tmp_path: Path) -> None:
    from qatfix.deep import run_deep_check

    with pytest.raises(DeepCheckError, match="ImageNet/LCNet_x0_75_pretrained.pdparams does not "
                                             "exist"):
        run_deep_check(str(LCNET), str(QAT), cwd=str(tmp_path))
    with pytest.raises(DeepCheckError, match="unknown suffix '.pth'"):
        run_deep_check(str(LCNET), str(QAT), ["pretrain_weights=model.pth"])
    no_weights = tmp_path / "none.yml"
    no_weights.write_text(f"_BASE_: ['{LCNET}']\npretrain_weights: null\n")
    report = run_deep_check(str(no_weights))
    assert report.findings() == [] and report.match is None
    assert report.headline().startswith("no weights to load")
    with pytest.raises(DeepCheckError, match="QAT run has no pretrain_weights"):
        run_deep_check(str(no_weights), str(QAT))


def test_checkpoint_sizes_follow_the_saved_file(runtime: Any, lcnet: Any) -> None:
    from qatfix.deep import run_deep_check

    report = run_deep_check(str(LCNET), str(QAT), [f"pretrain_weights={lcnet.path}"])
    sizes = report.sizes()
    payload = sum(int(v.numel()) * 4 for v in lcnet.state().values())
    assert sizes.float32_bytes == payload and sizes.tensors == len(lcnet.state())
    assert payload < lcnet.path.stat().st_size < payload + 200 * sizes.tensors
    conv_weights = {f"{name}.weight": layer.weight.shape
                    for name, layer in lcnet.model.named_sublayers()
                    if isinstance(layer, runtime.paddle.nn.Conv2D)}
    assert sizes.quantizable_elements == sum(math.prod(s) for s in conv_weights.values())
    scales = sum(s[0] for s in conv_weights.values())
    assert sizes.int8_bytes == payload - 3 * sizes.quantizable_elements + 4 * scales
    assert 0.25 < sizes.ratio < 0.5
