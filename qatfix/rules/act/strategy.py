"""QF970-QF972: strategy sections and keys of an ACT config, as PaddleSlim reads them.

QF970 a key the section's class does not take (TypeError), QF971 a top-level key PaddleSlim
drops (an old section name, renamed), QF972 a distillation key renamed in PaddleSlim 2.4.
"""
from __future__ import annotations

from collections.abc import Iterator

from qatfix.rules.base import Change, Issue, PlannedFix, Rule
from qatfix.rules.context import CheckContext
from qatfix.rules.example_text import ACT_TRAIN_CONFIG, act_global
from qatfix.config.kind import ACT_STEPS

#: top-level keys the ACT scripts themselves read, besides PaddleSlim's sections
SCRIPT_KEYS = frozenset({"Global"})


def check_keys(ctx: CheckContext) -> Iterator[Issue]:
    if ctx.act is None or ctx.act.flat:
        return  # a flat PTQ config has no PaddleSlim strategy sections: ppdet reads it
    from qatfix.model.paddleslim_strategy import RENAMED_KEYS

    known = ctx.facts.strategy_keys()
    for section, value in ctx.resolved.data.items():
        accepted = known.keys.get(section)
        if accepted is None or not isinstance(value, dict):
            continue
        for key in value:
            if key in accepted or (section, key) in RENAMED_KEYS:
                continue
            import difflib

            close = difflib.get_close_matches(str(key), sorted(accepted), n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            yield Issue(
                message=(f"{section}.{key} is not a setting of {section} in {known.source}: "
                         f"PaddleSlim stops with TypeError: __init__() got an unexpected "
                         f"keyword argument '{key}'{hint}"),
                location=ctx.location((section, key)),
                fixes=(PlannedFix(f"Rename {section}.{key} to {close[0]}", "unsafe",
                                  (Change.rename((section, key), close[0],
                                          path=ctx.config_path),), value=close[0],
                                  reason="the closest name; check that it means what you meant"),)
                if close and close[0] not in value else ())


def check_sections(ctx: CheckContext) -> Iterator[Issue]:
    import qatfix.rules.act_run as act_facts  # ACT runs only
    if ctx.act is None or ctx.act.flat:
        return  # a flat PTQ config has no PaddleSlim strategy sections: ppdet reads it
    from qatfix.model.paddleslim_strategy import RENAMED_SECTIONS

    known = ctx.facts.strategy_keys()
    data = ctx.resolved.data
    for section in data:
        if section in known.keys or section in SCRIPT_KEYS:
            continue
        if str(section) in act_facts.script_sections(ctx.act, ctx.facts):
            continue  # the ACT script reads it itself (PaddleOCR's run.py: Train, Eval, ...)
        new = RENAMED_SECTIONS.get(str(section))
        if new is not None:
            fixes = () if new in data else (PlannedFix(
                f"Rename {section} to {new}", "safe",
                (Change.rename((section,), new, path=ctx.config_path),), value=new,
                reason="PaddleSlim 2.4 renamed the section; its settings kept their names"),)
            yield Issue(
                message=(f"{section} is the PaddleSlim 2.3 name of {new}: {known.source} drops "
                         f"the section without a word and ACT picks a strategy itself"),
                location=ctx.location((section,)), fixes=fixes)
            continue
        if isinstance(data[section], dict):
            yield Issue(
                message=(f"{section} is not a section {known.source} reads: it is dropped "
                         f"without a word (sections: {', '.join(sorted(known.keys))})"),
                location=ctx.location((section,)), severity="warning")


def check_renamed_keys(ctx: CheckContext) -> Iterator[Issue]:
    if ctx.act is None or ctx.act.flat:
        return  # a flat PTQ config has no PaddleSlim strategy sections: ppdet reads it
    from qatfix.model.paddleslim_strategy import RENAMED_KEYS

    for section, value in ctx.resolved.data.items():
        if not isinstance(value, dict):
            continue
        for key in value:
            renamed = RENAMED_KEYS.get((str(section), str(key)))
            if renamed is None:
                continue
            new, same_meaning = renamed
            if new is None:
                yield Issue(message=(f"{section}.{key} was removed in PaddleSlim 2.4: "
                                     f"PaddleSlim stops with TypeError (unexpected keyword "
                                     f"argument '{key}'); delete it"),
                            location=ctx.location((section, key)))
                continue
            fixes: tuple[PlannedFix, ...] = ()
            if same_meaning and new not in value:
                fixes = (PlannedFix(f"Rename {section}.{key} to {new}", "safe",
                                    (Change.rename((section, key), new,
                                            path=ctx.config_path),), value=new,
                                    reason="the same setting under its PaddleSlim 2.4 name"),)
            meaning = ("" if same_meaning else
                       f"; {new} lists the student's nodes only (the teacher's take the same "
                       "names), so the pairs must be rewritten by hand")
            yield Issue(
                message=(f"{section}.{key} is the PaddleSlim 2.3 name of {new}: PaddleSlim "
                         f"stops with TypeError (unexpected keyword argument '{key}'){meaning}"),
                location=ctx.location((section, key)), fixes=fixes)


_EVIDENCE = ("paddleslim/auto_compression/config_helpers.py extract_strategy_config "
             "(`eval(key)(**value)` for keys in SUPPORTED_CONFIG), extract_train_config; "
             "paddleslim/auto_compression/strategy_config.py (the classes' keywords)")

RULES = (
    Rule(
        code="QF970", name="act-strategy-key", severity="error",
        applies_to=ACT_STEPS,
        summary="A strategy section sets a key its PaddleSlim class does not take.",
        explanation=(
            "PaddleSlim builds each strategy as `QuantAware(**section)`, `TrainConfig(**...)`: "
            "a misspelt or foreign key is a TypeError before compression starts. The keys are "
            "read from the installed PaddleSlim's strategy_config.py (a table of 2.6.0 "
            "without it)."),
        example=("qatfix deploy/auto_compression/configs/my_ppyoloe_l_qat_dis.yaml\n"
                 "# deploy/auto_compression/configs/my_ppyoloe_l_qat_dis.yaml\n"
                 + act_global("./ppyoloe_crn_l_300e_coco", "model.pdmodel") +
                 "Distillation:\n"
                 "  alpha: 1.0\n"
                 "  loss: soft_label\n"
                 "QuantAware:\n"
                 "  use_pact: true\n"
                 "  weight_bit: 8\n"
                 "  activation_quantize_type: 'moving_average_abs_max'\n"
                 "  quantize_op_types: [conv2d, depthwise_conv2d]\n" + ACT_TRAIN_CONFIG),
        instead="QuantAware: {use_pact: true, weight_bits: 8}",
        fix_safety="unsafe: the closest accepted name, to be checked by the user.",
        evidence=_EVIDENCE, check=check_keys),
    Rule(
        code="QF971", name="act-strategy-section", severity="error",
        applies_to=ACT_STEPS,
        situations=(("warning",
                    "for a section the installed PaddleSlim does not read"),),
        summary="A top-level section PaddleSlim does not read (an old name is renamed).",
        explanation=(
            "PaddleSlim keeps only the sections in SUPPORTED_CONFIG and TrainConfig; any other "
            "top-level key is dropped silently and ACT then chooses the strategy itself. "
            "`Quantization` became `QuantAware` in PaddleSlim 2.4 (an error: the quantization "
            "asked for does not happen); other unknown sections are warnings."),
        example=("qatfix deploy/auto_compression/configs/my_ppyoloe_l_qat_dis.yaml\n"
                 "# deploy/auto_compression/configs/my_ppyoloe_l_qat_dis.yaml\n"
                 + act_global("./ppyoloe_crn_l_300e_coco", "model.pdmodel") +
                 "Distillation:\n"
                 "  alpha: 1.0\n"
                 "  loss: soft_label\n"
                 "Quantization:\n"
                 "  use_pact: true\n"
                 "  weight_bits: 8\n"
                 "  activation_quantize_type: 'moving_average_abs_max'\n"
                 "  quantize_op_types: [conv2d, depthwise_conv2d]\n" + ACT_TRAIN_CONFIG),
        instead="QuantAware: {use_pact: true, weight_bits: 8}",
        fix_safety="safe: the section's new name; its settings kept their names.",
        evidence=_EVIDENCE, check=check_sections),
    Rule(
        code="QF972", name="act-renamed-key", severity="error",
        applies_to=ACT_STEPS,
        summary="A distillation key of PaddleSlim before 2.4.",
        explanation=(
            "PaddleSlim 2.4 renamed `distill_loss` to `loss`, `distill_lambda` to `alpha` and "
            "`distill_node_pair` to `node`, and removed `merge_feed`. The old names are "
            "TypeErrors. `node` lists student nodes only, so the pairs are not renamed "
            "automatically."),
        example=("qatfix deploy/auto_compression/configs/my_ppyoloe_l_qat_dis.yaml\n"
                 "# deploy/auto_compression/configs/my_ppyoloe_l_qat_dis.yaml\n"
                 + act_global("./ppyoloe_crn_l_300e_coco", "model.pdmodel") +
                 "Distillation:\n"
                 "  distill_lambda: 1.0\n"
                 "  distill_loss: soft_label\n"
                 "QuantAware:\n"
                 "  use_pact: true\n"
                 "  activation_quantize_type: 'moving_average_abs_max'\n"
                 "  quantize_op_types: [conv2d, depthwise_conv2d]\n" + ACT_TRAIN_CONFIG),
        instead="Distillation: {loss: l2, alpha: 1.0}",
        fix_safety=("safe for loss and alpha (same value, new name); node and merge_feed have "
                    "no automatic fix."),
        evidence=_EVIDENCE + "; Distillation.__init__(loss, node, alpha, ...)",
        check=check_renamed_keys),
)
