"""On real signatures, the forecast loads exactly what ppdet's own `match_state_dict` loads.

ppdet's function reads nothing but keys and `.shape`; the arrays given to it are numpy views of one
zero of the right shape, so even the largest models cost no memory.
"""
from __future__ import annotations

import random

import pytest

from qatfix.model.load_forecast import forecast
from tests.conftest import require
from tests.truth import oracle

SAMPLE = 30


@pytest.mark.corpus
@pytest.mark.paddle
def test_forecast_loads_what_ppdet_loads() -> None:
    np = require("numpy")
    checkpoint = require("ppdet.utils.checkpoint")
    entries = oracle.float_checkpoints()
    configs = oracle.configs_with_signature()
    if not entries or not configs:
        pytest.fail("the signature store has no signatures")
    chooser = random.Random(7)
    checked = 0
    for _ in range(SAMPLE):
        entry = chooser.choice(entries)
        tree, config = chooser.choice(configs)
        model = oracle.signature_of(tree, config)
        weights = oracle.signature_of(entry.tree or "", entry.config or "")
        assert model is not None and weights is not None
        zero = np.zeros((), dtype="float32")
        ours = forecast(model.shapes, weights.shapes, model_classes=None,
                               weights_classes=None)
        if ours.result.ambiguities:
            with pytest.raises(ValueError, match="Ambiguity weight"):
                checkpoint.match_state_dict(
                    {k: np.broadcast_to(zero, s) for k, s in model.shapes.items()},
                    {k: np.broadcast_to(zero, s) for k, s in weights.shapes.items()})
            continue
        theirs = checkpoint.match_state_dict(
            {k: np.broadcast_to(zero, s) for k, s in model.shapes.items()},
            {k: np.broadcast_to(zero, s) for k, s in weights.shapes.items()})
        assert sorted(theirs) == sorted(m for m, _ in ours.result.loaded), (tree, config, entry.name)
        checked += 1
    assert checked >= SAMPLE // 2
