"""A local checkpoint ppdet cannot load because one of its tensors is the best match of two model
tensors: the static check (no paddle in qatfix's process) reports ppdet's own ValueError, checked
against the develop checkout's `match_state_dict` on the same file."""
from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from tests.after.helpers import codes, findings
from tests.conftest import require, tree

LCNET = "configs/picodet/picodet_s_320_coco_lcnet.yml"
#: ppdet's loader on a checkpoint, from the checkout's own ppdet (tools/train.py runs it there)
PPDET_MATCH = """import pickle, sys
sys.path.insert(0, sys.argv[1])
from ppdet.core.workspace import create, load_config
from ppdet.utils.checkpoint import match_state_dict
cfg = load_config(sys.argv[2])
model = create(cfg.architecture).state_dict()
with open(sys.argv[3], 'rb') as handle:
    weights = pickle.load(handle)
try:
    match_state_dict(model, weights)
except ValueError as exc:
    print(exc)
"""
QAT = """pretrain_weights: {weights}
slim: QAT
QAT:
  quant_config: {{weight_quantize_type: channel_wise_abs_max, activation_quantize_type:
    moving_average_abs_max, weight_bits: 8, activation_bits: 8, dtype: int8, window_size: 10000,
    moving_rate: 0.9, quantizable_layer_type: [Conv2D, Linear]}}
  print_model: False
"""


def _short_keys(path: Path) -> Path:
    """The LCNet PicoDet's state dict (the shapes ppdet built, zeros) with every key cut to its
    last two parts, as paddle.save writes a dict of arrays: `conv.weight` then stands for several
    model keys."""
    numpy = require("numpy")
    from qatfix.registry.signatures import signature_of

    signature = signature_of("develop", LCNET)
    assert signature is not None
    short: dict[str, object] = {}
    for key, shape in signature.shapes.items():
        short.setdefault(".".join(key.split(".")[-2:]), numpy.zeros(shape, dtype="float32"))
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        pickle.dump(short, handle, protocol=4)
    return path


@pytest.mark.paddle
@pytest.mark.corpus
@pytest.mark.parametrize("quant", [False, True])
def test_ambiguous_local_checkpoint_is_ppdets_error(tmp_path: Path, quant: bool) -> None:
    require("paddle")
    root = tree("develop")
    weights = _short_keys(tmp_path / "output" / "short_keys.pdparams")
    raised = subprocess.run([sys.executable, "-c", PPDET_MATCH, str(root), LCNET, str(weights)],
                            cwd=root, capture_output=True, text=True, timeout=600)
    assert raised.returncode == 0, raised.stderr[-2000:]
    message = raised.stdout.strip().splitlines()[-1]
    assert message.startswith("Ambiguity weight ")

    start = str(tmp_path / "output" / "short_keys")
    if quant:
        slim = tmp_path / "short_keys_qat.yml"
        slim.write_text(QAT.format(weights=start))
        args = [str(root / LCNET), str(slim)]
    else:
        args = [str(root / LCNET), "-o", f"pretrain_weights={start}"]
    code, found = findings("--select", "QF106", *args, cwd=tmp_path)
    assert code == 1 and codes(found) == ["QF106"]
    [finding] = found
    # an error in training as in QAT: ppdet raises, the run stops
    assert finding["severity"] == "error"
    assert f"raises ValueError: {message}; training stops" in finding["message"]
