"""Dates as ISO ``YYYY-MM-DD`` strings, from metadata values and datelines.

Pages carry their date in many forms: ISO timestamps in JSON-LD, RFC 2822 in
feeds, ``March 31, 2024`` in English bylines, ``31 марта 2024 г.`` in Russian
and ``31 березня 2024 року`` in Ukrainian datelines. :func:`parse_date` reads a
value that *is* a date; :func:`find_date` finds the first date in a line of text.

Both give ``""`` rather than guess:

- Year first (``2024-03-31``, ``2024/03/31``) is always year-month-day. Dotted
  (``31.03.2024``) is always day-month-year. With ``/`` or ``-``, the day comes
  first when the first number is above 12, the month first when the second is;
  ``03/04/2024`` is 3 April in London and 4 March in New York, so it is no date
  (``04/04/2024`` reads the same both ways and is one).
- Years have four digits: ``31.03.24`` is not read. ``20240331`` is read by
  :func:`parse_date` as a whole value, never found in text, where eight digits
  are more often an id.
- A date without a year (``Monday, December 12``) takes ``context_year``; when it
  names a weekday, the year from ``context_year - 1`` to ``context_year + 1`` in
  which the day falls on that weekday (at most one does), else ``context_year``.
  Without ``context_year`` it is no date. An English month without a year must be
  capitalised: in "they may 3 times" or "march 10 miles" there is no date.
- A weekday beside a full date is not checked: the numbers are trusted.
- Impossible dates (``31.02.2024``) and years outside 1900..2100 are no dates.
"""

from __future__ import annotations

import re
from datetime import date

__all__ = ["find_date", "parse_date", "year_of"]

# One string per month (or weekday, Monday first): its full and abbreviated names.
_MONTH_NAMES = (
    ("january jan", "february feb", "march mar", "april apr", "may", "june jun", "july jul",
     "august aug", "september sept sep", "october oct", "november nov", "december dec"),
    # Russian: genitive (as after a day), nominative, abbreviation
    ("января январь янв", "февраля февраль фев", "марта март мар", "апреля апрель апр",
     "мая май", "июня июнь июн", "июля июль июл", "августа август авг",
     "сентября сентябрь сент сен", "октября октябрь окт", "ноября ноябрь нояб ноя",
     "декабря декабрь дек"),
    # Ukrainian: genitive, nominative (abbreviations such as "лист" are ordinary words)
    ("січня січень", "лютого лютий", "березня березень", "квітня квітень", "травня травень",
     "червня червень", "липня липень", "серпня серпень", "вересня вересень",
     "жовтня жовтень", "листопада листопад", "грудня грудень"),
)
_WEEKDAY_NAMES = (
    ("monday mon", "tuesday tues tue", "wednesday wed", "thursday thurs thur thu",
     "friday fri", "saturday sat", "sunday sun"),
    ("понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье"),
    ("понеділок", "вівторок", "середа", "четвер", "п'ятниця пʼятниця п’ятниця", "субота",
     "неділя"),
)
_MONTHS = {name: number for table in _MONTH_NAMES
           for number, names in enumerate(table, 1) for name in names.split()}
_WEEKDAYS = {name: number for table in _WEEKDAY_NAMES
             for number, names in enumerate(table) for name in names.split()}


def _alternatives(names: dict[str, int]) -> str:
    # Longest first, so that "sept" is not read as "sep" followed by "t".
    return "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))


_WEEKDAY = rf"(?:\b(?P<wd>{_alternatives(_WEEKDAYS)})\b\.?,?\s+)?"
_MONTH = rf"\b(?P<mon>{_alternatives(_MONTHS)})\b\.?"
_YEAR = r"(?P<y>\d{4})(?!\d)"
_ORDINAL = r"(?:st|nd|rd|th)?"
_START = r"(?<![\w.,:/-])"  # not the tail of a number, version or time ("v1.31.03.2024")
_END = r"(?!\d|[-/.]\d)"
_PATTERNS = tuple(re.compile(pattern, re.IGNORECASE) for pattern in (
    # 2024-03-31, 2024/03/31, 2024.03.31
    rf"{_WEEKDAY}{_START}{_YEAR}(?P<sep>[-/.])(?P<m>\d{{1,2}})(?P=sep)(?P<d>\d{{1,2}}){_END}",
    # 31.03.2024, 31/03/2024, 03/31/2024, 31-03-2024
    rf"{_WEEKDAY}{_START}(?P<a>\d{{1,2}})(?P<sep>[-/.])(?P<b>\d{{1,2}})(?P=sep){_YEAR}{_END}",
    # 31 March 2024, Sun, 31 Mar 2024, the 31st of March, 31 марта 2024 г., 31 березня 2024 року
    rf"{_WEEKDAY}(?:\bthe\s+)?{_START}(?P<d>\d{{1,2}}){_ORDINAL}(?:\s+of)?\s+{_MONTH}"
    rf"(?:,?\s+{_YEAR}(?:\s*(?:года|год|року|рік|г|р)\b\.?)?)?",
    # March 31, 2024; Mar. 31st 2024; Monday, December 12
    rf"{_WEEKDAY}{_MONTH}\s+(?P<d>\d{{1,2}})(?![\d:]){_ORDINAL}(?:,?\s+{_YEAR})?",
))
_COMPACT = re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
# What may stand beside the date in a value: a time, a time zone, "at", punctuation.
_NOISE = re.compile(
    r"T?\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?"  # 14:05, T14:05:00.000+03:00
    r"|[+-]\d{2}:?\d{2}|(?:UTC|GMT)(?:[+-]\d{1,2}(?::?\d{2})?)?|[A-Z]{1,3}T|MSK|Z"  # +0000, EEST
    r"|(?i:[ap]\.?m\.?|at|в|о|об)|[-–—.]+"
)
_NOISE_SEPARATOR = re.compile(r"[\s,;|()\[\]]+")


def _valid(year: int, month: int, day: int) -> str:
    """``YYYY-MM-DD`` when the date exists and the year is in 1900..2100, else ``""``."""
    try:
        return date(year, month, day).isoformat() if 1900 <= year <= 2100 else ""
    except ValueError:
        return ""


def _iso(match: re.Match[str], context_year: int | None) -> str:
    """The date one of ``_PATTERNS`` matched, or ``""`` when it is not one date."""
    found = match.groupdict()
    if found.get("mon"):
        month, day = _MONTHS[found["mon"].lower()], int(found["d"])
    elif found.get("a"):
        first, second = int(found["a"]), int(found["b"])
        if found["sep"] == "." or first > 12 or first == second:
            day, month = first, second
        elif second > 12:
            month, day = first, second
        else:
            return ""
    else:
        month, day = int(found["m"]), int(found["d"])
    if found["y"]:
        return _valid(int(found["y"]), month, day)
    if context_year is None or found["mon"].isascii() and found["mon"][0].islower():
        return ""
    if found["wd"]:
        weekday = _WEEKDAYS[found["wd"].lower()]
        for year in (context_year, context_year - 1, context_year + 1):
            iso = _valid(year, month, day)
            if iso and date.fromisoformat(iso).weekday() == weekday:
                return iso
    return _valid(context_year, month, day)


_DIGIT = re.compile(r"\d")


def find_date(text: str, *, context_year: int | None = None) -> tuple[str, int, int]:
    """The first date in ``text``: ``(iso, start, end)``, or ``("", -1, -1)``.

    Expressions that hold no single date (``03/04/2024``, ``31.02.2024``) are
    passed over. See the module docstring for the forms read.

    Examples
    --------
    >>> text = "Published: Monday, December 12, 2022 at 10:00"
    >>> iso, start, end = find_date(text)
    >>> iso, text[start:end]
    ('2022-12-12', 'Monday, December 12, 2022')
    >>> find_date("Опубликовано 31 марта 2024 г.")
    ('2024-03-31', 13, 29)
    >>> find_date("10 Politically Tough Takeaways from the 2024 election")
    ('', -1, -1)
    """
    best = ("", -1, -1)
    if not _DIGIT.search(text):
        return best  # every form has a day or a year: most lines of prose are ruled out here
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            iso = _iso(match, context_year)
            if iso:
                if best[1] < 0 or (match.start(), -match.end()) < (best[1], -best[2]):
                    best = (iso, match.start(), match.end())
                break
    return best


def parse_date(value: str, *, context_year: int | None = None) -> str:
    """The date that ``value`` is, as ``YYYY-MM-DD``, or ``""`` when it is no one date.

    A time, a time zone and a weekday may stand beside the date; any other word
    makes the value no date (use :func:`find_date` for running text).

    Examples
    --------
    >>> parse_date("2024-03-31T14:05:00+03:00")
    '2024-03-31'
    >>> parse_date("Sun, 31 Mar 2024 14:05:00 GMT")
    '2024-03-31'
    >>> parse_date("Monday, December 12", context_year=2023)
    '2022-12-12'
    >>> parse_date("03/04/2024"), parse_date("31.02.2024"), parse_date("Published today")
    ('', '', '')
    """
    value = value.strip()
    compact = _COMPACT.fullmatch(value)
    if compact:
        return _valid(*(int(part) for part in compact.groups()))
    iso, start, end = find_date(value, context_year=context_year)
    beside = _NOISE_SEPARATOR.split(value[:start] + " " + value[end:])
    return iso if iso and all(_NOISE.fullmatch(word) for word in beside if word) else ""


def year_of(iso: str) -> int | None:
    """The year of an ISO date such as :func:`parse_date` returns; ``None`` for ``""``.

    >>> year_of("2024-03-31"), year_of("")
    (2024, None)
    """
    return int(iso[:4]) if _ISO.fullmatch(iso) else None
