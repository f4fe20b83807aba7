"""Place-name keys: one normalisation used by the index builder and by every lookup.

Two keys per name:

- ``strict_key``: Latin text is transliterated to ASCII (``Kirkūk`` -> ``kirkuk``),
  casefolded, apostrophes and ayn/hamza marks dropped (``Qal‘at`` -> ``qalat``),
  other punctuation (hyphens, dots, commas) turned into spaces. Arabic script is
  kept, with its diacritics, tatweel and letter variants (alef forms, ta marbuta,
  alef maqsura, Persian/Kurdish kaf and yeh) unified.
- ``loose_key``: the strict key without article tokens (``al``, ``ar``, ``as``, ``ad``,
  ``el``, ``the``...; the Arabic ``ال`` prefix), spaces removed, doubled letters
  collapsed and a final ``h`` after a vowel dropped. So ``Rutba``, ``Ar Rutbah``,
  ``Al-Rutba`` and ``al Rutba`` share the key ``rutba``; ``Salah al-Din`` and
  ``Salah ad Din`` share ``salahdin``.

The index stores loose keys; a lookup whose strict key equals one of a place's
strict names counts as an exact match (ranked above a loose-only match).

``split_designator`` separates an administrative designator from a name:
``"Anbar Governorate"`` -> ``("Anbar", "ADM1")``, ``"Rutba district"`` ->
``("Rutba", "ADM2")``, ``"city of Mosul"`` -> ``("Mosul", "PPL")``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from unidecode import unidecode

_ARABIC = re.compile(r"[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]")
_ARABIC_MARKS = re.compile(r"[\u064B-\u065F\u0670\u0640\u06D6-\u06ED]")
_ARABIC_LETTERS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ی": "ي",
        "ئ": "ي",
        "ة": "ه",
        "ە": "ه",
        "ؤ": "و",
        "ک": "ك",
        "،": " ",
    }
)
_SCHWA = str.maketrans({"ə": "a", "Ə": "A"})  # Azerbaijani; unidecode gives "@"
_APOSTROPHES = re.compile(r"['`\u2018\u2019\u02bb\u02bc\u02be\u02bf\u00b4]")
_NON_WORD = re.compile(r"[^\w]+")
_DOUBLED = re.compile(r"(.)\1+")
_DIGIT = re.compile(r"\d")

#: Article tokens dropped by the loose key (anywhere in the name: "Salah ad Din").
ARTICLES = frozenset(
    {"al", "el", "ar", "as", "ash", "ad", "adh", "an", "at", "ath", "az", "ul", "ud", "ez", "es",
     "ed", "esh", "et"}
)
#: Dropped only as the first token: "The Hague", "the Netherlands".
LEADING_ONLY = frozenset({"the"})

#: Trailing designators and the feature type they imply.
TRAILING: dict[str, str] = {
    "governorate": "ADM1",
    "governate": "ADM1",
    "province": "ADM1",
    "state": "ADM1",
    "oblast": "ADM1",
    "prefecture": "ADM1",
    "region": "ADM1",
    "district": "ADM2",
    "subdistrict": "ADM2",
    "sub district": "ADM2",
    "county": "ADM2",
    "parish": "ADM2",
    "municipality": "ADM2",
    "qada": "ADM2",
    "qadaa": "ADM2",
    "kaza": "ADM2",
    "nahiya": "ADM2",
    "nahiyah": "ADM2",
    "city": "PPL",
    "town": "PPL",
    "village": "PPL",
}
#: Leading designators ("city of X", "Qada' X", "Muhafazat X").
LEADING: dict[str, str] = {
    "governorate of": "ADM1",
    "province of": "ADM1",
    "state of": "ADM1",
    "region of": "ADM1",
    "muhafazat": "ADM1",
    "iqlim": "ADM1",
    "muhafazah": "ADM1",
    "provincia de": "ADM1",
    "provincia di": "ADM1",
    "estado de": "ADM1",
    "departamento de": "ADM1",
    "district of": "ADM2",
    "county of": "ADM2",
    "qada": "ADM2",
    "qadha": "ADM2",
    "qadaa": "ADM2",
    "qaza": "ADM2",
    "nahiyat": "ADM2",
    "shahrestan e": "ADM2",
    "city of": "PPL",
    "town of": "PPL",
    "village of": "PPL",
}
#: Arabic-script designators, dropped from Arabic names.
ARABIC_DESIGNATORS = {"محافظه": "ADM1", "قضاء": "ADM2", "ناحيه": "ADM2", "منطقه": "ADM2"}


def has_arabic(text: str) -> bool:
    return not text.isascii() and bool(_ARABIC.search(text))


def has_digit(text: str) -> bool:
    return bool(_DIGIT.search(text))


def usable_script(text: str) -> bool:
    """Whether a name is in Latin or Arabic script (other scripts are not indexed)."""
    if text.isascii():
        return True
    for ch in text:
        if ch.isascii() or _ARABIC.match(ch):
            continue
        if unicodedata.category(ch)[0] in "MPZS":
            continue
        if "LATIN" not in unicodedata.name(ch, ""):
            return False
    return True


def _fold_arabic(text: str) -> str:
    text = _ARABIC_MARKS.sub("", unicodedata.normalize("NFC", text)).translate(_ARABIC_LETTERS)
    return " ".join(_NON_WORD.sub(" ", text).split())


@lru_cache(maxsize=1 << 18)
def strict_key(text: str) -> str:
    """Casefolded ASCII (or unified Arabic) form with punctuation as single spaces."""
    if text.isascii():
        ascii_text = _APOSTROPHES.sub("", text)
    elif has_arabic(text):
        return _fold_arabic(text)
    else:
        ascii_text = _APOSTROPHES.sub("", unidecode(_APOSTROPHES.sub("", text.translate(_SCHWA))))
    return " ".join(_NON_WORD.sub(" ", ascii_text.casefold()).replace("_", " ").split())


def _drop_articles(tokens: list[str]) -> list[str]:
    if tokens and tokens[0] in LEADING_ONLY and len(tokens) > 1:
        tokens = tokens[1:]
    kept = [t for t in tokens if t not in ARTICLES]
    return kept or tokens


def _drop_arabic_article(token: str) -> str:
    return token[2:] if token.startswith("ال") and len(token) > 3 else token


@lru_cache(maxsize=1 << 18)
def loose_key(text: str) -> str:
    """The index key: strict key without articles and spaces, doubled letters collapsed."""
    strict = strict_key(text)
    if not strict:
        return ""
    if has_arabic(strict):
        return "".join(_drop_arabic_article(t) for t in strict.split())
    joined = "".join(_drop_articles(strict.split()))
    joined = _DOUBLED.sub(r"\1", joined)
    if len(joined) > 3 and joined.endswith("h") and joined[-2] in "aeiou":
        joined = joined[:-1]
    return joined


def split_designator(text: str) -> tuple[str, str | None]:
    """``(core, feature_hint)``; ``(text, None)`` when the name carries no designator.

    The core keeps the original spelling: ``"Anbar Governorate"`` -> ``("Anbar", "ADM1")``.
    """
    if has_arabic(text):
        words = text.split()
        for i, word in enumerate(words):
            hint = ARABIC_DESIGNATORS.get(_fold_arabic(word))
            if hint and len(words) > 1:
                return " ".join(words[:i] + words[i + 1 :]), hint
        return text, None
    words = text.split()
    lowered = [strict_key(w) for w in words]
    for n in (2, 1):
        if len(words) > n:
            tail = " ".join(w for w in lowered[-n:] if w)
            if tail in TRAILING:
                return _clean_edges(" ".join(words[:-n])), TRAILING[tail]
            head = " ".join(w for w in lowered[:n] if w)
            if head in LEADING:
                return _clean_edges(" ".join(words[n:])), LEADING[head]
    return text, None


def _clean_edges(text: str) -> str:
    return text.strip(" ,;:-–—'’\"")


def display_name(text: str) -> str:
    """A name without diacritics for display (``"Ar Ruţbah"`` -> ``"Ar Rutbah"``)."""
    if has_arabic(text):
        return text
    return " ".join(_APOSTROPHES.sub("'", unidecode(text.translate(_SCHWA))).split())
