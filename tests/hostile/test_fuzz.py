"""Property: on any input the resolver, the rules engine and the rewriter either return or raise
`QatfixError` — never another exception, never a hang.

Inputs are random YAML-ish text and mutations of real-looking configs (byte flips, truncations,
inserted anchors, aliases, tags, brackets, tabs, BOMs, NULs). The default run fits a CI budget
(a few seconds); `QATFIX_FUZZ=1 python -m pytest -m fuzz tests/hostile` runs each property
on fifty times as many examples.
"""
from __future__ import annotations

import atexit
import functools
import itertools
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qatfix.config import resolve
from qatfix.config.options import parse_options
from qatfix.config.render import blame, to_json, to_yaml
from qatfix.edit.primitives import delete_key, set_value
from qatfix.run.engine import check
from qatfix.run.plan import Run
from qatfix.errors import QatfixError
from tests.hostile.helpers import EXAMPLE, EXAMPLE_CONFIG

SHORT = 2
LONG = 100
FUZZ = pytest.mark.skipif(os.environ.get("QATFIX_FUZZ") != "1",
                          reason="long fuzzing run: set QATFIX_FUZZ=1")

EXTRA_SEEDS = [
    b"_BASE_: ['../datasets/coco_detection.yml']\n"
    b"reader: &reader {batch_size: 8, shuffle: true}\n"
    b"TrainReader:\n  <<: *reader\n  sample_transforms:\n  - Decode: {}\n"
    b"  - RandomResize: {target_size: [[320, 320], [352, 352]], keep_ratio: False}\n"
    b"EvalReader: *reader\n",
    b"LearningRate:\n  base_lr: 1e-4\n  schedulers:\n  - !PiecewiseDecay\n    gamma: 0.1\n"
    b"    milestones: [8, 11]\n  - !LinearWarmup {start_factor: 0.001, steps: 1000}\n"
    b"OptimizerBuilder:\n  regularizer: {factor: 0.0005, type: L2}\nepoch: 12\nepoch: 13\n",
    b"pretrain_weights: ppdet://models/picodet_s_320_coco.pdparams\nslim: QAT\n"
    b"QAT:\n  quant_config: {weight_bits: 8, activation_bits: 8, 'dtype': 'int8'}\n"
    b"  print_model: False\n# qatfix: ignore[QF501]\n",
    b"|\n  a literal\nkey: >-\n  folded\n  text\n'quoted': \"esc\\t\\u00e9\"\n? complex\n: value\n",
]
INSERTS = [b"&a ", b"*a", b"!", b"!!", b"!Tag ", b"[", b"]", b"{", b"}", b"\t", b"&", b"*",
           b": ", b"- ", b"<<: ", b"---\n", b"...\n", b"\xef\xbb\xbf", b"\r\n", b"\0", b"#",
           b"'", b'"', b"?", b"|", b">", b"%YAML 1.1\n", b"!!python/name:os.sep ",
           b"!!binary ", b"_BASE_: ", b"\xff", b"\xc3", b"\n  ", b" " * 7]


@functools.lru_cache(maxsize=None)
def tree() -> Path:
    """A private copy of the bundled example, to write mutants next to the real files."""
    root = Path(tempfile.mkdtemp(prefix="qatfix-fuzz-")) / "example"
    shutil.copytree(EXAMPLE, root)
    atexit.register(shutil.rmtree, root.parent, True)
    return root


def seeds() -> list[tuple[str, bytes]]:
    """(folder relative to the example root, text) of every example config plus extra seeds."""
    found = [(str(p.parent.relative_to(EXAMPLE)), p.read_bytes())
             for p in sorted(EXAMPLE.rglob("*.yml"))]
    return found + [("configs/picodet", s) for s in EXTRA_SEEDS]


@st.composite
def mutants(draw: st.DrawFn) -> tuple[str, bytes]:
    folder, text = draw(st.sampled_from(seeds()))
    data = bytearray(text)
    for _ in range(draw(st.integers(1, 5))):
        op = draw(st.sampled_from(["flip", "truncate", "insert", "delete", "duplicate"]))
        pos = draw(st.integers(0, len(data)))
        if op == "flip" and data:
            data[min(pos, len(data) - 1)] ^= draw(st.integers(1, 255))
        elif op == "truncate":
            del data[pos:]
        elif op == "insert":
            data[pos:pos] = draw(st.sampled_from(INSERTS))
        elif op == "delete":
            del data[pos:pos + draw(st.integers(1, 20))]
        else:
            start = data.rfind(b"\n", 0, pos) + 1
            end = data.find(b"\n", pos)
            end = len(data) if end < 0 else end + 1
            data[end:end] = data[start:end]
    return folder, bytes(data)


YAMLISH = st.text(alphabet=st.one_of(st.sampled_from(list("ab_:-[]{},&*!|>'\"#?%@`<.0123 \t\n\r")),
                                     st.characters()), max_size=300)

_names = itertools.count()


def _write(folder: str, data: bytes) -> Path:
    path = tree() / folder / f"mutant_{os.getpid()}_{next(_names)}.yml"
    path.write_bytes(data)
    return path


def returns_or_qatfix_error(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except QatfixError:
        return None


def resolver_property(folder: str, data: bytes) -> None:
    path = _write(folder, data)
    try:
        resolved = returns_or_qatfix_error(lambda: resolve(str(path)))
        if resolved is not None:  # everything `qatfix resolve` prints
            returns_or_qatfix_error(lambda: to_json(resolved.data))
            returns_or_qatfix_error(lambda: to_yaml(resolved.data))
            returns_or_qatfix_error(lambda: blame(resolved.data))
    finally:
        path.unlink()


def engine_property(folder: str, data: bytes) -> None:
    """The mutant as the slim config of the example model, and as a model config alone."""
    path = _write(folder, data)
    try:
        model = str(tree() / EXAMPLE_CONFIG)
        returns_or_qatfix_error(lambda: check(Run(model, str(path))))
        returns_or_qatfix_error(lambda: check(Run(str(path))))
    finally:
        path.unlink()


KEYS = st.sampled_from(["epoch", "TrainReader", "batch_size", "_BASE_", "LearningRate",
                        "schedulers", "pretrain_weights", "QAT", "quant_config", "reader",
                        "<<", "a", "key", "x y", "é", ""])
PATHS = st.lists(st.one_of(KEYS, st.integers(0, 3)), min_size=1, max_size=4).map(tuple)
VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-10**9, 10**9),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["*a", "&x", "!Tag", "- x", "a: b", "#", "'", '"', "\n", "\t", "1e-4", "yes",
                     "~", "", "[1", "{", "\ufeff", "ppdet://models/x.pdparams"]),
    st.text(max_size=12),
    st.lists(st.integers(0, 9), max_size=3),
    st.dictionaries(st.sampled_from(["k", "v", "*a"]), st.integers(0, 9), max_size=2),
)


def rewriter_property(data: bytes, path: tuple[Any, ...], value: Any) -> None:
    text = data.decode("utf-8", "replace")  # files are decoded strictly before any edit
    returns_or_qatfix_error(lambda: set_value(text, path, value))
    returns_or_qatfix_error(lambda: delete_key(text, path))


def options_property(option: str) -> None:
    returns_or_qatfix_error(lambda: parse_options([option]))


def _settings(examples: int) -> settings:
    return settings(max_examples=examples, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _resolver_on_mutants(scale: int) -> Callable[..., None]:
    @_settings(150 * scale)
    @given(mutants())
    def run(mutant: tuple[str, bytes]) -> None:
        resolver_property(*mutant)
    return run


def _resolver_on_text(scale: int) -> Callable[..., None]:
    @_settings(150 * scale)
    @given(YAMLISH)
    def run(text: str) -> None:
        resolver_property("configs", text.encode("utf-8", "surrogatepass"))
    return run


def _engine_on_mutants(scale: int) -> Callable[..., None]:
    @_settings(80 * scale)
    @given(mutants())
    def run(mutant: tuple[str, bytes]) -> None:
        engine_property(*mutant)
    return run


def _rewriter_on_mutants(scale: int) -> Callable[..., None]:
    @_settings(150 * scale)
    @given(mutants(), PATHS, VALUES)
    def run(mutant: tuple[str, bytes], path: tuple[Any, ...], value: Any) -> None:
        rewriter_property(mutant[1], path, value)
    return run


def _rewriter_on_text(scale: int) -> Callable[..., None]:
    @_settings(150 * scale)
    @given(YAMLISH, PATHS, VALUES)
    def run(text: str, path: tuple[Any, ...], value: Any) -> None:
        rewriter_property(text.encode("utf-8", "replace"), path, value)
    return run


def _options(scale: int) -> Callable[..., None]:
    @_settings(200 * scale)
    @given(st.one_of(YAMLISH, st.builds("{}={}".format, KEYS, YAMLISH)))
    def run(option: str) -> None:
        options_property(option)
    return run


PROPERTIES = {
    "resolver_on_mutants": _resolver_on_mutants,
    "resolver_on_text": _resolver_on_text,
    "engine_on_mutants": _engine_on_mutants,
    "rewriter_on_mutants": _rewriter_on_mutants,
    "rewriter_on_text": _rewriter_on_text,
    "options": _options,
}


@pytest.mark.parametrize("name", sorted(PROPERTIES))
def test_never_another_exception(name: str) -> None:
    PROPERTIES[name](SHORT)()


@FUZZ
@pytest.mark.fuzz
@pytest.mark.parametrize("name", sorted(PROPERTIES))
def test_never_another_exception_long_run(name: str) -> None:
    PROPERTIES[name](LONG)()


def test_mutants_reach_the_interesting_paths() -> None:
    """The generator makes both readable configs and every kind of refusal, so the properties
    above exercise more than the first error a parser meets."""
    outcomes: set[str] = set()

    @settings(_settings(300), derandomize=True)  # the same 300 inputs on every run
    @given(mutants())
    def sample(mutant: tuple[str, bytes]) -> None:
        path = _write(*mutant)
        try:
            resolve(str(path))
            outcomes.add("resolved")
        except QatfixError as exc:
            outcomes.add(exc.message.split(":")[0].split(" ")[0])
        finally:
            path.unlink()

    sample()
    assert "resolved" in outcomes
    assert len(outcomes) >= 5, outcomes


def test_inputs_the_long_run_once_failed_on() -> None:
    """Replayed on every run: a key set under a bare `-` item, and a section with a null key
    (`&feature_maps: [3, 4, 5]` anchors an empty key) whose canonical JSON could not be sorted."""
    rewriter_property(b"-", (0, "epoch"), None)
    assert set_value("-", (0, "epoch"), 5).new_text == "-\n  epoch: 5"
    config = (EXAMPLE / EXAMPLE_CONFIG).read_bytes()
    assert b"  feature_maps:" in config
    engine_property(str(Path(EXAMPLE_CONFIG).parent),
                    config.replace(b"  feature_maps:", b"  &feature_maps:"))
