"""`--deep` and the static rules state how many tensors load once: `one_figure`."""
from __future__ import annotations

from qatfix.findings import Finding, Fix, Location
from qatfix.run.deep_findings import one_figure

WHERE = Location("configs/slim/quant/picodet_s_quant.yml", 1, 1)
FIX = Fix("Use picodet_s_320_coco_lcnet", "safe", ())


def static(loaded: int) -> Finding:
    return Finding("QF101", "error", f"{loaded} of 463 state-dict tensors load", WHERE,
                   fix=FIX, config="m.yml", data=(("loaded", loaded), ("tensors", 463)))


def deep(loaded: int) -> Finding:
    return Finding("QF601", "error", f"{loaded} of 463 parameters would load", WHERE,
                   config="m.yml", data=(("loaded", loaded), ("model_params", 463)))


def test_the_same_figure_keeps_the_static_finding_marked_confirmed() -> None:
    size = Finding("QF501", "info", "sizes", WHERE, config="m.yml")
    kept, exact = one_figure([static(140)], [deep(140), size])
    assert [f.code for f in kept + exact] == ["QF101", "QF501"]
    assert dict(kept[0].data)["deep_confirmed"] is True and kept[0].fix == FIX
    assert "--deep: ppdet built the model and counts the same" in kept[0].message


def test_another_figure_is_ppdets_carrying_the_static_fix() -> None:
    kept, exact = one_figure([static(140)], [deep(150)])
    assert kept == [] and [f.code for f in exact] == ["QF601"]
    assert exact[0].fix == FIX and dict(exact[0].data)["replaces"] == "QF101"


def test_findings_of_other_runs_or_facts_are_left_alone() -> None:
    other_run = Finding("QF101", "error", "m", WHERE, config="other.yml",
                        data=(("loaded", 1), ("tensors", 2)))
    kept, exact = one_figure([other_run], [deep(140)])
    assert kept == [other_run] and [f.code for f in exact] == ["QF601"]
    kept, exact = one_figure([static(140)], [])
    assert kept == [static(140)] and exact == []
