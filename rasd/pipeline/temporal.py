"""Stage 'temporal': resolve date expressions against the publication date.

Each DATE/TIME mention (and weekday/relative phrases the NER model misses, found by
a regular expression) is resolved to ``DateMention(span, value, precision)`` with
ACLED ``time_precision``: 1 day, 2 week (or a part of a month), 3 month.

Rules (``P`` is the publication date):

- ``today``, ``this morning``, ``tonight`` -> P; ``yesterday``, ``last night`` ->
  P-1; ``the day before yesterday`` -> P-2; ``N days ago`` -> P-N (day);
  ``N weeks ago`` -> P-7N (week); ``N months ago`` -> P's day N months back (month).
- A weekday (``on Tuesday``, ``Monday night``) is the most recent such day on or
  before P: a weekday equal to P's weekday is P itself. ``last Tuesday`` is the
  most recent Tuesday strictly before P. ``next Tuesday`` is future: dropped.
  With ``prefer_past = false`` the nearest such day, past or future, is taken.
- ``this week`` / ``earlier this week`` / ``last week`` (weeks start on Monday)
  and ``the weekend`` (its Saturday) have week precision; the value is the middle
  of the week, never after P. ``this month`` / ``last month`` / ``September``
  have month precision and the middle of the month (never after P) as value;
  ``early``/``mid``/``late`` September are days 1-10/11-20/21-end, week precision.
- ``12 March``, ``March 12`` (no year): the latest such date not after P, unless
  it lies at most 60 days after P (then it is a future date and dropped).
- ``September`` (no year): the latest September not after P, unless it is one
  or two months after P's month (then future, dropped).
- Ranges (``12-14 March``, ``between 10 and 12 September``): the first day.
- Numeric ``a/b/yyyy`` (or ``a.b.yy``): when ``a > 12`` or ``b > 12`` only one
  reading is valid. When both are, day-first (the usual order in the
  international English-language press): ``12/03/2023`` is 12 March 2023, unless
  that is in the future and the month-first reading is not (``09/10/2023`` in a
  report of 27 September 2023 is 10 September). ISO ``2023-03-12`` is unambiguous.
- Two-digit years (numeric dates only) take the latest century not after P's
  year + 1.
- Durations and ages (``for two years``, ``30 years old``), times of day alone
  (``10 pm``), bare years, seasons, and vague ranges (``the past week``,
  ``recent days``) are not resolved. Dates more than one day after P are dropped.
- Without a publication date, relative expressions are not guessed: the stage
  adds a warning to ``doc.warnings`` with the fix, unless ``[temporal]
  missing_publication_date = "today"`` (then today is used, with a warning).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from rasd.config import PipelineConfig, TemporalConfig
from rasd.pipeline.base import Backends, register
from rasd.pipeline.doc import DateMention, Doc
from rasd.taxonomy import TimePrecision

if TYPE_CHECKING:
    from dateparser.date import DateDataParser

DAY, WEEK, MONTH = int(TimePrecision.DAY), int(TimePrecision.WEEK), int(TimePrecision.MONTH)
FUTURE_WINDOW_DAYS = 60  # a year-less date up to this far after P is read as future
FUTURE_WINDOW_MONTH_DAYS = 61  # the same for a year-less month (two months)

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTH_NAMES = [m.lower() for m in calendar.month_name[1:]]
MONTHS: dict[str, int] = {name: i for i, name in enumerate(_MONTH_NAMES, start=1)}
MONTHS.update({name[:3]: i for i, name in enumerate(_MONTH_NAMES, start=1)})
MONTHS["sept"] = 9
NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip

_MON = "|".join(sorted(MONTHS, key=len, reverse=True))
_WD = "|".join(WEEKDAYS)
_NUM = r"\d{1,3}|" + "|".join(NUMBERS)
_ORD = r"(?:st|nd|rd|th)?"
DATE_LABELS = frozenset({"DATE", "TIME"})

# ----------------------------------------------------------------------------- expressions


@dataclass(frozen=True)
class _Days:
    """P + offset days (today, yesterday, N days/weeks ago)."""

    offset: int
    precision: int = DAY


@dataclass(frozen=True)
class _Weekday:
    weekday: int  # Monday 0
    strict: bool = False  # "last Tuesday": strictly before P


@dataclass(frozen=True)
class _Week:
    offset: int  # 0 this week, -1 last week
    weekend: bool = False


@dataclass(frozen=True)
class _Month:
    month: int | None = None  # None: P's month + offset
    offset: int = 0
    year: int | None = None
    part: str | None = None  # early | mid | late
    same_day: bool = False  # "a month ago": P's day of that month


@dataclass(frozen=True)
class _Date:
    month: int
    day: int
    year: int | None = None
    alt: tuple[int, int] | None = None  # (month, day) of the month-first reading


@dataclass(frozen=True)
class _Fallback:
    """Left to dateparser."""

    text: str
    has_year: bool


_Expr = _Days | _Weekday | _Week | _Month | _Date | _Fallback

# ----------------------------------------------------------------------------- parsing

_TIME_OF_DAY = re.compile(
    r"\b\d{1,2}(?::\d{2})?\s*[ap]\.?m\b\.?|\b\d{1,2}:\d{2}\b|\(?local time\)?|"
    r"\b(?:(?:the\s+)?(?:early|late)\s+)?(?:hours\s+of|morning|afternoon|evening|night|"
    r"dawn|dusk|midnight|noon|midday)\b(?:\s+(?:of|on)\b)?"
)
_LEADING = re.compile(
    r"^(?:on|in|at|during|since|from|by|until|till|before|after|of|around|about|as of|over|"
    r"between)\s+"
)
_TODAY = re.compile(
    r"(?:earlier |early |late )?(?:today|tonight|this (?:morning|afternoon|evening|dawn))"
)
_YESTERDAY = re.compile(r"(?:late |early )?(?:yesterday(?: \w+)?|last night)")
_REJECT = re.compile(
    rf"^for\b|\b(?:old|aged?|long|lasting|year-old|years-old|next|coming|tomorrow|later|"
    rf"upcoming|recent|past (?:few|several|{_NUM})|last (?:few|several|{_NUM}))\b|"
    rf"\b(?:{_NUM}|few|several|many)\s+(?:days|weeks|months|years|decades|hours|minutes)\b"
    rf"(?!\s+ago)|^(?:(?:the\s+)?(?:past|previous|coming|last)\s+)?(?:year|decade|century)s?$"
)
_AGO = re.compile(rf"({_NUM}) (day|week|month)s? ago")
_WEEKDAY_EXPR = re.compile(
    rf"(?:the )?(?:(?:early|late) )?(?:(last|this past|past|this) )?({_WD})(?: (?:early|late))?"
)
_RELATIVE = re.compile(
    r"(?:(earlier|later|late|early|mid) )?(?:(this|last|past|previous|the) )"
    r"(week|weekend|month)"
)
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_NUMERIC = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})")
_DMY = re.compile(
    rf"(?:(?:{_WD}),? )?(?:the )?(\d{{1,2}}){_ORD} (?:of )?({_MON})\.?,?(?: (\d{{4}}))?"
)
_MDY = re.compile(rf"(?:(?:{_WD}),? )?({_MON})\.? (?:the )?(\d{{1,2}}){_ORD},?(?: (\d{{4}}))?")
_TO = rf"{_ORD} ?(?:-|to|and) ?\d{{1,2}}{_ORD}"
_RANGE_DM = re.compile(rf"(\d{{1,2}}){_TO} ({_MON})\.?,?(?: (\d{{4}}))?")
_RANGE_MD = re.compile(rf"({_MON})\.? (\d{{1,2}}){_TO},?(?: (\d{{4}}))?")
_MY = re.compile(
    rf"(?:(early|mid|late|the end of|the beginning of|the middle of|the start of) ?)?"
    rf"({_MON})\.?,?(?: (\d{{4}}))?"
)
_PARTS = {"the end of": "late", "the beginning of": "early", "the start of": "early",
          "the middle of": "mid"}  # fmt: skip


def _clean(text: str) -> str:
    s = text.lower().replace("\u2019", "'").replace("\u2013", "-").replace("\u2014", "-")
    s = re.sub(r"'s\b", "", s)
    s = re.sub(r"[^\w\s/.,:-]", " ", s)
    s = re.sub(r"\bmid-", "mid ", s)
    s = re.sub(r"\s+", " ", s).strip(" .,;:-")
    while (m := _LEADING.match(s)) is not None:
        s = s[m.end() :]
    return s


def _number(word: str) -> int:
    return int(word) if word.isdigit() else NUMBERS[word]


@lru_cache(maxsize=8192)
def parse_expression(text: str) -> _Expr | None:
    """What a date expression means, independent of the publication date (cached)."""
    s = _clean(text)
    if not s or _REJECT.search(s):
        return None
    if _TODAY.fullmatch(s):
        return _Days(0)
    if _YESTERDAY.fullmatch(s):
        return _Days(-1)
    if re.fullmatch(r"(?:the )?day before yesterday", s):
        return _Days(-2)
    s = re.sub(r"\s+", " ", _TIME_OF_DAY.sub(" ", s)).strip(" ,.")
    s = _LEADING.sub("", s)
    return _parse_rest(s) if s else None


def _parse_rest(s: str) -> _Expr | None:
    for parser in (_parse_relative, _parse_absolute):
        expr = parser(s)
        if expr is not None:
            return expr
    if re.search(rf"\b(?:{_MON})\b", s):
        return _Fallback(s, bool(re.search(r"\b\d{4}\b", s)))
    return None  # no month name: bare numbers, years, decades, seasons


def _parse_relative(s: str) -> _Expr | None:
    if s in ("today", "yesterday"):
        return _Days(0 if s == "today" else -1)
    if m := _AGO.fullmatch(s):
        n, unit = _number(m[1]), m[2]
        if unit == "day":
            return _Days(-n)
        return _Days(-7 * n, WEEK) if unit == "week" else _Month(offset=-n, same_day=True)
    if m := _WEEKDAY_EXPR.fullmatch(s):
        return _Weekday(WEEKDAYS.index(m[2]), strict=m[1] in ("last", "this past", "past"))
    if m := _RELATIVE.fullmatch(s):
        part, which, unit = m[1], m[2], m[3]
        offset = 0 if which == "this" else -1
        if unit == "weekend":
            return _Week(offset if which in ("last", "previous") else 0, weekend=True)
        if which in ("the", "past"):
            return None  # "the week", "the past month": vague
        if unit == "week":
            return _Week(offset)
        return _Month(offset=offset, part=part if part in ("early", "mid", "late") else None)
    return None


def _parse_absolute(s: str) -> _Expr | None:
    if m := _ISO.fullmatch(s):
        return _Date(int(m[2]), int(m[3]), int(m[1]))
    if m := _NUMERIC.fullmatch(s):
        a, b, year = int(m[1]), int(m[2]), int(m[3])
        if a > 12:
            return _Date(b, a, year)
        if b > 12:
            return _Date(a, b, year)
        return _Date(b, a, year, alt=(a, b))
    if m := _DMY.fullmatch(s):
        return _Date(MONTHS[m[2]], int(m[1]), int(m[3]) if m[3] else None)
    if m := _MDY.fullmatch(s):
        return _Date(MONTHS[m[1]], int(m[2]), int(m[3]) if m[3] else None)
    if m := _RANGE_DM.fullmatch(s):
        return _Date(MONTHS[m[2]], int(m[1]), int(m[3]) if m[3] else None)
    if m := _RANGE_MD.fullmatch(s):
        return _Date(MONTHS[m[1]], int(m[2]), int(m[3]) if m[3] else None)
    if m := _MY.fullmatch(s):
        part = _PARTS.get(m[1] or "", m[1])
        return _Month(MONTHS[m[2]], year=int(m[3]) if m[3] else None, part=part)
    return None


def needs_publication_date(text: str) -> bool:
    """True if the expression can only be resolved against a publication date."""
    expr = parse_expression(text)
    if expr is None:
        return False
    if isinstance(expr, _Date | _Month):
        return expr.year is None or expr.year < 100 or expr.month is None
    if isinstance(expr, _Fallback):
        return not expr.has_year
    return True


# ----------------------------------------------------------------------------- anchoring


def _full_year(year: int, base: date) -> int:
    if year >= 100:
        return year
    century = (base.year + 1) // 100 * 100
    return century + year if century + year <= base.year + 1 else century - 100 + year


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _pick_year(
    month: int, day: int, base: date, prefer_past: bool, window: int = FUTURE_WINDOW_DAYS
) -> date | None:
    """The year for a year-less date: latest not after P, or a near-future one."""
    years = (base.year - 1, base.year, base.year + 1)
    options = [d for y in years if (d := _safe_date(y, month, day))]
    if not options:
        return None
    if not prefer_past:
        return min(options, key=lambda d: abs((d - base).days))
    future = [d for d in options if d > base + timedelta(days=1)]
    if future and (future[0] - base).days <= window:
        return future[0]
    past = [d for d in options if d <= base + timedelta(days=1)]
    return past[-1] if past else None


def _midpoint(start: date, end: date, base: date) -> date:
    if start > base + timedelta(days=1):
        return start  # future; dropped by the caller
    end = min(end, base)
    if end < start:
        return start
    return start + (end - start) // 2


def _anchor_month(expr: _Month, base: date, prefer_past: bool) -> tuple[date, int] | None:
    if expr.month is None:
        index = base.year * 12 + base.month - 1 + expr.offset
        year, month = divmod(index, 12)
        month += 1
    elif expr.year is not None:
        year, month = _full_year(expr.year, base), expr.month
    else:
        first = _pick_year(
            expr.month, 1, base.replace(day=1), prefer_past, FUTURE_WINDOW_MONTH_DAYS
        )
        if first is None:
            return None
        year, month = first.year, expr.month
    last = calendar.monthrange(year, month)[1]
    if expr.same_day:
        return date(year, month, min(base.day, last)), MONTH
    start, end = {"early": (1, 10), "mid": (11, 20), "late": (21, last)}.get(
        expr.part or "", (1, last)
    )
    value = _midpoint(date(year, month, start), date(year, month, end), base)
    return value, WEEK if expr.part else MONTH


def _anchor_date(expr: _Date, base: date, prefer_past: bool) -> tuple[date, int] | None:
    if expr.year is None:
        value = _pick_year(expr.month, expr.day, base, prefer_past)
        return (value, DAY) if value else None
    year = _full_year(expr.year, base)
    value = _safe_date(year, expr.month, expr.day)
    if expr.alt is not None and (value is None or value > base + timedelta(days=1)):
        alt = _safe_date(year, *expr.alt)
        if alt is not None and alt <= base + timedelta(days=1):
            value = alt
    return (value, DAY) if value else None


def _anchor_weekday(expr: _Weekday, base: date, prefer_past: bool) -> date:
    back = (base.weekday() - expr.weekday) % 7
    if expr.strict and back == 0:
        back = 7
    if not prefer_past and not expr.strict and back > 3:
        return base + timedelta(days=7 - back)
    return base - timedelta(days=back)


def _anchor_week(expr: _Week, base: date) -> tuple[date, int] | None:
    if expr.weekend:
        saturday = base - timedelta(days=(base.weekday() - 5) % 7)
        if expr.offset < 0 and base.weekday() >= 5:
            saturday -= timedelta(days=7)
        return saturday, WEEK
    monday = base - timedelta(days=base.weekday()) + timedelta(weeks=expr.offset)
    return _midpoint(monday, monday + timedelta(days=6), base), WEEK


@lru_cache(maxsize=64)
def _dateparser(base: date, prefer_past: bool) -> DateDataParser:
    from dateparser.date import DateDataParser

    settings: dict[str, Any] = {
        "RELATIVE_BASE": datetime(base.year, base.month, base.day, 12),
        "PREFER_DATES_FROM": "past" if prefer_past else "current_period",
        "RETURN_TIME_AS_PERIOD": True,
        "PREFER_DAY_OF_MONTH": "first",
    }
    return DateDataParser(languages=["en"], settings=settings)


def _anchor_fallback(expr: _Fallback, base: date, prefer_past: bool) -> tuple[date, int] | None:
    data = _dateparser(base, prefer_past).get_date_data(expr.text)
    if data.date_obj is None:
        return None
    value = data.date_obj.date()
    if data.period == "day":
        return value, DAY
    if data.period == "week":
        return value, WEEK
    if data.period == "month":
        last = calendar.monthrange(value.year, value.month)[1]
        return _midpoint(value.replace(day=1), value.replace(day=last), base), MONTH
    return None  # year or time of day


def _anchor(expr: _Expr, base: date, prefer_past: bool) -> tuple[date, int] | None:
    if isinstance(expr, _Days):
        return base + timedelta(days=expr.offset), expr.precision
    if isinstance(expr, _Weekday):
        return _anchor_weekday(expr, base, prefer_past), DAY
    if isinstance(expr, _Week):
        return _anchor_week(expr, base)
    if isinstance(expr, _Month):
        return _anchor_month(expr, base, prefer_past)
    if isinstance(expr, _Date):
        return _anchor_date(expr, base, prefer_past)
    return _anchor_fallback(expr, base, prefer_past)


@lru_cache(maxsize=16384)
def resolve_expression(
    text: str, published: date | None, prefer_past: bool = True
) -> tuple[date, int] | None:
    """Resolve a date expression to ``(date, ACLED time_precision)``, or None.

    None for non-dates, durations, ages, times of day alone, future dates (more than
    one day after ``published``) and, when ``published`` is None, for expressions
    that need it (everything but absolute dates with a four-digit year).
    """
    expr = parse_expression(text)
    if expr is None:
        return None
    if published is None:
        if needs_publication_date(text):
            return None
        published = date.today()
    result = _anchor(expr, published, prefer_past)
    if result is None or result[0] > published + timedelta(days=1):
        return None
    return result


# ----------------------------------------------------------------------------- scanning

_SCAN = re.compile(
    rf"\b(?:(?:the\s+)?day\s+before\s+yesterday|yesterday|today|tonight|last\s+night|"
    rf"this\s+(?:morning|afternoon|evening)|"
    rf"(?:(?:last|this\s+past|past|this|next|coming)\s+)?(?:{_WD})|"
    rf"(?:(?:earlier|late|early)\s+)?(?:this|last|previous)\s+(?:week|weekend|month)|"
    rf"over\s+the\s+weekend|"
    rf"(?:{_NUM})\s+(?:days?|weeks?|months?)\s+ago|"
    rf"\d{{1,2}}{_ORD}\s+(?:of\s+)?(?:{_MON})\b\.?(?:,?\s+\d{{4}})?|"
    rf"(?:{_MON})\.?\s+\d{{1,2}}{_ORD}(?:,?\s+\d{{4}})?|"
    rf"(?:early|mid|late)[-\s](?:{_MON})|"
    rf"\d{{1,2}}/\d{{1,2}}/(?:\d{{4}}|\d{{2}})|\d{{4}}-\d{{2}}-\d{{2}})\b",
    re.I,
)
_BEFORE = re.compile(r"\b(last|next|this coming|coming|this past|past)\s+$", re.I)
_WEEKDAY_START = re.compile(rf"(?:{_WD})\b", re.I)


def scan_expressions(text: str) -> list[tuple[int, int]]:
    """Character spans of date phrases found by pattern (weekdays, yesterday...)."""
    return [m.span() for m in _SCAN.finditer(text)]


def _with_context(text: str, start: int, end: int) -> int:
    """Extend a weekday mention left over "last"/"next" that the NER left out."""
    if _WEEKDAY_START.match(text, start):
        left = max(0, start - 16)
        m = _BEFORE.search(text, left, start)
        if m:
            return m.start()
    return start


@dataclass
class TemporalStage:
    config: TemporalConfig
    name: str = "temporal"
    requires: tuple[str, ...] = ("spacy", "mentions")
    assigns: tuple[str, ...] = ("dates",)

    def load(self) -> None:
        pass

    def __call__(self, doc: Doc) -> Doc:
        base = doc.document.published_at
        assumed = base is None and self.config.missing_publication_date == "today"
        if assumed:
            base = date.today()
        found: list[DateMention] = []
        unresolved: list[str] = []
        for start, end in self._candidates(doc):
            text = doc.text[start:end]
            if base is None and needs_publication_date(text):
                unresolved.append(text)
                continue
            result = resolve_expression(text, base, self.config.prefer_past)
            if result is not None:
                found.append(DateMention(doc.span(start, end), result[0], result[1]))
        doc.dates = sorted(found, key=lambda d: (d.span.start, d.span.end))
        if unresolved or (assumed and found):
            doc.warnings.append(_warning(doc, unresolved, assumed))
        return doc

    def _candidates(self, doc: Doc) -> list[tuple[int, int]]:
        """Spans of DATE/TIME mentions that parse, plus pattern matches that overlap
        none of them or contain them ("30 December" where the NER found "December")."""
        spans = [
            (_with_context(doc.text, m.start, m.end), m.end)
            for m in doc.mentions
            if m.label in DATE_LABELS
        ]
        taken = [s for s in spans if parse_expression(doc.text[s[0] : s[1]]) is not None]
        for start, end in scan_expressions(doc.text):
            inside = [(s, e) for s, e in taken if start < e and s < end]
            if all(start <= s and e <= end for s, e in inside):
                taken = [t for t in taken if t not in inside] + [(start, end)]
        return taken


def _warning(doc: Doc, unresolved: list[str], assumed: bool) -> str:
    where = f"document {doc.document.id[:12]} ({doc.document.source or 'no source'})"
    fix = (
        'add a first line `date YYYY-MM-DD` to the .txt file, or a "published_at" '
        "field to the JSONL line"
    )
    if assumed:
        return (
            f"{where}: no publication date; relative dates were resolved against today "
            f'([temporal] missing_publication_date = "today"). Fix: {fix}'
        )
    shown = ", ".join(repr(t) for t in dict.fromkeys(unresolved[:5]))
    return (
        f"{where}: no publication date, so {len(unresolved)} relative date expression(s) "
        f"({shown}) were left unresolved. Fix: {fix} (or set [temporal] "
        f'missing_publication_date = "today")'
    )


@register("temporal")
def make(config: PipelineConfig, backends: Backends) -> TemporalStage:
    return TemporalStage(config.temporal)
