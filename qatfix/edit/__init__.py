"""Surgical YAML edits: splice new text into the original, leave every other byte alone.

Documents are never dumped. Edits work on the positioned tree the loader parses every file into
(`qatfix.config.tree`, a file's cached parse reused while its text is unchanged): `locate` finds
the node a key path names, `primitives` computes an edit's splices and checks that the text reads
back as intended (`values`: key paths, values written as YAML, reading back), `plan` turns a
rule's typed changes into whole-line `TextEdit`s, `apply` applies those in memory and writes
files atomically, and `diff` shows them as `git diff` does.
"""
