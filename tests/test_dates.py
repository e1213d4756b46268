"""EDTF text: what is accepted, the bounds it yields, and how it reads."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from core.dates import display, display_span_end, parse

D = datetime.date


@pytest.mark.parametrize(
    ("text", "lower", "upper"),
    [
        ("2017", D(2017, 1, 1), D(2017, 12, 31)),
        ("2017-08", D(2017, 8, 1), D(2017, 8, 31)),
        ("2016-02", D(2016, 2, 1), D(2016, 2, 29)),
        ("2017-08-15", D(2017, 8, 15), D(2017, 8, 15)),
        ("2016-09~", D(2016, 9, 1), D(2016, 9, 30)),
        ("2017?", D(2017, 1, 1), D(2017, 12, 31)),
        ("2017-08%", D(2017, 8, 1), D(2017, 8, 31)),
        ("2017-06/2017-08", D(2017, 6, 1), D(2017, 8, 31)),
        ("2016/2017", D(2016, 1, 1), D(2017, 12, 31)),
        ("../2025", None, D(2025, 12, 31)),
        ("2017/..", D(2017, 1, 1), None),
        ("2017/", D(2017, 1, 1), None),
        ("/2025", None, D(2025, 12, 31)),
        ("2017-21", D(2017, 3, 1), D(2017, 5, 31)),
        ("", None, None),
    ],
)
def test_valid_edtf_yields_day_bounds(text, lower, upper):
    parsed = parse(text)
    assert (parsed.text, parsed.lower, parsed.upper) == (text, lower, upper)


@pytest.mark.parametrize(
    "text",
    ["next tuesday", "2017-02-30", "2017-13", "2017-00", "17", "2017-8", "2018/2017", "Y170000", "0000", "/", "a" * 80],
)
def test_invalid_edtf_is_refused_with_the_accepted_forms(text):
    with pytest.raises(ValidationError) as error:
        parse(text)
    message = " ".join(error.value.messages)
    assert "2017-08" in message or "ends before it starts" in message


def test_invalid_edtf_message_names_the_value_and_the_forms():
    with pytest.raises(ValidationError) as error:
        parse("next tuesday")
    (message,) = error.value.messages
    assert "next tuesday" in message
    for form in ("2017", "2017-08-15", "2016-09~", "2017?", "2017-06/2017-08"):
        assert form in message


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("2017", "2017"),
        ("2017-08", "Aug 2017"),
        ("2017-08-15", "15 Aug 2017"),
        ("2016-09~", "c. Sep 2016"),
        ("2017?", "2017?"),
        ("2017-08%", "c. Aug 2017?"),
        ("2017-06/2017-08", "Jun-Aug 2017"),
        ("2016/2017", "2016-2017"),
        ("2017-08-15/2018-02", "15 Aug 2017 - Feb 2018"),
        ("../2025", "by 2025"),
        ("2017/..", "from 2017 on"),
        ("2017/", "2017 - ?"),
        ("2017-21", "Spring 2017"),
        ("", "date unknown"),
    ],
)
def test_dates_read_as_people_write_them(text, shown):
    assert display(text) == shown


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("2016-08/2017-12", "between Aug 2016 and Dec 2017"),
        ("2017-06/2017-08", "between Jun and Aug 2017"),
        ("2016/2017", "between 2016 and 2017"),
        ("2017-08-15/2018-02", "between 15 Aug 2017 and Feb 2018"),
        ("../2017-12", "by Dec 2017"),
        ("/2017-12", "by Dec 2017"),
        ("2016-08/..", "Aug 2016 or later"),
        ("2016-08/", "Aug 2016 or later"),
        ("2022-01-05", "5 Jan 2022"),
        ("2016-09~", "c. Sep 2016"),
    ],
)
def test_an_end_of_a_span_known_within_an_interval_reads_as_one_date(text, shown):
    """ "Aug 2016 - Dec 2017 – 5 Jan 2022" read as three dates; the start is one of them."""
    assert display_span_end(text) == shown
    assert " - " not in display_span_end(text)


@pytest.mark.parametrize(
    "text",
    [
        "2017",
        "2016-02",
        "2015-02",
        "2016-02-29",
        "2017-12-31",
        "2016-09~",
        "2017?",
        "2017-08-15?",
        "2017-08%",
        "2017-06/2017-08",
        "2016/2017",
        "2017-01-05/2017-03",
        "../2017-09",
        "2017-09/..",
        "../2025",
        "2017-02-29",
        "2017-13",
        "2017-00",
        "0000",
        "2017-21",
        "../..",
        "2018/2017",
        "2017-06~/2017-08",
    ],
)
def test_plain_forms_read_without_the_grammar_agree_with_it(text):
    """`core.dates` reads the common forms itself (the grammar is slow); both must agree, errors included."""
    from core.dates import _parse_with_grammar

    def outcome(reader):
        try:
            value = reader(text)
        except ValidationError as error:
            return error.code
        return value.lower, value.upper

    assert outcome(parse) == outcome(_parse_with_grammar)
