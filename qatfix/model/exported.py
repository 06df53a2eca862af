"""The exported model an ACT run compresses, as far as it can be known without paddle.

When `Global.model_dir` exists, `tools/export_model.py` wrote `infer_cfg.yml` beside the model
(ppdet/engine/export_utils.py `_dump_infer_config`): the Resize it ran with (target size fixed by
`TestReader.inputs_def.image_shape`), the NormalizeImage (left out with `fuse_normalize`),
`label_list` and `arch`. When the folder does not exist yet, the folder name is looked up in the
registry of official models (`./models/picodet_s_320_coco_lcnet/` is picodet_s_320_coco_lcnet)
and its config in the PaddleDetection tree says what the export will hold.
"""
from __future__ import annotations

from dataclasses import dataclass
import os
from collections.abc import Mapping
from typing import Any, Optional

from qatfix.model.program import ProgramFacts, read_json
from qatfix.config import resolve
from qatfix.config.loader import DISK, Texts
from qatfix.errors import QatfixError
from qatfix.model.normalization import Normalization, exported_input, infer_cfg_input
from qatfix.model.sizes import Size, as_size
from qatfix.model.sizes import eval_input_size

INFER_CFG = "infer_cfg.yml"


@dataclass(frozen=True)
class ExportedModel:
    """What the ACT run will feed and compress."""

    #: where the facts come from, for messages ("models/x/infer_cfg.yml", "official model ...")
    source: str
    #: the (h, w) the network's input is fixed to, or None (dynamic or unknown)
    size: Optional[Size] = None
    #: the Resize target size when the input is not fixed (what the model was evaluated at)
    nominal_size: Optional[Size] = None
    normalization: Optional[Normalization] = None
    num_classes: Optional[int] = None
    arch: Optional[str] = None
    #: file names in `model_dir` when it exists, else None
    files: Optional[tuple[str, ...]] = None
    #: the registry name when identified by the folder name
    official: Optional[str] = None
    #: the model config the facts were read from (identified by name), for messages
    config: Optional[str] = None
    #: feeds, fetched outputs and operations: read from paddle 3's model.json when it is there,
    #: or by paddle itself under `--deep`
    program: Optional[ProgramFacts] = None

    @property
    def feeds(self) -> Optional[dict[str, list[int]]]:
        """Feed name -> shape of the program, when it was read."""
        return self.program.feeds if self.program else None


def _infer_size(preprocess: Any) -> Optional[Size]:
    if not isinstance(preprocess, list):
        return None
    for item in preprocess:
        if isinstance(item, Mapping) and item.get("type") in ("Resize", "LetterBoxResize"):
            target = item.get("target_size")
            if isinstance(target, list) and len(target) >= 2:
                return as_size(target[-2:])
    return None


def from_infer_cfg(model_dir: str, shown: str,
                   program: Optional[ProgramFacts] = None, texts: Texts = DISK) -> ExportedModel:
    """The facts `infer_cfg.yml` in `model_dir` records (ConfigError when it cannot be read),
    with the program's (`program` when paddle read it, else model.json's); `texts` stand in for
    files (fixes being verified)."""
    data = resolve(os.path.join(model_dir, INFER_CFG), texts=texts).plain()
    files = tuple(sorted(os.listdir(model_dir)))
    preprocess = data.get("Preprocess")
    size = _infer_size(preprocess)
    dynamic = data.get("use_dynamic_shape") is True
    if program is None and "model.json" in files:
        program = read_json(os.path.join(model_dir, "model.json"))
    image = program.feeds.get("image") if program else None
    if isinstance(image, list) and len(image) == 4:  # the graph itself says what it takes
        dynamic = as_size(image[-2:]) is None
        size = as_size(image[-2:]) or size
    labels = data.get("label_list")
    return ExportedModel(
        source=os.path.join(shown, INFER_CFG),
        size=None if dynamic else size,
        nominal_size=size,
        normalization=infer_cfg_input(preprocess),
        num_classes=len(labels) if isinstance(labels, list) and labels else None,
        arch=data.get("arch") if isinstance(data.get("arch"), str) else None,
        files=files, program=program)


def paddledetection_root(path: str) -> Optional[str]:
    """The PaddleDetection checkout holding `path` (a folder with `configs/` and `ppdet/` or
    `deploy/`), or None."""
    folder = os.path.dirname(os.path.abspath(path))
    while True:
        if os.path.isdir(os.path.join(folder, "configs")) and (
                os.path.isdir(os.path.join(folder, "ppdet"))
                or os.path.isdir(os.path.join(folder, "deploy"))):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def _exported_size(config: Mapping[str, Any]) -> Optional[Size]:
    """The input size export_model.py fixes: `TestReader.inputs_def.image_shape` ([3, h, w] or
    [n, 3, h, w]); None when it is absent or dynamic (-1)."""
    reader = config.get("TestReader")
    inputs = reader.get("inputs_def") if isinstance(reader, Mapping) else None
    shape = inputs.get("image_shape") if isinstance(inputs, Mapping) else None
    if isinstance(shape, list) and len(shape) in (3, 4):
        return as_size(shape[-2:])
    return None


def from_registry(model_dir: str, anchor: str, registry: Any,
                  texts: Texts = DISK) -> Optional[ExportedModel]:
    """The official model the folder is named after, or None when the name is not one; its
    config read with `texts` standing in for files (fixes being verified)."""
    name = os.path.basename(os.path.normpath(model_dir))
    entry = registry.lookup(name) if name else None
    if entry is None or entry.kind not in ("detector", "slim"):
        return None
    root = paddledetection_root(anchor)
    config_path = os.path.join(root, entry.config) if root and entry.config else None
    if config_path and os.path.isfile(config_path):
        try:
            data = resolve(config_path, texts=texts).plain()
        except QatfixError:
            data = None
        if isinstance(data, Mapping):
            fixed = _exported_size(data)
            num_classes = data.get("num_classes")
            return ExportedModel(
                source=f"official model {entry.name} ({entry.config})",
                size=fixed, nominal_size=fixed or eval_input_size(data),
                normalization=exported_input(data),
                num_classes=num_classes if isinstance(num_classes, int) else entry.num_classes,
                official=entry.name, config=config_path)
    return ExportedModel(source=f"official model {entry.name} (registry)",
                         nominal_size=entry.input_size, num_classes=entry.num_classes,
                         official=entry.name)
