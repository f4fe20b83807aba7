"""Read report files into ``Document`` records.

Every reader yields ``Document`` or ``IngestProblem`` records and never raises for
one bad file or line: the batch goes on and the caller reports the problems.

Formats (by extension, case-insensitive; ``.gz`` may follow ``.txt`` and ``.jsonl``):

``.txt``
    The report text, UTF-8. An optional header block at the top (see
    :func:`rasd.pipeline.normalise.split_header`)::

        date 2023-09-27
        title: Arrests in Kirkuk
        url: https://example.org/a
        source: Iraqi News Agency

    Each line is optional and they may come in any order. The ``date`` line may
    carry the start of the body after the date (``date 2023-09-27 These
    operations ...``). A ``date`` line that does not parse is a problem for the
    file; a missing one is allowed (later stages warn about relative dates).
``.html`` / ``.htm``
    Main text, title, date and canonical URL extracted with trafilatura.
``.jsonl``
    One report per line: ``{"text": ..., "published_at": "2023-09-27",
    "url": ..., "title": ..., "source": ..., "language": "en"}``. Only ``text``
    is required; ``date`` is accepted for ``published_at``. A bad line is a
    problem naming the file and line; the other lines go on.
directories
    Read recursively in sorted order, hidden files and folders skipped.

Only regular files are read (a FIFO, a device or a symbolic link to one is a
problem, never read), and at most ``max_file_mb`` + 1 byte of each (after
decompression for ``.gz``), so the cap holds even for a file that lies about or
changes its size. A report longer than :data:`MAX_CHARS` characters, a line with
a lone surrogate escape, and a publication date outside
:data:`EARLIEST_DATE`..:data:`LATEST_DATE` are problems too.

``Document.source`` is the ``source`` header/field when given, else the file path
(``path:line`` for JSONL lines). Ids are content hashes of the normalised text.
"""

from __future__ import annotations

import codecs
import gzip
import json
import os
import stat
import unicodedata
import zlib
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any, Literal

from rasd.config import InputConfig
from rasd.pipeline.normalise import normalise_text, parse_date, split_header
from rasd.records import Document, IngestProblem
from rasd.store.textcheck import FIX as NUL_FIX
from rasd.store.textcheck import nul_fields

IngestRecord = Document | IngestProblem
Format = Literal["txt", "html", "jsonl"]

_FORMATS: dict[str, Format] = {
    ".txt": "txt",
    ".text": "txt",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
_GZIP_OK = {".txt", ".text", ".jsonl", ".ndjson", ".html", ".htm"}
_CONVERT = "convert it to .txt, .html or .jsonl (UTF-8)"
_DATE_FIX = "write the first line as `date YYYY-MM-DD` (e.g. `date 2023-09-27`)"
_PAIR_FIX = "fix the escaping: \\uD800-\\uDFFF escapes must come in pairs (high, then low)"
MAX_CHARS = 1_000_000  # one report's text, in characters (spaCy's default max_length)
EARLIEST_DATE = date(1800, 1, 1)  # publication dates outside these are typos
LATEST_DATE = date(2200, 12, 31)


class _Bad(Exception):
    """Internal: one file or line cannot be used. Turned into an IngestProblem."""

    def __init__(self, message: str, fix: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix
        self.line = line

    def problem(self, source: str) -> IngestProblem:
        return IngestProblem(source=source, line=self.line, message=self.message, fix=self.fix)


# --------------------------------------------------------------------------- public API


def read_paths(
    paths: Sequence[Path | str], config: InputConfig | None = None
) -> Iterator[IngestRecord]:
    """Read files and directories in the order given (directories sorted, recursively)."""
    config = config or InputConfig()
    for path in paths:
        yield from read_path(Path(path), config)


def read_path(path: Path, config: InputConfig | None = None) -> Iterator[IngestRecord]:
    """Read one file, or every supported file under a directory."""
    config = config or InputConfig()
    if path.is_dir():
        # In a directory only supported files are reports; README.md, *.json... are not.
        children = [c for c in _walk(path) if file_format(c)[0] is not None]
        if not children:
            yield IngestProblem(
                source=str(path),
                message="contains no .txt, .html, .htm or .jsonl files (or their .gz)",
                fix="point at the folder that holds the reports",
            )
        for child in children:
            yield from _read_file(child, config)
    elif path.exists() or path.is_symlink():  # a dangling link is reported as one
        yield from _read_file(path, config)
    else:
        yield IngestProblem(
            source=str(path),
            message="does not exist",
            fix="check the path (and the working directory)",
        )


def read_stdin_text(
    text: str,
    config: InputConfig | None = None,
    *,
    source: str = "<stdin>",
    fmt: Format = "txt",
    published_at: date | None = None,
) -> Iterator[IngestRecord]:
    """Read text already in memory (standard input, an upload) as ``fmt``.

    ``published_at``, when given, is the publication date of every document read,
    overriding a ``date`` header line or field (an explicit option wins).
    """
    config = config or InputConfig()
    size = len(text.encode("utf-8", "surrogatepass"))
    try:
        _check_size(size, config)
        if not text.strip():
            raise _Bad("is empty", "pass the report text (or a file path)")
        if published_at is not None:
            _check_date(published_at, None)
        for record in _parse(text, fmt, source, config):
            if published_at is not None and isinstance(record, Document):
                record = record.model_copy(update={"published_at": published_at})
            yield record
    except _Bad as bad:
        yield bad.problem(source)


def read_stdin_bytes(
    data: bytes,
    config: InputConfig | None = None,
    *,
    source: str = "<stdin>",
    fmt: Format = "txt",
    published_at: date | None = None,
) -> Iterator[IngestRecord]:
    """:func:`read_stdin_text` for raw bytes (at most the cap + 1 of them): not UTF-8,
    binary or too large is a problem naming ``source``, never an exception."""
    config = config or InputConfig()
    try:
        _check_size(len(data), config)
        text = decode(data)
    except _Bad as bad:
        yield bad.problem(source)
        return
    yield from read_stdin_text(text, config, source=source, fmt=fmt, published_at=published_at)


def limit_bytes(config: InputConfig) -> int:
    """The most bytes one file (or stdin, or a JSONL line) may have."""
    return int(config.max_file_mb * 1024 * 1024)


# --------------------------------------------------------------------------- files


def _walk(root: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith("."):
                yield Path(dirpath) / name


def file_format(path: Path) -> tuple[Format | None, bool]:
    """The format of a file from its extension, and whether it is gzipped."""
    suffixes = [s.lower() for s in path.suffixes]
    gzipped = bool(suffixes) and suffixes[-1] == ".gz"
    if gzipped:
        suffixes = suffixes[:-1]
    ext = suffixes[-1] if suffixes else ""
    if gzipped and ext not in _GZIP_OK:
        return None, True
    return _FORMATS.get(ext), gzipped


def _read_file(path: Path, config: InputConfig) -> Iterator[IngestRecord]:
    source = str(path)
    fmt, gzipped = file_format(path)
    try:
        if fmt is None:
            raise _Bad(f"unsupported file type {_ext_label(path)}", _CONVERT)
        text = _read_text(path, gzipped, config)
        yield from _parse(text, fmt, source, config)
    except _Bad as bad:
        yield bad.problem(source)


def _ext_label(path: Path) -> str:
    ext = "".join(path.suffixes[-2:]) if path.suffix.lower() == ".gz" else path.suffix
    return ext or "(no extension)"


_SIZE_FIX = (
    "split it into smaller files (one report per file or per JSONL line), "
    "or raise max_file_mb in the [input] table of the pipeline config"
)


def _check_size(size: int, config: InputConfig) -> None:
    _check_limit(size, limit_bytes(config))


def _check_limit(size: int, limit: int) -> None:
    if size > limit:
        raise _Bad(f"is {_human(size)}, larger than the {_human_mb(limit)} limit", _SIZE_FIX)


def _human(size: int) -> str:
    return f"{size / 1048576:.1f} MB" if size >= 1048576 else f"{size / 1024:.1f} KB"


def _human_mb(limit: int) -> str:
    return f"{limit / 1048576:g} MB"


def _read_text(path: Path, gzipped: bool, config: InputConfig) -> str:
    """The decoded text of a file: at most the limit + 1 byte is ever read."""
    data = read_capped(path, limit_bytes(config), gzipped)
    if not data.strip():
        raise _Bad("is empty", "remove it, or put the report text in it")
    return decode(data)


def read_capped(path: Path, limit: int, gzipped: bool = False) -> bytes:
    """The bytes of a regular file (decompressed when ``gzipped``), never more than
    ``limit``: _Bad when it is larger, not a regular file, a dangling link or unreadable."""
    fh = os.fdopen(open_regular(path), "rb")
    with fh:
        if not gzipped:
            _check_limit(os.fstat(fh.fileno()).st_size, limit)
            data = fh.read(limit + 1)
            _check_limit(len(data), limit)  # it grew, or lied about its size
            return data
        return _read_gzip(fh, limit, os.fstat(fh.fileno()).st_size)


def _read_gzip(fh: Any, limit: int, compressed: int) -> bytes:
    try:
        with gzip.GzipFile(fileobj=fh, mode="rb") as gz:
            data = gz.read(limit + 1)
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise _Bad(f"is not a valid gzip file ({exc})", "re-compress it with `gzip`") from exc
    if len(data) > limit:
        raise _Bad(
            f"expands past the {_human_mb(limit)} limit when decompressed "
            f"(it is {_human(compressed)} compressed)",
            _SIZE_FIX,
        )
    return data


def open_regular(path: Path) -> int:
    """A read-only descriptor of ``path`` if it is a regular file (links followed);
    _Bad naming what it is otherwise. FIFOs and devices are never opened."""
    try:
        kind = _not_regular(os.stat(path).st_mode)
        if kind is None:
            fd = os.open(
                path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
            )
            kind = _not_regular(os.fstat(fd).st_mode)  # it was swapped after the stat
            if kind is None:
                return fd
            os.close(fd)
    except FileNotFoundError as exc:
        raise _missing(path) from exc
    except PermissionError as exc:
        raise _Bad(
            "cannot be read (permission denied)",
            "check the file's permissions (`ls -l`), or run as a user who may read it",
        ) from exc
    except OSError as exc:
        raise _Bad(
            f"cannot be read ({exc.strerror or exc})", "check the file and its disk"
        ) from exc
    raise _Bad(
        f"is not a regular file (it is a {kind}); it was not read",
        "give a regular file: save the report to a .txt, .html or .jsonl file",
    )


def _not_regular(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    kinds = {
        stat.S_ISFIFO: "FIFO (named pipe)",
        stat.S_ISCHR: "character device",
        stat.S_ISBLK: "block device",
        stat.S_ISSOCK: "socket",
        stat.S_ISDIR: "directory",
    }
    return next((name for test, name in kinds.items() if test(mode)), "special file")


def _missing(path: Path) -> _Bad:
    if path.is_symlink():
        target = os.readlink(path)
        return _Bad(
            f"is a dangling symbolic link: its target {target} does not exist",
            f"restore {target}, or remove the link (or point it at the report)",
        )
    return _Bad("does not exist", "check the path (and the working directory)")


def decode(data: bytes) -> str:
    """UTF-8 text from bytes, or a clear problem: binary, UTF-16 or another encoding.

    Strict on purpose: text in another encoding is not guessed at, because a wrong
    guess silently corrupts names and changes document ids.
    """
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise _Bad("is UTF-16 text, not UTF-8", "convert it: `iconv -f UTF-16 -t UTF-8 FILE > NEW`")
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        raise _Bad(
            f"is {utf16} text without a byte-order mark, not UTF-8",
            f"convert it: `iconv -f {utf16} -t UTF-8 FILE > NEW`",
        )
    if b"\x00" in data:
        raise _Bad(
            "is a binary file (it contains NUL bytes), not text",
            "give the report as .txt, .html or .jsonl",
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _not_utf8(data, exc) from exc


_UTF16_SAMPLE = 8192  # bytes looked at (even)
_UTF16_MIN_UNITS = 16  # shorter than this, NUL-holding bytes are not called text
_UTF16_NUL_SHARE = 0.10  # of the code units: a space, digit or Latin letter each
_UTF16_STRAY_SHARE = 0.02  # NULs allowed at the other position (U+0100, U+4E00...)
_UTF16_WORDY_SHARE = 0.60  # letters, marks, digits and whitespace, of the characters
_UTF16_SPACE_SHARE = 0.03  # whitespace, of the characters (words are separated)
_UTF16_BAD_SHARE = 0.01  # control, unassigned and private-use characters
_SPACES = frozenset("\t\n\r\f\v")


def _utf16_without_bom(data: bytes) -> str | None:
    """The codec name ("UTF-16LE" or "UTF-16BE") when ``data`` is BOM-less UTF-16 text.

    All must hold: an even length of at least 16 code units; NULs at the high byte of
    at least a tenth of the units (spaces, digits and Latin letters have one, in any
    script's text) and almost never at the other byte; and the sample decodes
    strictly to text with no NUL character, mostly letters, digits and whitespace,
    with whitespace between words and (almost) no control, unassigned or private-use
    character. UTF-8 text with a stray NUL, odd lengths, arrays of small integers and
    random bytes fail one of these, and stay "binary".
    """
    sample = data[:_UTF16_SAMPLE]
    units = len(sample) // 2
    if len(data) % 2 or units < _UTF16_MIN_UNITS:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    for codec, high, low in (("UTF-16LE", odd, even), ("UTF-16BE", even, odd)):
        if high >= _UTF16_NUL_SHARE * units and low <= _UTF16_STRAY_SHARE * units:
            return codec if _reads_as_text(sample, codec, whole=len(sample) == len(data)) else None
    return None


def _reads_as_text(sample: bytes, codec: str, *, whole: bool) -> bool:
    """``sample`` decodes strictly as ``codec`` to mostly words and whitespace (a cut
    surrogate pair at the end of a partial sample is left for the next bytes)."""
    try:
        text = codecs.getincrementaldecoder(codec)("strict").decode(sample, final=whole)
    except UnicodeDecodeError:
        return False
    if not text or "\x00" in text:
        return False
    spaces = sum(_is_space(ch) for ch in text)
    wordy = spaces + sum(ch.isalnum() or _is_mark(ch) for ch in text)
    bad = sum(_is_bad_char(ch) for ch in text)
    return (
        spaces >= max(1.0, _UTF16_SPACE_SHARE * len(text))
        and wordy >= _UTF16_WORDY_SHARE * len(text)
        and bad <= _UTF16_BAD_SHARE * len(text)
    )


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch)[0] == "M"


def _is_space(ch: str) -> bool:
    return ch in _SPACES or unicodedata.category(ch) in ("Zs", "Zl", "Zp")


def _is_bad_char(ch: str) -> bool:
    """Not in text: a control character other than whitespace, an unassigned code point,
    a private-use one (a format character such as U+200F RLM is fine)."""
    category = unicodedata.category(ch)
    return (category == "Cc" and ch not in _SPACES) or category in ("Cn", "Co")


def _not_utf8(data: bytes, exc: UnicodeDecodeError) -> _Bad:
    where = f"byte {exc.start}"
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = ""
    printable = sum(ch.isprintable() or ch in "\n\r\t" for ch in text)
    if text and printable >= 0.95 * len(text):
        return _Bad(
            f"is not UTF-8 (invalid at {where}); it looks like Windows-1252/Latin-1 text",
            "convert it: `iconv -f WINDOWS-1252 -t UTF-8 FILE > NEW` "
            "(or `-f ISO-8859-1` if it is Latin-1)",
        )
    return _Bad(
        f"is not UTF-8 text (invalid at {where}); it may be binary or another encoding",
        "convert it to UTF-8, e.g. `iconv -f ENCODING -t UTF-8 FILE > NEW`",
    )


# --------------------------------------------------------------------------- formats


def _parse(text: str, fmt: Format, source: str, config: InputConfig) -> Iterator[IngestRecord]:
    if fmt == "jsonl":
        yield from _parse_jsonl(text, source, config)
    elif fmt == "html":
        yield _parse_html(text, source, config)
    else:
        yield _parse_txt(text, source, config)


def _parse_txt(text: str, source: str, config: InputConfig) -> Document:
    head = split_header(normalise_text(text))
    if head.bad_date is not None:
        raise _Bad(f"has a date line with an unreadable date {head.bad_date!r}", _DATE_FIX, line=1)
    return _document(
        head.body,
        config,
        source=head.source or source,
        url=head.url,
        title=head.title,
        published_at=head.published_at,
    )


def _document(text: str, config: InputConfig, line: int | None = None, **fields: Any) -> Document:
    text = normalise_text(text)
    if not text:
        raise _Bad("has no report text", "put the report text in it", line=line)
    _check_unicode(text, "text", line)
    if len(text) > MAX_CHARS:
        raise _Bad(
            f"has {len(text):,} characters of text, more than the {MAX_CHARS:,} one report may have",
            "split it into several reports (e.g. one per section or day), "
            "or use `rasd batch` on a JSONL file with one report per line",
            line=line,
        )
    if fields.get("published_at") is not None:
        _check_date(fields["published_at"], line)
    if len(text) < config.min_chars:
        raise _Bad(
            f"has only {len(text)} characters of text, fewer than the minimum {config.min_chars}",
            "check it is a complete report, or lower [input] min_chars in the pipeline config",
            line=line,
        )
    document = Document.from_text(text, **fields)
    holding = nul_fields(document)
    if holding:
        raise _Bad(f"has a NUL character in {', '.join(holding)}", NUL_FIX, line=line)
    return document


def _check_unicode(value: str, key: str, line: int | None) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        bad = ascii(value[exc.start])[1:-1]
        raise _Bad(
            f'has a lone surrogate {bad} in "{key}" at character {exc.start}, '
            "which is not valid Unicode",
            _PAIR_FIX,
            line=line,
        ) from None


def _check_date(value: date, line: int | None) -> None:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise _Bad(
            f"has the publication date {value.isoformat()}, outside "
            f"{EARLIEST_DATE.year}-{LATEST_DATE.year}",
            "write the real publication date as YYYY-MM-DD, or leave it out",
            line=line,
        )


def _parse_jsonl(text: str, source: str, config: InputConfig) -> Iterator[IngestRecord]:
    seen = False
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        seen = True
        try:
            yield _jsonl_line(line, number, source, config)
        except _Bad as bad:
            yield bad.problem(source)
    if not seen:
        raise _Bad("is empty", 'write one JSON object per line with a "text" field')


def _jsonl_line(line: str, number: int, source: str, config: InputConfig) -> Document:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise _Bad(
            f"is not valid JSON ({exc.msg}; column {exc.colno})",
            "write one complete JSON object per line",
            line=number,
        ) from exc
    except RecursionError:
        raise _Bad(
            "is JSON nested too deeply to read",
            'write one flat JSON object per line: {"text": ..., "published_at": ...}',
            line=number,
        ) from None
    if not isinstance(obj, dict):
        kind = type(obj).__name__
        raise _Bad(f"is a JSON {kind}, not an object", 'write {"text": ...}', line=number)
    body = obj.get("text")
    if not isinstance(body, str) or not body.strip():
        raise _Bad(
            'has no "text" field (a non-empty string)', 'add "text": "<the report>"', line=number
        )
    return _document(
        body,
        config,
        line=number,
        source=_str_field(obj, "source", number) or f"{source}:{number}",
        url=_str_field(obj, "url", number),
        title=_str_field(obj, "title", number),
        published_at=_jsonl_date(obj, number),
        language=_str_field(obj, "language", number) or "en",
    )


def _str_field(obj: dict[str, Any], key: str, number: int) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _Bad(
            f'has a non-string "{key}" ({value!r:.80})', f'write "{key}" as a string', line=number
        )
    _check_unicode(value, key, number)
    return value.strip() or None


def _jsonl_date(obj: dict[str, Any], number: int) -> date | None:
    key = "published_at" if "published_at" in obj else "date"
    value = _str_field(obj, key, number)
    if value is None:
        return None
    parsed = parse_date(value)
    if parsed is None:
        raise _Bad(
            f'has an unreadable "{key}" {value!r}',
            f'write "{key}" as "YYYY-MM-DD" or an ISO 8601 date-time',
            line=number,
        )
    return parsed


def _parse_html(text: str, source: str, config: InputConfig) -> Document:
    import trafilatura

    extracted = trafilatura.bare_extraction(
        text,
        with_metadata=True,
        include_comments=False,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if extracted is not None and not isinstance(extracted, dict):
        extracted = extracted.as_dict()
    result: dict[str, Any] = extracted or {}
    body = result.get("text") or ""
    if not body.strip():
        raise _Bad(
            "has no extractable article text",
            "check it is an article page (not a script-rendered or empty page); "
            "or save the article text as .txt",
        )
    published = result.get("date")
    return _document(
        body,
        config,
        source=source,
        url=result.get("url") or None,
        title=result.get("title") or None,
        published_at=parse_date(published) if published else None,
    )
