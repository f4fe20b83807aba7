"""rasd's own training corpus: its record schema, loader and annotation tool.

The corpus itself lives in ``corpus/`` at the repository root (written by rasd's
contributors, Apache-2.0); see ``corpus/README.md``.
"""
