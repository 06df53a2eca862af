"""QF905: what tools/export_model.py bakes into the exported model's input.

`TestReader.fuse_normalize` moves NormalizeImage into the network. (The fixed input size,
`TestReader.inputs_def.image_shape` against the EvalReader's, is QF202 at every step.)
"""
from __future__ import annotations

from collections.abc import Iterator

from qatfix.rules.base import Issue, Rule
from qatfix.rules.context import CheckContext



def check_fuse_normalize(ctx: CheckContext) -> Iterator[Issue]:
    if ctx.step != "export" or ctx.role not in ("model", "student"):
        return
    if ctx.get(("TestReader", "fuse_normalize")) is not True:
        return
    yield Issue(
        message=("TestReader.fuse_normalize is true: the exported network normalizes images "
                 "itself and infer_cfg.yml has no NormalizeImage; a deployment, ACT or PTQ "
                 "reader for this model must feed raw pixels (no NormalizeImage), or images are "
                 "normalized twice"),
        location=ctx.location(("TestReader", "fuse_normalize")))


RULES = (
    Rule(
        code="QF905", name="export-fused-normalize", severity="info",
        summary="The export fuses NormalizeImage into the network (fuse_normalize).",
        explanation=(
            "With `TestReader.fuse_normalize: true` the network computes `image * scale + "
            "bias` itself and infer_cfg.yml lists no NormalizeImage. Deployment code and ACT / "
            "PTQ readers must then feed raw 0-255 pixels; a reader that still normalizes "
            "normalizes twice (QF952 checks ACT readers against infer_cfg.yml)."),
        example=("qatfix python tools/export_model.py -c "
                 "configs/smalldet/ppyoloe_crn_l_80e_sliced_visdrone_640_025.yml -o weights="
                 "https://paddledet.bj.bcebos.com/models/"
                 "ppyoloe_crn_l_80e_sliced_visdrone_640_025.pdparams"),
        instead=("an ACT reader without NormalizeImage, as "
                 "deploy/auto_compression/configs/ppyoloe_crn_l_80e_sliced_visdrone_640_025_reader.yml"),
        fix_safety="no fix: a note on what the export expects.",
        evidence=("ppdet/modeling/architectures/meta_arch.py BaseArch (fuse_norm, "
                  "load_meanstd); ppdet/engine/export_utils.py _parse_reader (`if "
                  "fuse_normalize and key == 'NormalizeImage': continue`)"),
        check=check_fuse_normalize),
)
