"""The working-day calendar: China's statutory holidays, adjusted working days, overrides."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from core import workdays
from core.models import CalendarDay

D = dt.date


@pytest.mark.django_db
class TestNationalDay2025:
    """2025: Oct 1-8 off (National Day + Mid-Autumn); Sun Sep 28 and Sat Oct 11 are worked."""

    def test_holidays_and_adjusted_days(self):
        assert not workdays.is_workday(D(2025, 10, 1))
        assert not workdays.is_workday(D(2025, 10, 8))
        assert workdays.is_workday(D(2025, 9, 28))  # a Sunday, worked
        assert workdays.is_workday(D(2025, 10, 11))  # a Saturday, worked
        assert not workdays.is_workday(D(2025, 10, 12))  # an ordinary Sunday

    def test_add_workdays_skips_the_holiday(self):
        # 7 working days from Sep 26 (Fri): Sep 28, 29, 30, Oct 9, 10, 11, 13
        assert workdays.add_workdays(D(2025, 9, 26), 1) == D(2025, 9, 28)
        assert workdays.add_workdays(D(2025, 9, 30), 1) == D(2025, 10, 9)
        assert workdays.add_workdays(D(2025, 9, 26), 7) == D(2025, 10, 13)

    def test_backwards_and_zero(self):
        assert workdays.add_workdays(D(2025, 10, 9), -1) == D(2025, 9, 30)
        assert workdays.add_workdays(D(2025, 10, 4), 0) == D(2025, 10, 9)
        assert workdays.add_workdays(D(2025, 10, 9), 0) == D(2025, 10, 9)

    def test_workdays_between(self):
        assert workdays.workdays_between(D(2025, 9, 26), D(2025, 10, 13)) == 7
        assert workdays.workdays_between(D(2025, 10, 13), D(2025, 9, 26)) == -7
        assert workdays.next_workday(D(2025, 10, 1)) == D(2025, 10, 9)


@pytest.mark.django_db
def test_override_wins_over_the_package():
    # given an office closed by order on an ordinary Monday, and a Saturday worked
    CalendarDay.objects.create(date=D(2025, 11, 3), is_workday=False, name="临时停工")
    CalendarDay.objects.create(date=D(2025, 11, 8), is_workday=True, name="补班")
    assert not workdays.is_workday(D(2025, 11, 3))
    assert workdays.is_workday(D(2025, 11, 8))
    assert workdays.add_workdays(D(2025, 10, 31), 1) == D(2025, 11, 4)


@pytest.mark.django_db
def test_uncovered_year_falls_back_to_weekdays_and_says_so(caplog):
    first, last = workdays.covered_years()
    year = last + 1
    jan1 = D(year, 1, 1)
    with caplog.at_level(logging.WARNING, logger="core.workdays"):
        workdays._warn_uncovered.cache_clear()
        # Jan 1 is a statutory holiday every year, but unknown here: Mon-Fri rules apply.
        assert workdays.is_workday(jan1) is (jan1.weekday() < 5)
    assert f"for {year} are not known" in caplog.text
    assert str(year) in workdays.coverage_warning(jan1)
    # once the year's holidays are entered, the warning goes and the override decides
    CalendarDay.objects.create(date=jan1, is_workday=False, name="元旦")
    assert workdays.coverage_warning(jan1) == ""
    assert not workdays.is_workday(jan1)


@pytest.mark.django_db
def test_calendar_page_warns_about_an_uncovered_year(org, client):
    _first, last = workdays.covered_years()
    client.force_login(org.users["discipline"])
    page = client.get(f"/calendar/?year={last + 1}")
    assert page.status_code == 200
    assert 'data-testid="calendar-warning"' in page.content.decode()
    covered = client.get("/calendar/?year=2025").content.decode()
    assert 'data-testid="calendar-warning"' not in covered
    assert "2025-10-01" in covered and "国庆节" in covered and "春节" in covered


@pytest.mark.django_db
def test_calendar_page_is_for_discipline_staff_only(org, client):
    client.force_login(org.users["cadre"])
    assert client.get("/calendar/").status_code == 403
    assert client.post("/calendar/", {"date": "2027-01-01", "is_workday": ""}).status_code == 403
    assert not CalendarDay.objects.exists()


@pytest.mark.django_db
def test_calendar_override_entered_in_the_page(org, client):
    client.force_login(org.users["discipline"])
    response = client.post("/calendar/", {"date": "2027-10-01", "name": "国庆节"})
    assert response.status_code == 302
    day = CalendarDay.objects.get(date=D(2027, 10, 1))
    assert day.is_workday is False
    bad = client.post("/calendar/", {"date": "not-a-date", "name": "x"})
    assert bad.status_code == 200 and CalendarDay.objects.count() == 1
