"""QF108: a config names a component that the checkout's ppdet does not register (a name of
another release), so ppdet stops when it builds the model."""
from __future__ import annotations

from typing import Iterator

from qatfix.registry.components import registered, renamed
from qatfix.rules.base import Issue, Rule
from qatfix.rules.context import CheckContext


def _releases_with(name: str, known: dict[str, frozenset[str]]) -> list[str]:
    return sorted(tree for tree, names in known.items() if name in names)


def check(ctx: CheckContext) -> Iterator[Issue]:
    tree = ctx.checkout_tree
    known = dict(registered())
    if ctx.role != "model" or tree is None or tree not in known:
        return
    here = known[tree]
    renames = renamed()
    anywhere = frozenset().union(*known.values())
    data = ctx.resolved.plain()
    references: list[tuple[tuple[str, ...], str]] = []
    if isinstance(data.get("architecture"), str):
        references.append((("architecture",), data["architecture"]))
    for section, value in data.items():
        if section in anywhere and isinstance(value, dict):
            references += [((section, key), item) for key, item in value.items()
                           if isinstance(item, str)]
    for key_path, name in references:
        if name in here or name not in anywhere or ctx.checkout_defines(name):
            continue
        others = _releases_with(name, known)
        new = renames.get(name) or next((old for old, new in renames.items() if new == name), None)
        close = [new] if new in here else []
        hint = f"; the official configs of {tree} name {close[0]} in its place" if close else ""
        yield Issue(
            message=(f"{'.'.join(key_path)}: {name} is a component of ppdet {', '.join(others)}, "
                     f"not of the ppdet this checkout runs ({tree}){hint}: create() stops with "
                     f"\"Missing injection config\" or \"not registered\" when the model is built"),
            location=ctx.location(key_path),
            data=(("component", name), ("checkout", tree), ("known_in", others),
                  ("nearest", close[0] if close else None)),
        )


RULES = (
    Rule(
        code="QF108", name="component-of-another-release", severity="error",
        summary="The config names a component the checkout's ppdet does not register.",
        explanation=(
            "ppdet builds a model by the names the config gives (`architecture: DETR`, "
            "`post_process: DETRPostProcess`); some were renamed between releases "
            "(release-2.6's `DETRBBoxPostProcess` is develop's `DETRPostProcess`). A config "
            "written for another release names a component this checkout's ppdet does not have, "
            "and `create` stops when the model is built. The registry records every component "
            "name each release's ppdet registers; the checkout's release is read from its "
            "setup.py, and a name its own `ppdet/` source defines is never reported. A checkout "
            "of a release qatfix has no facts for is said (QF107)."),
        fix_safety="no automatic fix: the message names the component the official configs of "
                   "this release use in its place; check its settings before renaming.",
        example=(
            "qatfix -c configs/example/dino_2_6.yml\n"
            "# configs/example/dino_2_6.yml\n"
            "_BASE_: [../dino/dino_r50_4scale_1x_coco.yml]\n"
            "DETR: {post_process: DETRBBoxPostProcess}\n"
            "DETRBBoxPostProcess: {num_top_queries: 300}\n"),
        instead="DETR: {post_process: DETRPostProcess}",
        evidence=("ppdet/core/workspace.py `create`: an injected name missing from "
                  "`global_config` raises \"Missing injection config\"; registry/signatures/"
                  "components.json lists what each tree's ppdet registers and the renames the "
                  "same official config files show (recorded by `qatfix registry signatures`)."),
        check=check),
)
