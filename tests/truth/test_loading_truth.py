"""qatfix's static weights verdicts agree with what ppdet's loader does, on the official zoo.

What ppdet does is asked of ppdet: its `match_state_dict` on arrays of the ppdet-built shapes
(`tests/truth/oracle.py`), never qatfix's own forecast.

Every config with a committed ppdet-built signature is paired with official float checkpoints of
its architecture trained by other configs (those official recipes of its network start from all;
the rest a fixed sample of 300 in the regular run, all of them with QATFIX_TRUTH=all), in training and in
QAT. Required: everything loads -> no QF101/QF104; only class layers fail -> QF104 and no QF101;
anything else -> QF101 (in QAT an error). An official recipe's own start weights are no warning
in training; a pre-training checkpoint (Objects365) in QAT is QF102's error instead.
"""
from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import trees
from tests.truth import oracle

#: ppdet's own matcher costs about 0.1 s of CPU a pair: the regular run takes every pair of an
#: official recipe's own start and this many others (a fixed sample); QATFIX_TRUTH=all every pair
SAMPLE = None if os.environ.get("QATFIX_TRUTH") == "all" else 300

#: pairs where ppdet's loader and qatfix's verdict differ on purpose, with the reason
EXCEPTIONS: dict[tuple[str, str, str], str] = {}


def _roots() -> dict[str, Path]:
    return trees()


@pytest.fixture(scope="module")
def roots() -> dict[str, Path]:
    return _roots()


@pytest.fixture(scope="module")
def all_pairs(roots: dict[str, Path]) -> list[oracle.Pair]:
    found = oracle.pairs(roots, SAMPLE)
    assert len(found) > 500, f"only {len(found)} pairs: the signature store lost data"
    return found


def _run(pairs: list[oracle.Pair], roots: dict[str, Path], mode: str, scratch: Path
         ) -> tuple[Counter[str], list[str]]:
    tally: Counter[str] = Counter()
    wrong: list[str] = []
    for pair in pairs:
        codes = oracle.verdict_codes(pair, roots[pair.tree], mode, scratch)
        expected = oracle.truth(pair, oracle.model_classes(pair))
        tally[expected] += 1
        problem = _problem(pair, mode, expected, codes)
        if problem and (mode, f"{pair.tree}:{pair.config}", pair.weights.name) not in EXCEPTIONS:
            wrong.append(f"{mode} {pair.tree}:{pair.config} <- {pair.weights.name}: ppdet "
                         f"{expected}; qatfix {problem} {sorted(codes.items())}")
    return tally, wrong


def _problem(pair: oracle.Pair, mode: str, expected: str, codes: dict[str, str]) -> str:
    if pair.own_start and mode == "train":
        loud = {c: s for c, s in codes.items() if s != "info"}
        return "warns about the recipe's own start" if loud else ""
    if mode == "qat" and pair.weights.kind == "pretrained":
        return "" if codes.get("QF102") == "error" and "QF101" not in codes else \
            "misses QF102 for a pre-training checkpoint in QAT"
    claimed = oracle.category(codes)
    if claimed != expected:
        return f"says {claimed}"
    if mode == "qat" and expected == "other" and codes.get("QF101") != "error":
        return "QF101 is not an error in QAT"
    return ""


@pytest.mark.corpus
@pytest.mark.paddle
@pytest.mark.parametrize("mode", ["train", "qat"])
def test_static_verdicts_match_ppdets_loader(mode: str, all_pairs: list[oracle.Pair],
                                             roots: dict[str, Path], tmp_path: Path) -> None:
    tally, wrong = _run(all_pairs, roots, mode, tmp_path)
    print(f"{mode}: {len(all_pairs)} pairs, ppdet says {dict(tally)}; {len(wrong)} disagree")
    assert not wrong, "\n".join(wrong[:40])


@pytest.mark.corpus
@pytest.mark.paddle
def test_every_kind_of_outcome_is_covered(all_pairs: list[oracle.Pair]) -> None:
    outcomes = Counter(oracle.truth(p, oracle.model_classes(p)) for p in all_pairs)
    assert outcomes["fits"] > 20 and outcomes["classes"] > 20 and outcomes["other"] > 20, outcomes


@pytest.mark.corpus
def test_first_proposed_official_weights_load_fully_when_some_do(roots: dict[str, Path],
                                                                 tmp_path: Path) -> None:
    """In QAT, on a fixed sample of 150 pairs: whenever some official weights of the network
    load fully into the model (by the ppdet-built signatures), the first official weights a
    fix proposes are such weights."""
    from qatfix.run.engine import contexts
    from qatfix.registry import load_registry
    from qatfix.registry.loading import official_loading
    from qatfix.rules.weights.candidates import candidate_fixes, official_candidates

    registry = load_registry()
    sample = [p for p in oracle.pairs(roots, 150) if not p.own_start]
    named = some = first = 0
    wrong = []
    for pair in sample:
        slim = tmp_path / f"{pair.weights.name}_qat.yml"
        if not slim.exists():
            slim.write_text(oracle.QAT_SLIM.format(url=pair.weights.url), encoding="utf-8")
        ctx = contexts(str(roots[pair.tree] / pair.config), str(slim))[0]
        proposed = [e for f in candidate_fixes(ctx) if f.value
                    and (e := registry.get_url(f.value)) is not None]
        if not proposed:
            continue
        named += 1

        def loads_fully(entry: object) -> bool:
            loading = official_loading(ctx.identity, entry, ctx.checkout_tree)  # type: ignore[arg-type]
            return loading is not None and loading.verdict == "fits"

        if any(loads_fully(entry) for entry, _, _ in official_candidates(ctx)):
            some += 1
            if loads_fully(proposed[0]):
                first += 1
            else:
                wrong.append(f"{pair.tree}:{pair.config} <- {proposed[0].name}")
    print(f"{len(sample)} pairs; weights proposed for {named}; some official weights load fully "
          f"in {some}; the first proposed loads fully in {first}")
    assert named > 50 and some > 50
    assert first == some, "\n".join(wrong)
