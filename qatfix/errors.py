"""The one error hierarchy of qatfix.

Library code raises these; only the CLI maps them to exit codes and prints them,
as one line, never a traceback.
"""
from __future__ import annotations


class QatfixError(Exception):
    """Base of every error qatfix reports to the user (exit code 2 in the CLI)."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.column = column

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = self.path
            if self.line:
                where += f":{self.line}"
                if self.column:
                    where += f":{self.column}"
            where += ": "
        return f"{where}{self.message}"


class UsageError(QatfixError):
    """The command line itself is wrong."""


class ConfigError(QatfixError):
    """A config file cannot be read as ppdet would read it (missing, cycle, syntax, ...)."""


class RefusedInputError(ConfigError):
    """A file that would run code if read the way its tool reads it: a YAML Python object tag
    (PyYAML's `Loader`, as ppdet reads configs) or a pickle naming callables (a `.pdparams`
    that is no plain state dict). qatfix refuses it and never hands it to that tool."""


class EditError(QatfixError):
    """A fix cannot be written safely (file changed, not writable, verification failed)."""


class RegistryError(QatfixError):
    """The weights registry is missing, invalid, or cannot be built."""


#: what to do when paddle or ppdet cannot be imported (qatfix is installed from its clone)
PADDLE_TODO = ('install paddlepaddle and paddledet: python -m pip install -e ".[paddle]" in '
               "the qatfix clone (or run from a PaddleDetection checkout of the configs' version)")


class DeepCheckError(QatfixError):
    """The paddle-backed checks cannot run (extra not installed, model cannot be built, ...)."""

    def __init__(self, message: str, *, todo: str | None = None, path: str | None = None,
                 line: int | None = None, column: int | None = None) -> None:
        super().__init__(message, path=path, line=line, column=column)
        #: what to do about it, when the code raising it knows (the report says it after the
        #: message); None lets the report tell from the message
        self.todo = todo


class NetworkError(QatfixError):
    """A download or API call failed."""
