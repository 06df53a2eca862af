"""Surgical YAML edits: splice new text into the original, leave every other byte alone.

Documents are never dumped. `tree` parses a text into nodes that know their character spans
(`lexical` holds the character facts the parser does not give), `locate` finds the node a key path
names, `primitives` computes an edit's splices and checks that the text reads back as intended
(`values`: key paths, values written as YAML, reading back), `plan` turns a rule's typed changes
into whole-line `TextEdit`s, `apply` applies those in memory and writes files atomically, and
`diff` shows them as `git diff` does.
"""
