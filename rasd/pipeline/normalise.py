"""Stage 'normalise': one canonical form of the report text, and the header block.

``normalise_text`` is the single definition of "normalised text" used by ingest
(``rasd.ingest``) and by this stage, so a document's id (the content hash of the
normalised text) is the same however the text arrived. It changes as few
characters as it can: curly quotes, dashes and non-Latin letters are kept.

``split_header`` reads the optional header block at the top of a plain-text report::

    date 2023-09-27            (or "date: 2023-09-27"; the body may go on on the same line)
    title: Arrests in Kirkuk
    url: https://example.org/a
    source: Iraqi News Agency

Header lines may come in any order, before the body. Only ``date`` may share its
line with the body text (as in reports exported one per line).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

from rasd.config import PipelineConfig
from rasd.pipeline.base import Backends, register
from rasd.pipeline.doc import Doc
from rasd.records import Document

# Characters that end a line in Python's str.splitlines(), mapped to "\n".
_LINE_BREAKS = {c: "\n" for c in "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"}
# Invisible format characters: BOM, zero-width space/joiners, word joiner, soft
# hyphen, bidi marks and embeddings. Removed.
_INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060\u00ad\u200e\u200f\u061c" + "".join(
    map(chr, [*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
)
# Unicode space separators (no-break, en/em, thin, ideographic...) -> " ".
_SPACES = "\u00a0\u1680\u202f\u205f\u3000" + "".join(map(chr, range(0x2000, 0x200B)))


def _table() -> dict[int, str | None]:
    table: dict[int, str | None] = {ord(c): None for c in _INVISIBLE}
    table.update({ord(c): " " for c in _SPACES})
    for code in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)]:
        if chr(code) not in "\n\t":
            table[code] = None  # other C0/C1 control characters
    table.update({ord(c): r for c, r in _LINE_BREAKS.items()})
    return table


_TRANSLATE = _table()
_SPACE_RUN = re.compile(r" {2,}")
_TRAILING = re.compile(r"[ \t]+\n")


def normalise_text(text: str) -> str:
    """Canonical text: NFC, ``\\n`` line ends, no BOM/zero-width/control characters
    (``\\n`` and ``\\t`` kept), Unicode spaces as ``" "``, runs of spaces collapsed,
    no trailing spaces on lines, no leading/trailing whitespace. Idempotent."""
    text = text.replace("\r\n", "\n").translate(_TRANSLATE)
    text = unicodedata.normalize("NFC", text)
    text = _SPACE_RUN.sub(" ", text)
    text = _TRAILING.sub("\n", text)
    return text.strip()


# --------------------------------------------------------------------------- header

_DATE_LINE = re.compile(
    r"[ \t]*date(?:[ \t]*:[ \t]*|[ \t]+)(?P<value>\d\S*)[ \t]*(?P<rest>.*)", re.I
)
_FIELD_LINE = re.compile(
    r"[ \t]*(?P<key>title|url|source)[ \t]*:[ \t]*(?P<value>.*\S)?[ \t]*", re.I
)


@dataclass
class Header:
    """The header block of a plain-text report and the body after it."""

    body: str
    published_at: date | None = None
    title: str | None = None
    url: str | None = None
    source: str | None = None
    bad_date: str | None = None  # the value of a ``date`` line that does not parse
    fields: list[str] = field(default_factory=list)  # header keys seen, in order


def parse_date(value: str) -> date | None:
    """``YYYY-MM-DD`` or an ISO 8601 date-time (``2023-09-27T10:00:00Z``); else None."""
    value = value.strip()
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        return None


def split_header(text: str) -> Header:
    """Split the optional header block off a (normalised) plain-text report."""
    head = Header(body=text)
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip() and head.fields:
            i += 1
            continue
        m_date = _DATE_LINE.fullmatch(line) if "date" not in head.fields else None
        if m_date:
            head.fields.append("date")
            value = m_date["value"]
            head.published_at = parse_date(value)
            if head.published_at is None:
                head.bad_date = value
            if m_date["rest"]:
                lines[i] = m_date["rest"]
                break
            i += 1
            continue
        m_field = _FIELD_LINE.fullmatch(line)
        if m_field is None or m_field["key"].lower() in head.fields:
            break
        key = m_field["key"].lower()
        head.fields.append(key)
        setattr(head, key, m_field["value"] or None)
        i += 1
    if head.fields:
        head.body = normalise_text("\n".join(lines[i:]))
    return head


# --------------------------------------------------------------------------- stage


def renormalise(document: Document) -> Document:
    """The document with normalised text (and a new content id when it changed).

    A document without a publication date whose text starts with a header block
    that has a valid ``date`` line (raw text posted to the API, say) gets the header
    stripped and its fields filled in where the document has none. Having set the
    date, a second pass strips nothing: the stage is idempotent. Returns the same
    object when nothing changes.
    """
    text = normalise_text(document.text)
    if document.published_at is None:
        head = split_header(text)
        if head.published_at is not None and head.body:
            text = head.body
            document = document.model_copy(
                update={
                    "published_at": head.published_at,
                    "title": document.title or head.title,
                    "url": document.url or head.url,
                    "source": document.source or head.source or "",
                }
            )
    if text == document.text:
        return document
    return Document.from_text(
        text,
        source=document.source,
        url=document.url,
        title=document.title,
        published_at=document.published_at,
        language=document.language,
        org=document.org,
        tlp=document.tlp,
    )


@dataclass
class NormaliseStage:
    name: str = "normalise"
    requires: tuple[str, ...] = ("document",)
    assigns: tuple[str, ...] = ("document",)

    def load(self) -> None:
        pass

    def __call__(self, doc: Doc) -> Doc:
        doc.document = renormalise(doc.document)
        return doc


@register("normalise")
def make(config: PipelineConfig, backends: Backends) -> NormaliseStage:
    return NormaliseStage()
