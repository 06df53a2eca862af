"""Importing paddle and ppdet: which ppdet, quietly, and with a clean global config per build.

ppdet keeps every registered module and every merged config value in one process-global dict
(`ppdet.core.workspace.global_config`), and `load_config`/`create` mutate it. A pristine copy is
taken right after import and put back before and after each build, so builds never see each
other's values. When the config lives in a PaddleDetection checkout (a folder above it holds
`ppdet/__init__.py`), that checkout's ppdet is imported, as `tools/train.py` would; otherwise the
installed paddledet.
"""
from __future__ import annotations

from dataclasses import dataclass
import contextlib
import copy
import importlib
import io
import logging
import os
import sys
import warnings
from pathlib import Path
from types import FunctionType, ModuleType
from typing import Any, Iterator, Literal

from qatfix.errors import PADDLE_TODO, DeepCheckError



@dataclass(frozen=True)
class PpdetSource:
    """Where the ppdet used for a build comes from."""

    package_dir: str
    version: str
    #: the PaddleDetection checkout the config lives in, when its ppdet is used
    checkout: str | None = None

    def describe(self) -> str:
        if self.checkout:
            return f"ppdet {self.version} from the PaddleDetection checkout {self.checkout}"
        return f"installed paddledet {self.version} ({self.package_dir})"


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Silence the prints, warnings and INFO logs paddle and ppdet emit on import and build."""
    previous = logging.root.manager.disable
    sink = io.StringIO()
    with warnings.catch_warnings(), contextlib.redirect_stdout(sink), \
            contextlib.redirect_stderr(sink):
        warnings.simplefilter("ignore")
        logging.disable(logging.INFO)
        try:
            yield
        finally:
            logging.disable(previous)


def find_checkout(config_path: str | os.PathLike[str]) -> Path | None:
    """The nearest folder above `config_path` holding a `ppdet` package, if any."""
    here = Path(config_path).resolve().parent
    for folder in (here, *here.parents):
        if (folder / "ppdet" / "__init__.py").is_file():
            return folder
    return None


def _import_paddle() -> ModuleType:
    try:
        with quiet():
            import paddle
    except ImportError as exc:
        raise DeepCheckError(f"the deep check needs paddlepaddle and paddledet ({exc})",
                             todo=PADDLE_TODO) from None
    return paddle


def _loaded_ppdet_dir() -> Path | None:
    module = sys.modules.get("ppdet")
    file = getattr(module, "__file__", None)
    return Path(file).resolve().parent if file else None


def _forget_ppdet() -> None:
    for name in [n for n in sys.modules if n == "ppdet" or n.startswith("ppdet.")]:
        del sys.modules[name]


#: ppdet package folders this module imported from a checkout (to be replaced for other configs)
_FROM_CHECKOUT: set[Path] = set()


def package_dir(module: ModuleType) -> Path:
    """The folder a package was imported from."""
    if module.__file__ is None:
        raise DeepCheckError(f"{module.__name__} was imported from no file: not a ppdet install")
    return Path(module.__file__).resolve().parent


def _import_ppdet(checkout: Path | None) -> ModuleType:
    wanted = (checkout / "ppdet").resolve() if checkout else None
    loaded = _loaded_ppdet_dir()
    if loaded is not None and (loaded == wanted or (wanted is None and loaded not in _FROM_CHECKOUT)):
        return sys.modules["ppdet"]
    if loaded is not None:
        _forget_ppdet()
    saved_path = list(sys.path)
    if checkout is not None:
        sys.path.insert(0, str(checkout))
    try:
        with quiet():
            import ppdet
            import ppdet.core.workspace  # noqa: F401  (registers every module)
            import ppdet.utils.cli  # noqa: F401
    except ImportError as exc:
        where = f" from {checkout}" if checkout else ""
        raise DeepCheckError(f"cannot import ppdet{where} ({exc})", todo=PADDLE_TODO) from None
    except Exception as exc:  # a broken checkout fails in arbitrary ways
        raise DeepCheckError(f"importing ppdet{' from ' + str(checkout) if checkout else ''} "
                             f"failed: {one_line(exc)}") from None
    finally:
        sys.path[:] = saved_path
    if wanted is not None:
        _FROM_CHECKOUT.add(wanted)
    return ppdet


def one_line(exc: BaseException) -> str:
    """`Type: first line of the message`, for errors that must fit on one line."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


_MUTABLE = (list, dict, set)


def _functions_of(module: ModuleType) -> Iterator[Any]:
    """Functions and methods defined in `module` (including those of its classes)."""
    for value in list(vars(module).values()):
        if getattr(value, "__module__", None) != module.__name__:
            continue
        if isinstance(value, type):
            for member in list(vars(value).values()):
                member = getattr(member, "__func__", member)
                if isinstance(member, FunctionType):
                    yield member
        elif isinstance(value, FunctionType):
            yield value


def _mutable_defaults(package_dir: Path) -> list[tuple[Any, Any, Any]]:
    """Pristine copies of every mutable default argument in ppdet.

    Some constructors append to a list default (LCPAN grows `spatial_scales` on every build), so
    a second model built in the same process would differ from the first; `reset` undoes that.
    """
    saved = []
    for name, module in list(sys.modules.items()):
        if not (name == "ppdet" or name.startswith("ppdet.")) or module is None:
            continue
        file = getattr(module, "__file__", None)
        if not file or package_dir not in Path(file).resolve().parents:
            continue
        for function in _functions_of(module):
            defaults, kwdefaults = function.__defaults__, function.__kwdefaults__
            values = list(defaults or ()) + list((kwdefaults or {}).values())
            if not any(isinstance(v, _MUTABLE) for v in values):
                continue
            try:
                saved.append((function, copy.deepcopy(defaults), copy.deepcopy(kwdefaults)))
            except Exception:  # a default that cannot be copied cannot be restored either
                continue
    return saved


class PpdetRuntime:
    """paddle plus one imported ppdet, with its pristine global config kept aside."""

    def __init__(self, paddle: ModuleType, ppdet: ModuleType, checkout: Path | None) -> None:
        self.paddle = paddle
        self.ppdet = ppdet
        with quiet():
            self.workspace = importlib.import_module("ppdet.core.workspace")
            self.cli = importlib.import_module("ppdet.utils.cli")
        version = getattr(ppdet, "__version__", None) or "(unknown version)"
        self.source = PpdetSource(str(package_dir(ppdet)), str(version),
                                  str(checkout) if checkout else None)
        self._pristine = self._snapshot()
        self._defaults = _mutable_defaults(package_dir(ppdet))
        self._schema_defaults = [
            (schema_value, copy.deepcopy(schema_value.default))
            for module in self.workspace.global_config.values()
            for schema_value in getattr(module, "schema", {}).values()
            if isinstance(getattr(schema_value, "default", None), _MUTABLE)
        ]

    def _snapshot(self) -> dict[str, tuple[Any, dict[str, Any] | None]]:
        snapshot = {}
        for key, value in self.workspace.global_config.items():
            items = dict(value) if isinstance(value, dict) else None
            snapshot[key] = (value, copy.deepcopy(items))
        return snapshot

    def reset(self) -> None:
        """Put ppdet's global config, and its functions' mutable defaults, back to how the
        import left them."""
        for function, defaults, kwdefaults in self._defaults:
            function.__defaults__ = copy.deepcopy(defaults)
            function.__kwdefaults__ = copy.deepcopy(kwdefaults)
        for schema_value, default in self._schema_defaults:
            schema_value.default = copy.deepcopy(default)
        config = self.workspace.global_config
        dict.clear(config)
        for key, (value, items) in self._pristine.items():
            if items is not None:
                dict.clear(value)
                dict.update(value, copy.deepcopy(items))
            dict.__setitem__(config, key, value)

    @contextlib.contextmanager
    def fresh(self) -> Iterator[Any]:
        """A pristine global config for one build, restored afterwards; yields it. A checkpoint
        the build loads (a backbone's `pretrained`) is read by qatfix's restricted reader first."""
        from qatfix.deep.checked_load import checked_paddle_load

        self.reset()
        try:
            with quiet(), checked_paddle_load(self.paddle):
                yield self.workspace.global_config
        finally:
            self.reset()

    def logs_unmatched_model_keys(self) -> bool:
        """Whether this ppdet's match_state_dict logs the model keys nothing matches for a
        teacher/student checkpoint (develop's), read from its checkpoint.py."""
        path = Path(self.source.package_dir) / "utils" / "checkpoint.py"
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            return False
        return "in model is not matched with pretrained weights" in text

    def shape_style(self) -> Literal["paddle", "list"]:
        """How `str.format` prints a paddle tensor's shape in this paddle (ppdet's log lines)."""
        shape = self.paddle.zeros([1]).shape
        text = str(shape)
        return "paddle" if text.startswith("paddle.Size") else "list"


_RUNTIMES: dict[str, PpdetRuntime] = {}


def load_runtime(config_path: str | os.PathLike[str] | None = None) -> PpdetRuntime:
    """paddle and the right ppdet for `config_path` (the installed one when None)."""
    paddle = _import_paddle()
    checkout = find_checkout(config_path) if config_path is not None else None
    ppdet = _import_ppdet(checkout)
    key = str(package_dir(ppdet) / "__init__.py")
    runtime = _RUNTIMES.get(key)
    if runtime is None or runtime.ppdet is not ppdet:
        with quiet():
            paddle.set_device("cpu")
        runtime = PpdetRuntime(paddle, ppdet, checkout)
        _RUNTIMES[key] = runtime
    return runtime
