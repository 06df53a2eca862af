"""The class facts, parameter names and component names beside the signature store: derived
from ppdet's builds as documented, and consistent with the signatures they describe."""
from __future__ import annotations

from typing import Any

import pytest

from qatfix.deep.class_store import derive_facts
from qatfix.model.signature import Signature
from qatfix.registry.class_facts import _facts_from_data, _store, facts_of_signature, shapes_at
from qatfix.registry.components import registered, renamed
from qatfix.registry.param_names import decode_names, encode_names, names_of
from qatfix.registry.signatures import configs_by_signature, signature_of

STORED = [["head.cls.weight", [80, 96, 1, 1], "p"], ["head.cls.bias", [80], "p"],
          ["head.reg.weight", [32, 96, 1, 1], "p"], ["reid.classifier.weight", [128, 5], "p"]]


def _build(*keys: tuple[str, list[int]]) -> dict[str, Any]:
    return {"keys": [[k, s, f"n{i}"] for i, (k, s) in enumerate(keys)]}


def _record(own: int | None, builds: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {"config": "c.yml", "status": "classes", "num_classes": own, "builds": builds}


def test_each_class_dimension_is_fitted_from_the_two_other_counts() -> None:
    at = {n: _build(("head.cls.weight", [n, 96, 1, 1]), ("head.cls.bias", [n]),
                    ("head.reg.weight", [32, 96, 1, 1]), ("reid.classifier.weight", [128, 5]))
          for n in (2, 87)}
    facts = derive_facts(_record(80, {"2": at[2], "87": at[87]}), STORED, ("2", "+7"))
    assert facts == {"num_classes": 80, "valid": [1, None],
                     "dims": {"head.cls.weight": [[0, 1, 0]], "head.cls.bias": [[0, 1, 0]]}}
    parsed = _facts_from_data(facts)
    assert parsed is not None and parsed.class_keys == {"head.cls.weight", "head.cls.bias"}


def test_a_tensor_that_exists_at_the_own_count_only_bounds_the_facts() -> None:
    at = {n: _build(("head.cls.weight", [n, 96, 1, 1]), ("head.cls.bias", [n]),
                    ("head.reg.weight", [32, 96, 1, 1])) for n in (2, 8)}
    stored = [[k, [1, *s[1:]] if k.startswith("head.cls") else s, kind]
              for k, s, kind in STORED]
    facts = derive_facts(_record(1, {"2": at[2], "8": at[8]}), stored)
    assert facts["valid"] == [2, None] and facts["removed"] == ["reid.classifier.weight"]


def test_a_dimension_that_is_not_affine_gives_no_facts() -> None:
    at = {2: _build(("head.cls.weight", [2, 96, 1, 1]), ("head.cls.bias", [2]),
                    ("head.reg.weight", [32, 96, 1, 1]), ("reid.classifier.weight", [128, 5])),
          87: _build(("head.cls.weight", [90, 96, 1, 1]), ("head.cls.bias", [87]),
                     ("head.reg.weight", [32, 96, 1, 1]), ("reid.classifier.weight", [128, 5]))}
    assert "error" in derive_facts(_record(80, {"2": at[2], "87": at[87]}), STORED, ("2", "+7"))


def test_names_round_trip_as_runs() -> None:
    keys = [("a.weight", [3, 3, 1, 1], "conv2d_0.w_0"), ("a.bias", [3], "conv2d_0.b_0"),
            ("b.weight", [3, 3, 1, 1], "conv2d_1.w_0"), ("c.weight", [3, 3], "linear_0.w_0"),
            ("d.weight", [3, 3, 1, 1], "conv2d_7.w_0")]
    runs = encode_names(keys)
    assert runs == [["conv2d_0.w_0", 2], ["linear_0.w_0", 1], ["conv2d_7.w_0", 1]]
    assert decode_names(runs) == ["conv2d_0.w_0", "conv2d_1.w_0", "linear_0.w_0", "conv2d_7.w_0"]


@pytest.mark.corpus
def test_the_committed_facts_describe_their_signatures() -> None:
    by_signature = configs_by_signature()
    store = _store()
    assert len(store) > 0.95 * len(by_signature), (len(store), len(by_signature))
    with_facts = 0
    for ident, data in store.items():
        assert ident in by_signature, ident
        facts = facts_of_signature(ident)
        tree, config = by_signature[ident][0]
        signature = signature_of(tree, config)
        assert signature is not None
        if facts is None:
            assert "error" in data
            continue
        with_facts += 1
        at_points = {key for changed, _ in facts.points.values() for key in changed}
        assert facts.class_keys <= set(signature.shapes) | set(facts.added) | at_points, ident
        if facts.num_classes is not None:
            assert shapes_at(signature, facts, facts.num_classes) == dict(signature.shapes)
        named = names_of(signature, ident)
        assert named is None or len(named) == len(set(named.values()))
    assert with_facts > 0.95 * len(store)


@pytest.mark.corpus
def test_the_committed_components_know_the_dino_rename() -> None:
    trees = registered()
    assert "DETRPostProcess" in trees["develop"] and "DETRBBoxPostProcess" in trees["release-2.6"]
    assert renamed().get("DETRPostProcess") == "DETRBBoxPostProcess"


def test_a_count_the_rule_does_not_give_is_kept_as_built() -> None:
    at = {n: _build(("head.cls.weight", [n, 96, 1, 1]), ("head.cls.bias", [n]),
                    ("head.reg.weight", [32, 96, 1, 1])) for n in (2, 87)}
    at[1] = _build(("head.cls.weight", [1, 96, 1, 1]), ("head.cls.bias", [1]),
                   ("head.reg.weight", [32, 96, 1, 1]), ("reid.classifier.weight", [128, 5]))
    stored = [entry for entry in STORED if entry[0] != "reid.classifier.weight"]
    facts = derive_facts(_record(80, {"1": at[1], "2": at[2], "87": at[87]}), stored)
    assert facts["points"] == {"1": {"head.cls.weight": [1, 96, 1, 1], "head.cls.bias": [1],
                                     "reid.classifier.weight": [128, 5], "-": []}}
    parsed = _facts_from_data(facts)
    assert parsed is not None and "reid.classifier.weight" in parsed.class_keys
    signature = Signature({k: tuple(s) for k, s, _ in stored}, {}, {}, frozenset())
    assert shapes_at(signature, parsed, 1) == {
        "head.cls.weight": (1, 96, 1, 1), "head.cls.bias": (1,),
        "head.reg.weight": (32, 96, 1, 1), "reid.classifier.weight": (128, 5)}
    four = shapes_at(signature, parsed, 4)
    assert four is not None and four["head.cls.bias"] == (4,)
