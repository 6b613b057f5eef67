"""Dates from metadata values and datelines: exact ISO results, spans and refusals."""

import pytest

from geo.dates import find_date, parse_date, year_of

# (value, context_year, expected ISO date or "")
PARSE = [
    # ISO and ISO datetimes; year first whatever the separator
    ("2024-03-31", None, "2024-03-31"),
    ("  2024-03-31\n", None, "2024-03-31"),
    ("2024-03-31T14:05:00+03:00", None, "2024-03-31"),
    ("2024-03-31T14:05:00.000Z", None, "2024-03-31"),
    ("2024-03-31 14:05", None, "2024-03-31"),
    ("2024/03/31", None, "2024-03-31"),
    ("2024.03.31", None, "2024-03-31"),
    ("2024-3-5", None, "2024-03-05"),
    ("20240331", None, "2024-03-31"),
    ("20241331", None, ""),
    # RFC 2822 / HTTP
    ("Sun, 31 Mar 2024 14:05:00 GMT", None, "2024-03-31"),
    ("Sun, 31 Mar 2024 14:05:00 +0000", None, "2024-03-31"),
    # English
    ("March 31, 2024", None, "2024-03-31"),
    ("Mar. 31, 2024", None, "2024-03-31"),
    ("Mar 31 2024", None, "2024-03-31"),
    ("MARCH 31, 2024", None, "2024-03-31"),
    ("31 March 2024", None, "2024-03-31"),
    ("Sunday, March 31, 2024", None, "2024-03-31"),
    ("31st March 2024", None, "2024-03-31"),
    ("March 31st, 2024", None, "2024-03-31"),
    ("the 1st of March, 2024", None, "2024-03-01"),
    ("Sept. 2, 2024", None, "2024-09-02"),
    ("Mar 31, 2024 at 2:05 PM", None, "2024-03-31"),
    ("Monday, December 12, 2022 at 10:00 a.m. EST", None, "2022-12-12"),
    # a weekday beside a full date is not checked (31 March 2024 was a Sunday)
    ("Monday, 31 March 2024", None, "2024-03-31"),
    # no year: context_year, or the year near it in which the weekday fits
    ("December 12", 2023, "2023-12-12"),
    ("Monday, December 12", 2022, "2022-12-12"),
    ("Monday, December 12", 2023, "2022-12-12"),
    ("Monday, December 12", 2021, "2022-12-12"),
    ("Tuesday, December 12", 2020, "2020-12-12"),  # no Tuesday in 2019..2021
    ("Thursday, February 29", 2023, "2024-02-29"),
    ("February 29", 2023, ""),
    ("Monday, December 12", None, ""),
    ("December 12", None, ""),
    ("december 12", 2023, ""),  # lower case without a year: "march 12 miles"
    ("December 12", 1850, ""),
    # European and US numeric dates
    ("31.03.2024", None, "2024-03-31"),
    ("01.03.2024", None, "2024-03-01"),  # dotted: always day first
    ("03.31.2024", None, ""),
    ("31/03/2024", None, "2024-03-31"),
    ("03/31/2024", None, "2024-03-31"),
    ("31-03-2024", None, "2024-03-31"),
    ("03/04/2024", None, ""),  # 3 April in London, 4 March in New York
    ("03-04-2024", None, ""),
    ("04/04/2024", None, "2024-04-04"),  # the same date either way
    ("31.03.24", None, ""),
    ("14:05, 31.03.2024", None, "2024-03-31"),
    # Russian and Ukrainian
    ("31 марта 2024", None, "2024-03-31"),
    ("31 марта 2024 г.", None, "2024-03-31"),
    ("31 марта 2024 года, 14:05", None, "2024-03-31"),
    ("31\xa0марта\xa02024", None, "2024-03-31"),
    ("воскресенье, 31 марта 2024", None, "2024-03-31"),
    ("Воскресенье, 31 Марта 2024", None, "2024-03-31"),
    ("1 мая 2024 в 10:00", None, "2024-05-01"),
    ("5 дек. 2023", None, "2023-12-05"),
    ("31 березня 2024 року", None, "2024-03-31"),
    ("неділя, 31 березня 2024 р.", None, "2024-03-31"),
    ("п’ятниця, 29 березня 2024", None, "2024-03-29"),
    ("1 листопада 2023", None, "2023-11-01"),
    ("31 марта", 2024, "2024-03-31"),
    ("31 марта", None, ""),
    ("пятница, 12 декабря", 2024, "2025-12-12"),
    # impossible dates and years out of range
    ("31.02.2024", None, ""),
    ("2024-02-30", None, ""),
    ("2023-02-29", None, ""),
    ("2024-02-29", None, "2024-02-29"),
    ("31 June 2024", None, ""),
    ("1899-12-31", None, ""),
    ("2101-01-01", None, ""),
    ("1900-01-01", None, "1900-01-01"),
    # a value that holds more than a date is not a date (find_date is for text)
    ("Published March 31, 2024", None, ""),
    ("2024-03-31 2024-04-01", None, ""),
    ("03/04/2024 31.03.2024", None, ""),
    ("", None, ""),
    ("Sunday", 2024, ""),
]


@pytest.mark.parametrize("value, context_year, expected", PARSE)
def test_parse_date(value, context_year, expected):
    assert parse_date(value, context_year=context_year) == expected


# (text, context_year, expected ISO date, the date expression in text)
FIND = [
    ("date 2024-03-31 Citizens of Tajikistan began to leave", None, "2024-03-31", "2024-03-31"),
    ("Published: Monday, December 12, 2022 at 10:00", None, "2022-12-12",
     "Monday, December 12, 2022"),
    ("Published: Monday, December 12", 2023, "2022-12-12", "Monday, December 12"),
    ("Опубликовано 31 марта 2024", None, "2024-03-31", "31 марта 2024"),
    ("Опубликовано 31 марта 2024 г. в 14:05", None, "2024-03-31", "31 марта 2024 г."),
    ("Опубліковано: неділя, 31 березня 2024 року", None, "2024-03-31",
     "неділя, 31 березня 2024 року"),
    ("By Jane Roe | March 31, 2024", None, "2024-03-31", "March 31, 2024"),
    ("Posted on Sun, 31 Mar 2024 14:05:00 GMT by admin", None, "2024-03-31",
     "Sun, 31 Mar 2024"),
    ("Updated 14:05, 31.03.2024", None, "2024-03-31", "31.03.2024"),
    # the first expression in the text, whatever its form
    ("31 March 2024, updated 2024-04-01", None, "2024-03-31", "31 March 2024"),
    ("On 5 March 12 people died", 2024, "2024-03-05", "5 March"),
    ("Talks resumed on May 9, 105 servicemen went home", 2024, "2024-05-09", "May 9"),
    # expressions that are no one date are passed over
    ("03/04/2024 or 31 March 2024", None, "2024-03-31", "31 March 2024"),
    ("31.02.2024, corrected: 29.02.2024", None, "2024-02-29", "29.02.2024"),
]


@pytest.mark.parametrize("text, context_year, iso, expression", FIND)
def test_find_date(text, context_year, iso, expression):
    start = text.index(expression)
    assert find_date(text, context_year=context_year) == (iso, start, start + len(expression))


NOT_DATES = [
    "10 Politically Tough Takeaways",
    "the 2024 election",
    "105 Armenian servicemen were captured",
    "S-300s",
    "a 1270 SAT score",
    "page 3 of 12",
    "14:05",
    "2024",
    "March 2024",
    "open 24/7",
    "they may 3 times",
    "march 10 miles",
    "10 Marines landed",
    "In 2023, 12 people died in 3 attacks",
    "1.5 million",
    "version 2.31.03.2024",
    "order ID 20240331",
    "call 555-12-34",
    "3.14.2024",
    "03/04/2024",
    "31.02.2024",
    "1899-12-31",
    "5 лист",
    "",
]


@pytest.mark.parametrize("text", NOT_DATES)
def test_not_dates(text):
    # context_year lets year-less dates through: these still must not be read
    assert find_date(text, context_year=2024) == ("", -1, -1)
    assert parse_date(text, context_year=2024) == ""


@pytest.mark.parametrize("iso, year", [("2024-03-31", 2024), ("1900-01-01", 1900), ("", None),
                                        ("March 31, 2024", None), ("2024-03-31T14:05", None)])
def test_year_of(iso, year):
    assert year_of(iso) == year
