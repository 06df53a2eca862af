"""The result of one edit primitive: splices against the original text, and what they affect."""
from __future__ import annotations

from dataclasses import dataclass
from qatfix.edit.splice import Splice, apply_splices, text_edits
from qatfix.findings import TextEdit


@dataclass(frozen=True)
class Change:
    """`splices` index into `text` (BOM included). No splices means nothing needed changing.

    `shared_with` lists the 1-based lines of aliases that read the edited value too (an anchored
    value, or a value inside an anchored collection): a fix title should say so.
    """

    text: str
    splices: tuple[Splice, ...]
    line: int = 0
    anchors: tuple[str, ...] = ()
    shared_with: tuple[int, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.splices)

    @property
    def new_text(self) -> str:
        return apply_splices(self.text, self.splices)

    def text_edits(self, path: str) -> tuple[TextEdit, ...]:
        """Whole-line edits for `path`, ready for a `Fix`."""
        return text_edits(path, self.text, self.splices)

    def sharing_note(self) -> str:
        """E.g. "also changes *eval_size at lines 40, 52" (empty when nothing else sees it)."""
        if not self.shared_with:
            return ""
        names = ", ".join(f"*{a}" for a in self.anchors)
        lines = ", ".join(str(n) for n in self.shared_with)
        plural = "s" if len(self.shared_with) > 1 else ""
        return f"also changes {names} at line{plural} {lines}"
