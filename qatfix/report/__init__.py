"""Reporters: each format is one module with `render(findings, *, ...) -> str`.

`render(format_name, findings, **opts)` imports only the module asked for. Options by format:
text `color`; json `indent`; sarif `root`, `rules`, `information_uri`; github none; rdjson
`root`, `rules`, `sources`.
"""
from __future__ import annotations

import importlib
from collections.abc import Sequence

from qatfix.errors import UsageError
from qatfix.findings import Finding
from qatfix.report.color import want_color

#: format name -> module implementing it; "text" is the default
FORMATS: dict[str, str] = {
    "text": "qatfix.report.text",
    "json": "qatfix.report.json",
    "sarif": "qatfix.report.sarif",
    "github": "qatfix.report.github",
    "rdjson": "qatfix.report.rdjson",
}
DEFAULT_FORMAT = "text"

__all__ = ["DEFAULT_FORMAT", "FORMATS", "render", "want_color"]


def render(format_name: str, findings: Sequence[Finding], **opts: object) -> str:
    """Render `findings` in the named format; an unknown name is a usage error."""
    module_name = FORMATS.get(format_name)
    if module_name is None:
        choices = ", ".join(FORMATS)
        raise UsageError(f"unknown output format {format_name!r} (choose from {choices})")
    module = importlib.import_module(module_name)
    return str(module.render(findings, **opts))
