"""Knowledge across reports: one event from many sources, persons resolved across
reports, analyst corrections that survive re-extraction, profiles.

Modules: ``names`` (name keys), ``similarity`` (is this pair one incident, and why),
``dedup`` (candidate blocking, constrained clustering), ``persons`` (entity
resolution), ``corrections`` (validate and apply), ``write`` (the one write path:
extraction -> corrections -> store -> links), ``reprocess`` and ``profiles``.
"""
