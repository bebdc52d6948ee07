"""Date and datetime inputs render a value the browser keeps, in Chinese as in English."""

import datetime as dt
import re

import pytest
from django import forms
from django.utils import translation


class DatesForm(forms.Form):
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    at = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_stored_date_is_rendered_in_iso_so_the_browser_keeps_it(language):
    with translation.override(language):
        html = str(DatesForm(initial={"day": dt.date(2026, 11, 20), "at": dt.datetime(2026, 11, 20, 9, 5)}))
    assert 'value="2026-11-20"' in html
    # a valid local date and time for the browser: ISO date, a space or "T", then the time
    assert re.search(r'value="2026-11-20[ T]09:05(:00)?"', html)


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("2026-11-20", dt.date(2026, 11, 20)),
        ("2026/11/20", dt.date(2026, 11, 20)),
        ("2026年11月20日", dt.date(2026, 11, 20)),
    ],
)
def test_the_ways_people_write_a_date_are_still_read(typed, day):
    with translation.override("zh-hans"):
        form = DatesForm(data={"day": typed, "at": "2026-11-20T09:05"})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == day
    assert form.cleaned_data["at"].replace(tzinfo=None) == dt.datetime(2026, 11, 20, 9, 5)
