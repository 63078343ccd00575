"""The one working-day calendar: China's statutory holidays and adjusted working days.

Order of authority for a date: an admin-entered CalendarDay override; then the
`chinesecalendar` package (State Council notices, 2004 to its last covered year); beyond
that, Monday-Friday — and `is_covered()` / `coverage_warning()` say so, for pages and logs.
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import lru_cache

import chinese_calendar
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

_FIRST_YEAR = min(chinese_calendar.holidays).year
_LAST_YEAR = max(chinese_calendar.holidays).year
_MAX_SPAN = 3660  # a guard: no deadline lies ten years of days away


def covered_years() -> tuple[int, int]:
    return _FIRST_YEAR, _LAST_YEAR


def _overrides_for_year(year: int) -> dict[dt.date, bool]:
    from core.models import CalendarDay

    return dict(CalendarDay.objects.filter(date__year=year).values_list("date", "is_workday"))


class WorkCalendar:
    """Answers working-day questions; loads each year's overrides once per instance."""

    def __init__(self) -> None:
        self._overrides: dict[int, dict[dt.date, bool]] = {}

    def _override(self, day: dt.date) -> bool | None:
        if day.year not in self._overrides:
            self._overrides[day.year] = _overrides_for_year(day.year)
        return self._overrides[day.year].get(day)

    def is_covered(self, day: dt.date) -> bool:
        """True when the statutory calendar (package or overrides) knows this date's year."""
        if _FIRST_YEAR <= day.year <= _LAST_YEAR:
            return True
        return bool(self._overrides.get(day.year)) or bool(_year_has_overrides(day.year))

    def is_workday(self, day: dt.date) -> bool:
        override = self._override(day)
        if override is not None:
            return override
        if _FIRST_YEAR <= day.year <= _LAST_YEAR:
            return chinese_calendar.is_workday(day)
        _warn_uncovered(day.year)
        return day.weekday() < 5

    def add_workdays(self, start: dt.date, n: int) -> dt.date:
        """The date n working days after `start` (before it when n < 0); n=0 gives the
        first working day on or after `start`. A deadline "within 7 working days of X" is
        add_workdays(X, 7)."""
        step = 1 if n >= 0 else -1
        day = start
        if n == 0:
            return self.next_workday(start, inclusive=True)
        remaining = abs(n)
        for _i in range(_MAX_SPAN):
            day += dt.timedelta(days=step)
            if self.is_workday(day):
                remaining -= 1
                if remaining == 0:
                    return day
        raise ValueError("working-day span too long")

    def next_workday(self, day: dt.date, *, inclusive: bool = False) -> dt.date:
        if inclusive and self.is_workday(day):
            return day
        for _i in range(_MAX_SPAN):
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                return day
        raise ValueError("no working day found")

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]: how many working days after `start` `end` falls.
        Negative when end is before start."""
        if end < start:
            return -self.workdays_between(end, start)
        count = 0
        day = start
        while day < end:
            day += dt.timedelta(days=1)
            count += self.is_workday(day)
        return count


def _year_has_overrides(year: int) -> bool:
    from core.models import CalendarDay

    return CalendarDay.objects.filter(date__year=year).exists()


@lru_cache(maxsize=64)
def _warn_uncovered(year: int) -> None:
    logger.warning(
        "Statutory holidays for %s are not known (chinesecalendar covers %s-%s and no overrides "
        "are entered); counting Monday-Friday as working days.",
        year,
        _FIRST_YEAR,
        _LAST_YEAR,
    )


def add_workdays(start: dt.date, n: int) -> dt.date:
    return WorkCalendar().add_workdays(start, n)


def is_workday(day: dt.date) -> bool:
    return WorkCalendar().is_workday(day)


def workdays_between(start: dt.date, end: dt.date) -> int:
    return WorkCalendar().workdays_between(start, end)


def next_workday(day: dt.date, *, inclusive: bool = False) -> dt.date:
    return WorkCalendar().next_workday(day, inclusive=inclusive)


def coverage_warning(*days: dt.date) -> str:
    """A sentence for a page when any of `days` falls in a year the calendar does not know."""
    cal = WorkCalendar()
    years = sorted({d.year for d in days if not cal.is_covered(d)})
    if not years:
        return ""
    return _(
        "Statutory holidays for %(years)s are not in the calendar yet; Monday to Friday are "
        "counted as working days. Discipline-office staff can enter the year's holidays under "
        "Calendar."
    ) % {"years": ", ".join(str(y) for y in years)}
