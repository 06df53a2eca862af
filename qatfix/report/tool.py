"""How qatfix names itself in machine-readable reports (SARIF driver, rdjson source, JSON `tool`)."""
from __future__ import annotations

from qatfix import __version__

TOOL_NAME = "qatfix"
TOOL_VERSION = __version__
#: absolute URI where users learn about the tool; SARIF requires `informationUri` to be absolute
INFORMATION_URI = "https://pypi.org/project/qatfix/"
