"""Reader configs of an ACT run: which of those beside it feed the exported model what it
expects (its input size and normalization), for the fixes that name another reader."""
from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, Optional

from qatfix.model.exported import ExportedModel
from qatfix.rules.act_run import ActRun
from qatfix.config.run_texts import kind_of, resolve
from qatfix.errors import QatfixError
from qatfix.model.normalization import getter, reader_input
from qatfix.model.sizes import eval_input_size


def ratio_kept_resize(reader: Any) -> Optional[int]:
    """The index in `EvalReader.sample_transforms` (plain data) of a Resize that keeps the
    aspect ratio with no Pad to a fixed size after it: its images come out in many shapes
    (ppdet's Resize with keep_ratio scales the short side to the target and the long side as
    far as it fits); None when the reader's images all have one shape."""
    items = reader.get("EvalReader", {}).get("sample_transforms") \
        if isinstance(reader.get("EvalReader"), Mapping) else None
    found = None
    for index, item in enumerate(items if isinstance(items, list) else ()):
        if not isinstance(item, Mapping) or len(item) != 1:
            continue
        (name, args), = item.items()
        args = args if isinstance(args, Mapping) else {}
        if name == "Resize" and args.get("keep_ratio", True) is not False:
            found = index
        elif name == "Pad" and args.get("size") is not None:
            found = None
    return found


def fits(reader: Any, model: ExportedModel) -> bool:
    """Does a reader (plain data) feed this model what it expects (size and normalization)?"""
    want_size = model.size or model.nominal_size
    if want_size is not None and eval_input_size(reader) != want_size:
        return False
    if model.size is not None and ratio_kept_resize(reader) is not None:
        return False
    got = reader_input(getter(reader), "EvalReader")
    if model.normalization is not None and (got is None or not got.same_as(model.normalization)):
        return False
    return True


def fitting_readers(run: ActRun, model: ExportedModel) -> list[str]:
    """Reader configs beside the given one (or in the ACT config's folder) that fit the model,
    as paths relative to the run folder."""
    folders = {os.path.dirname(os.path.abspath(run.act.config_path))}
    if run.reader is not None:
        folders.add(os.path.dirname(os.path.abspath(run.reader.config_path)))
    found = []
    for folder in sorted(folders):
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        for name in names:
            path = os.path.join(folder, name)
            if not name.endswith((".yml", ".yaml")) or kind_of(path) != "other":
                continue
            if run.reader is not None and os.path.samefile(path, run.reader.config_path):
                continue
            try:
                data = resolve(path).plain()
            except QatfixError:
                continue
            if isinstance(data.get("EvalReader"), dict) and fits(data, model):
                found.append(os.path.relpath(path, run.run_dir))
    return found
