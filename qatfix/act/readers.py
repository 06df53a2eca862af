"""Reader configs of an ACT run: which of those beside it feed the exported model what it
expects (its input size and normalization), for the fixes that name another reader."""
from __future__ import annotations

import os
from typing import Any

from qatfix.act.exported import ExportedModel
from qatfix.act.run import ActRun
from qatfix.config import resolve
from qatfix.config.kind import kind_of
from qatfix.errors import QatfixError
from qatfix.model import deploy_normalization as normalization
from qatfix.model.sizes import eval_input_size


def fits(reader: Any, model: ExportedModel) -> bool:
    """Does a reader (plain data) feed this model what it expects (size and normalization)?"""
    want_size = model.size or model.nominal_size
    if want_size is not None and eval_input_size(reader) != want_size:
        return False
    got = normalization.of_reader(reader.get("EvalReader"))
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
