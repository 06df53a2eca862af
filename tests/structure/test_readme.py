"""The README names paths of this repository and the commands that set it up: both must be true."""
from __future__ import annotations

import re
import shlex
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")

#: a path inside this repository: one of its top-level folders, then more of the path
_REPO_PATH = re.compile(r"(?<![\w/.\-])((?:qatfix|tests|registry|docs|examples|benchmarks|\.ci)"
                        r"/[\w./\-]*)")
#: paths the README names that running qatfix or its CI creates, so a fresh clone lacks them
MADE_WHEN_RUN = {".ci/venv": ".ci/run creates the virtual environment",
                 "registry/__pycache__/": "Python writes the registry's bytecode cache",
                 ".ci/wheels": "the set-up downloads the PaddleSlim wheels the tests read"}


def named_paths() -> list[str]:
    return sorted({m.group(1).rstrip(".,:;") for m in _REPO_PATH.finditer(README)})


def test_every_repository_path_the_readme_names_exists() -> None:
    paths = named_paths()
    assert "qatfix/model/matching.py" in paths and len(paths) > 20
    missing = [p for p in paths if p not in MADE_WHEN_RUN and not (ROOT / p).exists()]
    assert missing == []


def _paddleslim_install(text: str) -> list[str]:
    """The words of the `pip install --no-deps paddleslim...` command in `text`."""
    line = next(line for line in text.splitlines() if "--no-deps paddleslim" in line)
    command = line.split("&&")[1] if "&&" in line else line
    words = shlex.split(command.replace('"$venv/bin/python"', "python"))
    return [w for w in words if w != "--quiet"]


def test_the_readme_installs_what_ci_installs() -> None:
    """The README's test command and .ci/run install PaddleSlim with the same packages: the
    modules `import paddleslim` needs that `--no-deps` skips (zmq, decorator) included."""
    readme = _paddleslim_install(README)
    ci = _paddleslim_install((ROOT / ".ci" / "run").read_text(encoding="utf-8"))
    assert readme == ci
    packages = {w.split("==")[0] for w in readme if "==" in w}
    assert {"paddleslim", "pyzmq", "decorator"} <= packages
