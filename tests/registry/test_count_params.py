"""Parameter counts with the real paddle/ppdet (skipped without the [paddle] extra)."""
from __future__ import annotations

from pathlib import Path

import pytest

from qatfix.errors import DeepCheckError
from qatfix.registry import load_registry
from tests.conftest import require

pytestmark = pytest.mark.paddle


def test_count_matches_the_registry(develop: Path) -> None:
    require("paddle")
    require("ppdet")
    from qatfix.deep.count_params import count_parameters

    entry = load_registry().lookup("ppdet://models/picodet_s_320_coco_lcnet.pdparams")
    assert entry is not None and entry.config
    counted = count_parameters(develop / entry.config)
    assert counted > 1_000_000
    assert entry.num_params == counted


def test_unbuildable_config_raises(tmp_path: Path) -> None:
    require("ppdet")
    from qatfix.deep.count_params import count_parameters

    config = tmp_path / "x.yml"
    config.write_text("architecture: NoSuchArchitecture\n", encoding="utf-8")
    with pytest.raises(DeepCheckError):
        count_parameters(config)


def test_count_entries_fills_by_url_and_skips_quantized(develop: Path) -> None:
    require("ppdet")
    from qatfix.registry.builder.params import count_entries

    registry = load_registry()
    float_entry = registry.lookup("ppdet://models/picodet_s_320_coco_lcnet.pdparams")
    quant_entry = registry.lookup("ppdet://models/picodet_s_416_coco_lcnet_quant.pdparams")
    assert float_entry is not None and quant_entry is not None and quant_entry.slim_method == "qat"
    seen: list[str] = []
    counts = count_entries([float_entry, quant_entry], {"develop": develop},
                           progress=lambda done, total, text: seen.append(text))
    key = f"develop:{float_entry.config}"
    assert set(counts) == {key}
    assert counts[key] == float_entry.num_params
    assert len(seen) == 1
