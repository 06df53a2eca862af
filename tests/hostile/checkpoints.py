"""Hostile checkpoint files: pickles that run code when unpickled, a PyTorch zip archive, a
truncated state dict. Each payload would create the marker file `marker` if anything unpickled it
(`test_checkpoints.test_the_payloads_are_live` proves that with plain `pickle.load`)."""
from __future__ import annotations

import io
import os
import pickle
import subprocess
import zipfile
from pathlib import Path
from typing import Any, Callable

MARKER = "PWNED"


class _Call:
    """Pickles as a call of `function(*args)`: what a malicious checkpoint holds."""

    def __init__(self, function: Callable[..., Any], *args: Any) -> None:
        self.function, self.args = function, args

    def __reduce__(self) -> tuple[Any, ...]:
        return (self.function, self.args)


def _state(value: Any) -> bytes:
    """A state dict whose first tensor is `value`, as paddle.save's protocol writes it."""
    return pickle.dumps({"backbone.conv1.conv.weight": value, "backbone.conv1.bn.weight": [0.0]},
                        protocol=4)


def system(marker: Path) -> bytes:
    """`os.system("touch MARKER")` (pickled as posix.system)."""
    return _state(_Call(os.system, f"touch '{marker}'"))


def builtins_eval(marker: Path) -> bytes:
    return _state(_Call(eval, f"__import__('pathlib').Path({str(marker)!r}).touch()"))


def popen(marker: Path) -> bytes:
    return _state(_Call(subprocess.Popen, ["touch", str(marker)]))


def torch_zip(marker: Path) -> bytes:
    """A PyTorch checkpoint's layout (zip archive, `archive/data.pkl` inside) whose pickle would
    run os.system."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("archive/data.pkl", system(marker))
        archive.writestr("archive/version", "3\n")
    return buffer.getvalue()


def truncated(marker: Path) -> bytes:
    """A state dict of float arrays as paddle.save writes it (numpy's reconstructors), cut in
    the middle of its data."""
    import numpy

    whole = pickle.dumps({f"layer{i}.weight": numpy.zeros((8, 8), dtype="float32")
                          for i in range(8)}, protocol=4)
    return whole[:len(whole) // 2]


PAYLOADS: dict[str, Callable[[Path], bytes]] = {
    "os.system": system, "builtins.eval": builtins_eval, "subprocess.Popen": popen,
    "torch zip": torch_zip, "truncated": truncated,
}
#: what the one error line says for each payload
REFUSALS = {
    "os.system": r"not a paddle state dict: it names posix\.system",
    "builtins.eval": r"not a paddle state dict: it names builtins\.eval",
    "subprocess.Popen": r"not a paddle state dict: it names subprocess\.Popen",
    "torch zip": r"not a paddle state dict: it is a zip archive",
    "truncated": r"not a paddle state dict: the file ends early",
}
#: payloads that run code under plain pickle.load (the zip and the truncated file do not)
LIVE = ("os.system", "builtins.eval", "subprocess.Popen")


def write_payload(name: str, path: Path, marker: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(PAYLOADS[name](marker))
    return path
