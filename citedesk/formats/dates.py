"""Dates as formats write them: EDTF (BibLaTeX's date fields), RIS's YYYY/MM/DD/other, month names and numbers."""

from __future__ import annotations

import re

from citedesk.formats.base import Date

_EDTF_PART = re.compile(r"(-?\d{1,4})(?:-(\d{2})(?:-(\d{2}))?)?([~?%]*)")
_MONTH_NAMES = (
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "oct",
    "nov",
    "dec",
)
SEASON_MONTHS = range(21, 25)  # EDTF's spring, summer, autumn, winter
_SEASONS = {
    13: 21,
    14: 22,
    15: 23,
    16: 24,
    **{month: month for month in SEASON_MONTHS},
}  # and CSL's 13-16


def edtf(date: Date) -> str:
    """The date in EDTF ("2011-05-25", "2014-12-31/2015-01-01", "2017-24" for winter 2017, "~" when circa);
    a literal date as its text."""
    if date.literal or not date.parts:
        return date.literal
    return "/".join(_edtf_part(part, date.circa) for part in date.parts)


def _edtf_part(part: tuple[int, ...], circa: bool) -> str:
    if part == (0,):
        return ""  # the open end of a range
    year = part[0] + 1 if part[0] < 0 else part[0]  # EDTF counts 1 BC as year 0, CSL as -1
    text = (f"-{-year:04d}" if year < 0 else f"{year:04d}") + "".join(f"-{number:02d}" for number in part[1:3])
    return text + ("~" if circa else "")


def parse_edtf(text: str) -> Date | None:
    """A date from EDTF text (a range with "/", an open end empty or ".."), or None if it is not one."""
    pieces = text.strip().split("/")
    if not pieces[0] or len(pieces) > 2:
        return None
    parts: list[tuple[int, ...]] = []
    circa = False
    for index, piece in enumerate(pieces):
        if index and piece in ("", ".."):
            parts.append((0,))
            continue
        match = _EDTF_PART.fullmatch(piece)
        part = _part_of(match) if match else None
        if match is None or part is None:
            return None
        parts.append(part)
        circa = circa or "~" in match.group(4) or "%" in match.group(4)
    return Date(tuple(parts), circa)


def _part_of(match: re.Match[str]) -> tuple[int, ...] | None:
    """(year, month, day) of one EDTF date (a season as its month); month or day 00 is unknown (as ADS writes)."""
    year, month, day = (int(group) if group else 0 for group in match.group(1, 2, 3))
    return date_part(year - 1 if year <= 0 else year, month, day)  # EDTF's year 0 is CSL's -1 (1 BC)


def date_part(year: int, month: int = 0, day: int = 0) -> tuple[int, ...] | None:
    """(year, month, day) as far as known, a season (13-16 or 21-24) as month 21-24; None if out of range."""
    if month in _SEASONS and not day:
        return year, _SEASONS[month]
    if month > 12 or day > 31:
        return None
    if not month:
        return (year,)
    return (year, month, day) if day else (year, month)


def plain_date(year: str, month: str = "", day: str = "") -> Date | None:
    """A date from separate year, month (a number or an English name) and day texts; a year that is not a
    number is a literal date; None without a year."""
    year = year.strip()
    if not year:
        return None
    if not year.lstrip("-").isdigit() or len(year.lstrip("-")) > 4:
        return Date(literal=year)
    number = month_number(month)
    if not number:
        return Date(((int(year),),))
    day_number = int(day) if day.strip().isdigit() and 0 < int(day) <= 31 else 0
    return Date(((int(year), number, day_number) if day_number else (int(year), number),))


def month_number(text: str) -> int:
    """1-12 for "5", "05", "May", "may", "Sept."; 0 for anything else."""
    text = text.strip().lower().rstrip(".")
    if text.isdigit():
        return int(text) if 1 <= int(text) <= 12 else 0
    return next(
        (index + 1 for index, name in enumerate(_MONTH_NAMES) if text[:3] == name and text.isalpha()),
        0,
    )


def month_macro(number: int) -> str:
    """BibTeX's month macro: 5 -> "may"."""
    return _MONTH_NAMES[number - 1]


def ris_date(date: Date) -> str:
    """RIS's YYYY/MM/DD/ (only what is known, and the first date of a range); a literal date as its text."""
    if date.literal or not date.parts or not date.parts[0][0]:
        return date.literal
    year, *rest = date.parts[0]
    rest = rest if rest and rest[0] <= 12 else []  # RIS has no seasons
    return "/".join([f"{year:04d}", *(f"{number:02d}" for number in rest)]) + ("/" if len(rest) == 2 else "")


def parse_ris_date(text: str) -> Date | None:
    """A date from RIS's YYYY/MM/DD/other (parts may be empty, the month a name); text without a numeric
    year is a literal date; None when empty."""
    text = text.strip()
    if not text.strip("/ "):
        return None
    year, month, day = ([*text.split("/"), "", ""])[:3]
    if not year.strip().isdigit():
        return Date(literal=text)
    return plain_date(year, month, day)
