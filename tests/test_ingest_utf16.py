"""rasd.ingest.decode: BOM-less UTF-16 text is named as such (with the iconv fix), and
bytes that only look a little like it (NULs at both byte positions, an odd length, a
stray NUL in UTF-8, small integers, too few characters) are called binary."""

from __future__ import annotations

import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rasd.ingest import read_stdin_bytes
from rasd.records import IngestProblem

REPORT = "Security forces arrested a suspected militant commander in Kirkuk on Monday."
ARABIC = "اعتقلت قوات الأمن قائدا مسلحا في كركوك يوم الاثنين، وقال مصدر أمني إن 3 جنود قتلوا."
RUSSIAN = "Силы безопасности задержали командира боевиков в Киркуке в понедельник."
CODECS = {"utf-16-le": "UTF-16LE", "utf-16-be": "UTF-16BE"}


def message_of(data: bytes) -> str:
    """The one problem that ``data`` on standard input gives."""
    records = list(read_stdin_bytes(data))
    assert len(records) == 1 and isinstance(records[0], IngestProblem), records
    return records[0].message


def assert_named(data: bytes, name: str) -> None:
    message = message_of(data)
    assert f"is {name} text without a byte-order mark" in message, message
    assert "binary" not in message


def assert_binary(data: bytes) -> None:
    message = message_of(data)
    assert "binary" in message and "UTF-16" not in message, message


@pytest.mark.parametrize("codec", sorted(CODECS))
@pytest.mark.parametrize(
    "text",
    [
        REPORT,
        ARABIC,  # NULs only at spaces, digits and punctuation
        RUSSIAN,
        "\u200f" + ARABIC,  # a right-to-left mark (a format character) is text
        "Kirkuk\r\nMonday\tthree killed\f(page 2)",  # whitespace of every kind
        "a b c d e f g h i",  # 17 characters (16 code units are needed)
        REPORT * 200,  # longer than the 8 KiB sample
        "\U00020001 " * 2000 + REPORT,  # a surrogate pair cut at the sample's end
    ],
    ids=["english", "arabic", "russian", "rlm", "whitespace", "short", "long", "pairs"],
)
def test_ingest_utf16_text_is_named(codec: str, text: str) -> None:
    assert_named(text.encode(codec), CODECS[codec])


@pytest.mark.parametrize(
    "data",
    [
        b"\x00\x01binary\x00",  # odd length
        "a b c d e f g h".encode("utf-16-le"),  # 15 code units: too short to tell
        b"\x00\x01binary\x00\x00" * 4,  # NULs at both positions
        REPORT.encode("utf-16-le")[:-1],  # odd length: a cut code unit
        REPORT.encode("utf-16-le") + b"\x00\x00",  # a NUL character
        REPORT.encode("utf-16-le").replace(b"e\x00", b"\x07\x00"),  # control characters
        ("Hello world, this is a report. " * 3).encode() + b"\x00x",  # UTF-8, stray NUL
        "nospacesbetweenthewordsatall".encode("utf-16-le"),  # words need separating
        struct.pack("<64H", *range(64)),  # small integers (little-endian)
        struct.pack(">64H", *range(1000, 1064)),  # big-endian
        bytes(range(256)),
        b"\x00" * 100,
    ],
    ids=[
        "odd-length",
        "too-short",
        "both-positions",
        "cut-unit",
        "nul-char",
        "controls",
        "utf8-stray-nul",
        "no-spaces",
        "ints-le",
        "ints-be",
        "all-bytes",
        "all-nul",
    ],
)
def test_ingest_utf16_lookalike_is_binary(data: bytes) -> None:
    assert_binary(data)


_WORD = st.text(
    st.characters(
        categories=("Lu", "Ll", "Lo"),
        max_codepoint=0xFFFF,
        exclude_characters="".join(chr(c) for c in range(0, 0x10000, 0x100)),
    ),
    min_size=1,
    max_size=5,
)


@given(words=st.lists(_WORD, min_size=9, max_size=60), codec=st.sampled_from(sorted(CODECS)))
def test_ingest_utf16_any_words_are_named(words: list[str], codec: str) -> None:
    """Words of letters of any script (none at U+xx00, whose low byte is a NUL) separated
    by spaces: at least 17 characters, a tenth of them spaces."""
    assert_named(" ".join(words).encode(codec), CODECS[codec])


@st.composite
def mixed_nuls(draw: st.DrawFn) -> bytes:
    """Random bytes with NULs at both byte positions, at least 3% of the pairs at each."""
    boms = (b"\xff\xfe", b"\xfe\xff")  # a byte-order mark is UTF-16 with a BOM
    data = bytearray(draw(st.binary(min_size=2, max_size=400).filter(lambda d: d[:2] not in boms)))
    pairs = max(1, len(data) // 2)
    for parity in (0, 1):
        positions = range(parity, len(data), 2)
        count = max(1, -(-3 * pairs // 100))
        chosen = draw(st.lists(st.sampled_from(positions), min_size=count, unique=True))
        for i in chosen:
            data[i] = 0
    return bytes(data)


@given(data=mixed_nuls())
def test_ingest_utf16_random_bytes_with_nuls_at_mixed_positions_are_binary(data: bytes) -> None:
    assert_binary(data)
