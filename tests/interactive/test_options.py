"""What each finding can be fixed with, what the menus offer, and what a review shows (no prompts)."""
from __future__ import annotations

from pathlib import Path

import pytest

from qatfix.run.engine import check, contexts
from qatfix.run.plan import Run
from qatfix.errors import EditError
from qatfix.findings import Finding
from qatfix.interactive import menus
from qatfix.interactive.display import decision_lines, item_text
from qatfix.interactive.flow import Choose, Item, Review, step
from qatfix.interactive.fix_choices import (
    about_weights, custom_fix, custom_problem, fix_label, review_items,
)
from qatfix.rules.context import CheckContext
from tests.conftest import trained_checkpoint
from tests.interactive.conftest import LCNET, LEGACY, MODEL, PEDESTRIAN, SLIM


NEW_SLIM = "configs/slim/quant/picodet_s_320_coco_lcnet_qat.yml"
LCNET_416 = "https://paddledet.bj.bcebos.com/models/picodet_s_416_coco_lcnet.pdparams"


def _context(root: Path, monkeypatch: pytest.MonkeyPatch) -> CheckContext:
    monkeypatch.chdir(root)
    return contexts(MODEL, SLIM)[0]


def _items(root: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[tuple[Item, ...], CheckContext]:
    ctx = _context(root, monkeypatch)
    findings = check(Run(MODEL, SLIM))
    return review_items(findings, lambda f: ctx if f.config == ctx.config_path else None), ctx


def _values(item: Item) -> list[str | None]:
    return [fix.value for fix in item.choices]


def test_example_has_one_weights_finding_with_its_candidates(picodet: Path,
                                                              monkeypatch: pytest.MonkeyPatch
                                                              ) -> None:
    items, ctx = _items(picodet, monkeypatch)
    assert [item.finding.code for item in items] == ["QF101"]  # QF501 has nothing to fix
    (item,) = items
    assert item.custom
    # weights that load fully come first (the 416 model is this network at another size; the
    # pedestrian model loads all but its class layers); the same LCNet weights in a new slim file
    # come last: the shared slim config was written for the legacy ESNet model
    assert _values(item) == [LCNET, LCNET_416, PEDESTRIAN, LCNET]
    assert item.default is not None and item.default.safety == "safe"
    assert "is also used with configs/picodet/legacy_model/picodet_s_320_coco.yml" in \
        item.default.note and item.default.note in item.default.full_title
    new_file = item.choices[-1]
    # no other run reads a new file: as safe as its weights (the legacy model is not in this tree,
    # so the in-place edit breaks no run here and stays the proposal)
    assert new_file.slim_config == NEW_SLIM and new_file.safety == "safe"
    assert [(e.path, e.start_line, e.end_line, e.old_text, e.new_text) for e in new_file.edits] == [
        (NEW_SLIM, 1, 0, "", f"_BASE_: [picodet_s_quant.yml]\npretrain_weights: {LCNET}\n")]
    assert about_weights(item.finding, ctx)


def test_the_runs_own_trained_model_is_offered_when_it_exists(picodet: Path,
                                                               monkeypatch: pytest.MonkeyPatch
                                                               ) -> None:
    saved = picodet / "output" / "picodet_s_320_coco_lcnet"
    saved.mkdir(parents=True)
    trained_checkpoint(saved / "model_final.pdparams")
    (item,), _ = _items(picodet, monkeypatch)
    # the user's own float model comes first; with it there, no official weights are safe
    assert _values(item)[0] == "output/picodet_s_320_coco_lcnet/model_final"
    own = item.choices[0]
    assert all(fix.safety == "unsafe" for fix in item.choices)
    assert [(e.start_line, e.new_text) for e in own.edits] == [
        (1, "pretrain_weights: output/picodet_s_320_coco_lcnet/model_final\n")]


def test_pitfalls_are_reviewed_most_severe_first(pitfalls: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    items, ctx = _items(pitfalls, monkeypatch)
    assert [(i.finding.code, i.finding.location.line) for i in items] == [
        ("QF101", 1), ("QF401", 3), ("QF402", 15)]
    assert [i.custom for i in items] == [True, False, False]
    assert not about_weights(items[2].finding, ctx)


def test_custom_values_are_checked_as_ppdet_would_load_them(picodet: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = _context(picodet, monkeypatch)
    assert custom_problem(ctx, "  ") == "enter a path or a URL"
    assert "URL must look like" in (custom_problem(ctx, "ftp://host/w.pdparams") or "")
    assert "URL must look like" in (custom_problem(ctx, "https://") or "")
    assert custom_problem(ctx, "https://example.com/w.pdparams") is None
    assert custom_problem(ctx, "ppdet://models/picodet_s_320_coco_lcnet.pdparams") is None
    assert "output/x/model_final.pdparams does not exist" in (
        custom_problem(ctx, "output/x/model_final") or "")
    (picodet / "output" / "x").mkdir(parents=True)
    trained_checkpoint(picodet / "output" / "x" / "model_final.pdparams")
    assert custom_problem(ctx, "output/x/model_final") is None
    assert custom_problem(ctx, " output/x/model_final.pdparams ") is None
    assert "is a folder" in (custom_problem(ctx, "output/x") or "")
    assert ".pdparams" in (custom_problem(ctx, "output/x/model_final.pth") or "")


def test_a_custom_value_becomes_an_unsafe_fix_of_the_weights_key(picodet: Path,
                                                                 monkeypatch: pytest.MonkeyPatch
                                                                 ) -> None:
    ctx = _context(picodet, monkeypatch)
    fix = custom_fix(ctx, " output/x/model_final ")
    assert (fix.title, fix.safety, fix.value) == ("Use output/x/model_final", "unsafe",
                                                  "output/x/model_final")
    assert [(e.path, e.start_line, e.old_text, e.new_text) for e in fix.edits] == [
        (SLIM, 1, f"pretrain_weights: {LEGACY}\n", "pretrain_weights: output/x/model_final\n")]
    with pytest.raises(EditError):
        custom_fix(ctx, LEGACY)  # already the value


def test_labels_say_how_candidate_weights_fit_the_model(picodet: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    (item,), ctx = _items(picodet, monkeypatch)
    labels = [fix_label(fix, ctx) for fix in item.choices]
    assert labels[0] == "picodet_s_320_coco_lcnet (picodet s, 320x320, coco, same network as your model)"
    assert labels[2] == ("picodet_s_320_lcnet_pedestrian (picodet s, 320x320, "
                         "aic_coco_train_cocoformat, 1 class, your model 80, same network as your model)")
    assert "416x416" in labels[1]
    assert labels[3] == ("picodet_s_320_coco_lcnet (picodet s, 320x320, coco, same network as your "
                         "model) in a new slim file picodet_s_320_coco_lcnet_qat.yml")
    legacy = custom_fix(ctx, "ppdet://models/picodet_s_320_coco.pdparams")
    assert fix_label(legacy, ctx).endswith("NOT the network of your model)")
    assert fix_label(custom_fix(ctx, "https://example.com/w.pdparams"), ctx) == \
        "Use https://example.com/w.pdparams"


def test_menus_offer_what_the_item_allows(pitfalls: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    items, ctx = _items(pitfalls, monkeypatch)
    weights, duplicate = items[0], items[1]
    question, entries = menus.action_menu(weights, weights.default)
    assert question == f"{menus.ACTION_QUESTION} [y,n,a,c,q,?]"
    assert [value for _, value in entries] == ["apply", "skip", "all", "choose", "quit"]
    assert entries[0][0] == "y  apply (safe)"
    assert entries[3][0] == "c  choose other weights (3 more)..."
    assert menus.action_keys(entries) == {"y": "apply", "n": "skip", "a": "all", "c": "choose",
                                          "q": "quit", "?": "help"}
    assert [value for _, value in menus.action_menu(duplicate, duplicate.default)[1]] == [
        "apply", "skip", "all", "quit"]
    no_fix = Item(weights.finding, (), custom=True)
    question, entries = menus.action_menu(no_fix, None)
    assert question == f"{menus.NO_FIX_QUESTION} [n,c,q,?]"
    assert [value for _, value in entries] == ["choose", "skip", "quit"]

    chosen = weights.choices[1]
    question, options = menus.choice_menu(weights, chosen, lambda fix: fix.value or "")
    assert question == menus.WEIGHTS_QUESTION
    assert [label for label, _ in options] == [
        f"{LCNET} [safe, proposed]", f"{LCNET_416} [unsafe, current]",
        f"{PEDESTRIAN} [unsafe]", f"{LCNET} [safe]",
        "enter a path or URL...", "back"]
    assert [value for _, value in options][-2:] == ["custom", "back"]


def test_the_item_shows_finding_reason_and_diff(picodet: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    items, ctx = _items(picodet, monkeypatch)
    originals = {SLIM: (picodet / SLIM).read_text()}
    review = Review.start(items)
    shown = item_text(review, originals, "Why it matters.", str, color=False)
    lines = shown.splitlines()
    assert lines[1].startswith(f"[1/1] {SLIM}:1:1: error QF101 pretrain_weights picodet_s_320_coco")
    assert any(line.startswith("    fix (safe): Use picodet_s_320_coco_lcnet (LCNet(scale 0.75), "
                               "320x320, coco); note: picodet_s_quant.yml is also used with")
               for line in lines)
    assert ("        safe because: the official float model of exactly this network: every "
            "parameter loads, 320x320, 80 classes, coco") in lines
    assert "    alternative" not in shown
    assert "    why: Why it matters." in lines
    assert f"-pretrain_weights: {LEGACY}" in lines
    assert f"+pretrain_weights: {LCNET}" in lines
    assert f"--- a/{SLIM}" in lines
    review = step(review, Choose(items[0].choices[2]))
    assert f"+pretrain_weights: {PEDESTRIAN}" in item_text(review, originals, None, str,
                                                          color=False).splitlines()
    coloured = item_text(review, originals, None, str, color=True)
    assert f"\x1b[32m+pretrain_weights: {PEDESTRIAN}\x1b[0m" in coloured


def test_the_summary_says_what_became_of_each_finding(pitfalls: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    items, _ = _items(pitfalls, monkeypatch)
    review = step(step(Review.start(items), "apply"), "quit")
    assert decision_lines(review.decisions, {}, str) == [
        f"applied      QF101 {SLIM}:1: Use picodet_s_320_coco_lcnet (LCNet(scale 0.75), 320x320, "
        f"coco) -> {SLIM}",
        f"not reviewed QF401 {SLIM}:3",
        f"not reviewed QF402 {SLIM}:15",
    ]
    review = step(step(step(Review.start(items), "skip"), "apply"), "apply")
    assert decision_lines(review.decisions, {2: "it would create QF999"}, str)[1:] == [
        f"applied      QF401 {SLIM}:3: Delete the ignored first definition of epoch -> {SLIM}",
        f"not applied  QF402 {SLIM}:15: Write LearningRate.base_lr as the float 0.0001 "
        "(it would create QF999)",
    ]


def test_findings_of_other_configs_get_no_context(picodet: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(picodet)
    findings: list[Finding] = check(Run(MODEL, SLIM))
    items = review_items(findings, lambda f: None)
    (item,) = items
    assert not item.custom  # without its context a finding keeps only its own fixes
    assert len(item.choices) == 4
