"""Building models as tools/train.py does, checked against ppdet's own calls."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from qatfix.errors import DeepCheckError
from tests.deep.conftest import ESNET, LCNET, PTQ, QAT, ppdet_module, ppdet_state

pytestmark = [pytest.mark.paddle, pytest.mark.filterwarnings("ignore:Skip loading for")]


def _ppdet_shapes(runtime: Any, config: Path, options: list[str] = []) -> dict[str, tuple]:
    """Shapes of the model ppdet builds itself: load_config, merge -o, create."""
    with runtime.fresh():
        cfg = runtime.workspace.load_config(str(config))
        runtime.workspace.merge_config(runtime.cli.ArgsParser()._parse_opt(options))
        model = runtime.workspace.create(cfg.architecture)
        return {k: tuple(v.shape) for k, v in model.state_dict().items()}


def test_qat_build_matches_ppdet_and_marks_quantizable_layers(runtime: Any, lcnet: Any) -> None:
    from qatfix.deep.build import build_model

    built = build_model(str(LCNET), str(QAT), runtime=runtime)
    assert built.slim_type == "QAT" and built.is_quantization
    assert built.architecture == "PicoDet" and built.modules == ("backbone", "neck", "head")
    assert dict(built.signature.shapes) == lcnet.shapes()
    assert built.weights_key == "pretrain_weights"
    assert built.weights_value == "ImageNet/LCNet_x0_75_pretrained.pdparams"
    quantizable = built.signature.quantizable
    assert quantizable and set(quantizable.values()) <= {"Conv2D", "Linear"}
    assert all(k.endswith(".weight") and len(built.signature.shapes[k]) in (2, 4)
               for k in quantizable)
    assert not any("bn" in k.split(".")[-2] for k in quantizable)


def test_options_apply_and_do_not_leak_into_the_next_build(runtime: Any, lcnet: Any) -> None:
    from qatfix.deep.build import build_model

    options = ["num_classes=7", "PicoHeadV2.reg_max=5"]
    built = build_model(str(LCNET), None, options, runtime=runtime)
    assert dict(built.signature.shapes) == _ppdet_shapes(runtime, LCNET, options)
    assert built.signature.shapes != lcnet.shapes()
    assert dict(build_model(str(LCNET), runtime=runtime).signature.shapes) == lcnet.shapes()
    pristine = runtime.workspace.global_config
    assert "num_classes" not in pristine and not dict(pristine["PicoHeadV2"])


def test_repeated_builds_are_identical(runtime: Any, lcnet: Any) -> None:
    """LCPAN appends to its own default `spatial_scales`; each build starts from a clean copy."""
    from qatfix.deep.build import build_model

    for _ in range(3):
        assert dict(build_model(str(LCNET), runtime=runtime).signature.shapes) == lcnet.shapes()


def _loaded_by_ppdet(runtime: Any, config: Path, slim: Path, options: list[str],
                     log: list[str]) -> str:
    """The file ppdet's build_slim_model loads after train.py's steps (without PaddleSlim it
    stops right after loading, when it creates the slim object; with it, it builds the QAT
    model)."""
    build_slim_model = ppdet_module(runtime, "ppdet.slim").build_slim_model

    with ppdet_state(runtime):
        cfg = runtime.workspace.load_config(str(config))
        runtime.workspace.merge_config(runtime.cli.ArgsParser()._parse_opt(options))
        try:
            build_slim_model(cfg, str(slim))
        except ImportError as exc:
            assert str(exc).startswith("Failed importing paddleslim"), exc
    done = [line for line in log if line.startswith("Finish loading model weights: ")]
    assert len(done) == 1
    return done[0].split(": ", 1)[1]


def test_slim_weights_beat_options_for_qat_like_train_py(runtime: Any, lcnet: Any, esnet: Any,
                                                         tmp_path: Path,
                                                         ppdet_log: list[str]) -> None:
    from qatfix.deep.build import build_model

    slim = tmp_path / "qat_with_weights.yml"
    slim.write_text(QAT.read_text() + f"\npretrain_weights: {lcnet.path}\n")
    options = [f"pretrain_weights={esnet.path}"]
    assert _loaded_by_ppdet(runtime, LCNET, slim, options, ppdet_log) == str(lcnet.path)
    assert build_model(str(LCNET), str(slim), options, runtime=runtime).weights_value == \
        str(lcnet.path)

    del ppdet_log[:]
    assert _loaded_by_ppdet(runtime, LCNET, QAT, options, ppdet_log) == str(esnet.path)
    assert build_model(str(LCNET), str(QAT), options, runtime=runtime).weights_value == \
        str(esnet.path)


def test_ptq_builds_before_the_slim_config_and_loads_weights(runtime: Any, lcnet: Any,
                                                             tmp_path: Path,
                                                             ppdet_log: list[str]) -> None:
    from qatfix.deep.build import build_model

    slim = tmp_path / "ptq.yml"
    slim.write_text(PTQ.read_text() + f"\nnum_classes: 9\nweights: {lcnet.path}\n")
    assert _loaded_by_ppdet(runtime, LCNET, slim, [], ppdet_log) == str(lcnet.path)
    built = build_model(str(LCNET), str(slim), runtime=runtime)
    assert built.weights_key == "weights" and built.weights_value == str(lcnet.path)
    assert dict(built.signature.shapes) == lcnet.shapes()  # still 4 classes


def test_model_sections_rebuild_the_same_signature(runtime: Any, esnet: Any) -> None:
    from qatfix.deep.build import config_model_sections, signature_from_sections

    sections = config_model_sections(str(ESNET), runtime=runtime)
    assert set(sections) == {"architecture", "PicoDet", "ESNet", "CSPPAN", "PicoHead",
                             "num_classes", "metric"}
    assert sections["num_classes"] == 4
    assert dict(signature_from_sections(sections, runtime=runtime).shapes) == esnet.shapes()


def test_shared_keys_are_ppdets(runtime: Any) -> None:
    from qatfix.deep.build_sections import SHARED_KEYS

    SchemaDict = ppdet_module(runtime, "ppdet.core.config.schema").SchemaDict

    shared = set()
    for value in runtime.workspace.global_config.values():
        if isinstance(value, SchemaDict):
            shared.update(value.shared)
    assert shared and set(SHARED_KEYS) == shared


@pytest.mark.parametrize("text, message", [
    ("architecture: NoSuchNet\n", "ValueError: The module NoSuchNet is not registered"),
    ("num_classes: 3\n", "no `architecture`"),
    ("architecture: [unclosed\n", "cannot build the model"),
])
def test_unbuildable_configs_give_one_line(runtime: Any, tmp_path: Path, text: str,
                                           message: str) -> None:
    from qatfix.deep.build import build_model

    config = tmp_path / "bad.yml"
    config.write_text(text)
    with pytest.raises(DeepCheckError, match=message) as caught:
        build_model(str(config), runtime=runtime)
    assert "\n" not in str(caught.value)


def test_bad_slim_and_options(runtime: Any, tmp_path: Path) -> None:
    from qatfix.deep.build import build_model

    no_key = tmp_path / "noslim.yml"
    no_key.write_text("epoch: 3\n")
    with pytest.raises(DeepCheckError, match="no `slim:` key"):
        build_model(str(LCNET), str(no_key), runtime=runtime)
    distill = tmp_path / "distill.yml"
    distill.write_text("slim: Distill\n")
    with pytest.raises(DeepCheckError, match="teacher and student"):
        build_model(str(LCNET), str(distill), runtime=runtime)
    with pytest.raises(DeepCheckError, match="-o options"):
        build_model(str(LCNET), None, ["num_classes"], runtime=runtime)
    with pytest.raises(DeepCheckError, match="not found"):
        build_model(str(tmp_path / "missing.yml"), runtime=runtime)


def test_missing_paddle_says_how_to_install(tmp_path: Path) -> None:
    code = ("import sys; sys.modules['paddle'] = None\n"
            "from qatfix.deep.runtime import load_runtime\n"
            "try:\n    load_runtime()\nexcept Exception as exc:\n"
            "    print(type(exc).__name__, exc, '|', exc.todo)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    message, todo = out.split(" | ")
    assert message.startswith("DeepCheckError") and "pip install" not in message
    assert 'python -m pip install -e ".[paddle]"' in todo


def test_a_checkout_uses_its_own_ppdet(runtime: Any, tmp_path: Path, lcnet: Any) -> None:
    """A config inside a PaddleDetection checkout builds with that checkout's ppdet."""
    from qatfix.deep.build import build_model

    checkout = tmp_path / "PaddleDetection"
    shutil.copytree(Path(runtime.ppdet.__file__).parent, checkout / "ppdet",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(LCNET.parent, checkout / "configs" / "picodet")
    try:
        built = build_model(str(checkout / "configs" / "picodet" / LCNET.name))
        assert built.source.checkout == str(checkout)
        assert built.source.describe().endswith(f"from the PaddleDetection checkout {checkout}")
        assert sys.modules["ppdet"].__file__.startswith(str(checkout))
        assert dict(built.signature.shapes) == lcnet.shapes()
    finally:
        back = build_model(str(LCNET))
    assert back.source.checkout is None and "installed paddledet" in back.source.describe()
    assert not sys.modules["ppdet"].__file__.startswith(str(checkout))
