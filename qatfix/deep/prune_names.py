"""`--deep` for pruning runs: which layer each `pruned_params` name is in the model ppdet builds.

The names are Paddle's generated parameter names (`param.name`, `conv2d_27.w_0`), counted per
process in the order layers are constructed. tools/train.py builds the model first, so the model
is created here inside a fresh `paddle.utils.unique_name.guard()`: the names are those of the
real run. PaddleSlim's FilterPruner.prune_var logs a name it finds no collection for at debug
level and prunes nothing for it, so a name that is not in the model silently does nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

from qatfix.deep.runtime import load_runtime, one_line
from qatfix.errors import DeepCheckError, QatfixError
from qatfix.config import resolve
from qatfix.findings import Finding, Location
from qatfix.model.pruning import pruner_arguments

if TYPE_CHECKING:
    from qatfix.findings import Finding


@dataclass(frozen=True)
class NamedParameter:
    """One parameter of the built model: its generated name, state-dict key and shape."""

    name: str
    key: str
    shape: tuple[int, ...]

    @property
    def is_filter(self) -> bool:
        """A 4-D convolution weight, [out_c, in_c, k, k]: what a filter pruner prunes."""
        return len(self.shape) == 4 and self.key.endswith(".weight")


def named_parameters(config: str, slim: str, options: Sequence[str] = ()
                     ) -> dict[str, NamedParameter]:
    """The parameters of the model `tools/train.py -c config --slim_config slim` builds, by
    their generated names."""
    runtime = load_runtime(config)
    workspace = runtime.workspace
    with runtime.fresh():
        try:
            opts = runtime.cli.ArgsParser()._parse_opt(list(options))
            cfg = workspace.load_config(config)
            workspace.merge_config(opts)
            workspace.load_config(slim)
            with runtime.paddle.utils.unique_name.guard():
                model = workspace.create(str(cfg["architecture"]))
            found = {}
            for key, tensor in model.state_dict().items():
                found[str(tensor.name)] = NamedParameter(
                    str(tensor.name), key, tuple(int(d) for d in tensor.shape))
        except QatfixError:
            raise
        except Exception as exc:
            raise DeepCheckError(f"ppdet cannot build the model of {config} with {slim}: "
                                 f"{one_line(exc)}") from None
    return found


_SHOWN = 4


def pruning_findings(config: str, slim: str, options: Sequence[str] = ()) -> list["Finding"]:
    """QF703 (names the pruner will not prune as meant) and QF704 (where the names land) for a
    `slim: Pruner`/`PrunerQAT` run; nothing for other runs."""

    resolved = resolve(config, slim, options, options_after_slim=False)
    pruner = pruner_arguments(resolved.data)
    names = pruner.names if pruner is not None else None
    if pruner is None or not names or resolved.get("slim") not in ("Pruner", "PrunerQAT"):
        return []
    origin = resolved.origin((pruner.key, "pruned_params"))
    where = Location(origin.path, origin.line, origin.column) if origin else Location(slim)
    found = named_parameters(config, slim, options)
    missing = [n for n in names if n not in found]
    not_filters = [found[n] for n in names if n in found and not found[n].is_filter]
    findings = []
    if missing:
        shown = ", ".join(missing[:_SHOWN]) + (" ..." if len(missing) > _SHOWN else "")
        findings.append(Finding(
            "QF703", "warning",
            f"{len(missing)} of {len(names)} pruned_params are not parameters of this model "
            f"({shown}; it has {len(found)}): PaddleSlim finds no collection for them, logs it "
            "at debug level and prunes nothing there", where, config=config,
            data=(("missing", missing),)))
    if not_filters:
        shown = ", ".join(f"{p.name} = {p.key} {list(p.shape)}" for p in not_filters[:_SHOWN])
        findings.append(Finding(
            "QF703", "warning",
            f"{len(not_filters)} of {len(names)} pruned_params are not convolution filters "
            f"[out_c, in_c, k, k] ({shown}): a filter pruner removes output channels of conv "
            "weights", where, config=config, data=(("not_filters", [p.name for p in not_filters]),)))
    present = [found[n] for n in names if n in found]
    if present:
        shown = "; ".join(f"{p.name} = {p.key} {list(p.shape)}" for p in present[:_SHOWN])
        more = f"; and {len(present) - _SHOWN} more" if len(present) > _SHOWN else ""
        findings.append(Finding(
            "QF704", "info", f"pruned_params in the model ppdet builds: {shown}{more}", where,
            config=config, data=(("layers", {p.name: p.key for p in present}),)))
    return findings
