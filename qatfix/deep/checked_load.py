"""What ppdet is handed while it builds a model: only files qatfix's own readers accepted.

ppdet reads configs with PyYAML's `Loader`, which constructs the objects a `!!python/` tag names;
`refuse_python_tags` reads the config's whole chain with qatfix's loader first, which refuses
them (RefusedInputError), so ppdet never sees such a file.

`paddle.load` while ppdet builds a model: only bytes the restricted reader accepted.

Building a model can load a checkpoint: ppdet's ViT, Swin, ConvNeXt, FocalNet, ViTPose, CLRNet
and ReID ResNet backbones call `paddle.load(path)` on the `pretrained` value of their config
section while they are constructed. `paddle.load` unpickles, and a pickle runs whatever it names.
Inside `checked_paddle_load()` paddle's `load` first has the file read by qatfix's restricted
reader (`qatfix.model.checkpoint`), which refuses anything but a state dict of arrays with one
line (ConfigError), and then gets the very bytes that were checked (an in-memory buffer, so the
file cannot change between the check and the load). A path that is no regular file (a folder or
a `paddle.jit.save` prefix, whose `.pdiparams.info` is another pickle) is refused too.
"""
from __future__ import annotations

import contextlib
import io
import os
from typing import Any, Iterator

from qatfix.config import resolve
from qatfix.errors import ConfigError, QatfixError, RefusedInputError
from qatfix.model.checkpoint import checked_bytes


@contextlib.contextmanager
def checked_paddle_load(paddle: Any) -> Iterator[None]:
    """Replace `paddle.load` for the duration of a build (see module docstring)."""
    original = paddle.load
    if getattr(original, "__qatfix_checked__", False):  # nested builds: already in place
        yield
        return

    def load(path: Any, **configs: Any) -> Any:
        if not isinstance(path, (str, os.PathLike)) or not os.path.isfile(path):
            raise ConfigError("the model's build asks paddle to load something that is not a "
                              "weights file qatfix can read first; refused, nothing was loaded",
                              path=str(path))
        return original(io.BytesIO(checked_bytes(os.fspath(path))), **configs)

    load.__qatfix_checked__ = True  # type: ignore[attr-defined]
    paddle.load = load
    try:
        yield
    finally:
        paddle.load = original


def refuse_python_tags(*configs: str | os.PathLike[str] | None) -> None:
    """RefusedInputError when a file of a config's `_BASE_` chain holds a Python object tag;
    any other problem reading it is left for ppdet to meet as it would."""
    for config in configs:
        if config is None:
            continue
        try:
            resolve(os.fspath(config))
        except RefusedInputError:
            raise
        except QatfixError:
            pass
