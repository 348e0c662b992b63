"""Dates: day-first or month-first only when asked, time zones, years out of range, future dates."""

import pandas as pd
import pytest

import stakeholder_graph as sg
from io_samples import rejected_reasons


def test_day_first_dates_only_when_asked(write):
    path = write("uk.csv", "date,source,target\n03/04/2024,A,B\n25/12/2024,A,C\n")
    with pytest.raises(sg.AmbiguousDateError) as err:
        sg.read_interactions(path)
    message = str(err.value)
    assert "uk.csv" in message and "column 'date'" in message and "row 2" in message
    assert "day-first" in message                                 # 25/12 gives it away, and we say so
    log = sg.read_interactions(path, day_first=True)
    assert log["date"].tolist() == [pd.Timestamp("2024-04-03"), pd.Timestamp("2024-12-25")]
    log = sg.read_interactions(write("us.csv", "date,source,target\n03/04/2024,A,B\n"), month_first=True)
    assert log["date"][0] == pd.Timestamp("2024-03-04")


def test_time_zones_are_converted_to_utc(write):
    log = sg.read_interactions(write("tz.csv", "date,source,target\n2024-06-01T10:00:00+01:00,A,B\n"))
    assert log["date"][0] == pd.Timestamp("2024-06-01 09:00")


def test_dates_centuries_away_are_rejected_and_future_dates_noted(write):
    # 3024 and 0024 are typos that would set as_of a thousand years away (and cannot be
    # held in pandas' nanoseconds); 2204 is kept but said, since it moves as_of too.
    path = write("years.csv", "date,source,target\n2024-01-01,A,B\n3024-01-05,A,C\n0024-01-05,B,C\n"
                              "2204-01-05,B,C\n")
    log = sg.read_interactions(path)
    assert rejected_reasons(log) == ["date '3024-01-05' is outside the years 1678 to 2261",
                                     "date '0024-01-05' is outside the years 1678 to 2261"]
    assert log["date"].dtype == "datetime64[us]" and len(log) == 2
    assert log["date"].astype("datetime64[ns]").notna().all()      # the years kept fit nanoseconds too
    assert any("1 row(s) dated after today (the latest 2204-01-05)" in n for n in log.attrs["report"].notes)
    uk = sg.read_interactions(write("uk.csv", "date,source,target\n05/01/2024,A,B\n05/01/3024,A,C\n"), day_first=True)
    assert rejected_reasons(uk) == ["date '05/01/3024' is outside the years 1678 to 2261"]
