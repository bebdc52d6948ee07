"""Erlang C: the published check values, large traffic, bad input, the CLI and the API."""

import json
import time
from fractions import Fraction
from io import StringIO
from math import factorial

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from kefu.team import erlang

# 100 chats in a half hour, 180 s each, answered within 20 s: published values.
CHECK = [
    (13, 0.796, 0.285),
    (14, 0.888, 0.174),
    (15, 0.942, 0.102),
]


@pytest.mark.parametrize(("agents", "service_level", "waiting"), CHECK)
def test_the_published_service_levels_for_ten_erlangs(agents, service_level, waiting):
    result = erlang.evaluate(agents=agents, calls=100, minutes=30, aht=180, answer_within=20)
    assert result.traffic_erlangs == 10
    assert result.service_level == pytest.approx(service_level, abs=1e-3)
    assert result.probability_of_waiting == pytest.approx(waiting, abs=1e-3)


def test_fourteen_agents_reach_eighty_percent_in_twenty_seconds():
    result = erlang.agents_needed(calls=100, minutes=30, aht=180, answer_within=20, service_level=0.8)
    assert result.agents == 14
    assert result.service_level == pytest.approx(0.88835, abs=1e-5)
    assert result.probability_of_waiting == pytest.approx(0.17413, abs=1e-5)
    assert result.occupancy == pytest.approx(10 / 14)


@pytest.mark.parametrize(
    ("calls", "aht", "target", "agents"),
    [
        (100, 180, 0.8, 14),
        (100, 180, 0.9, 15),
        (100, 180, 0.7, 13),
        (1, 180, 0.8, 1),
        (1000, 180, 0.8, 107),
    ],
)
def test_fewest_agents_for_the_target(calls, aht, target, agents):
    assert erlang.agents_needed(calls=calls, minutes=30, aht=aht, service_level=target).agents == agents


def test_the_recurrence_agrees_with_exact_fractions():
    """Erlang B by the recurrence against the textbook formula computed in exact rationals."""
    a, n = Fraction(10), 14
    exact = (a**n / factorial(n)) / sum(a**k / factorial(k) for k in range(n + 1))
    assert erlang.erlang_b(14, 10.0) == pytest.approx(float(exact), rel=1e-12)


def test_large_traffic_stays_finite_and_fast():
    started = time.perf_counter()
    result = erlang.evaluate(agents=300, calls=1000, minutes=30, aht=180, answer_within=20)
    needed = erlang.agents_needed(calls=1000, minutes=30, aht=180)
    assert time.perf_counter() - started < 1
    assert 0.999 < result.service_level <= 1
    assert 0 <= result.probability_of_waiting < 1e-40
    assert 100 < needed.agents < 120
    assert 0.8 <= needed.service_level < 0.85


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"calls": 0}, "calls"),
        ({"calls": -5}, "calls"),
        ({"aht": 0}, "aht"),
        ({"aht": -1}, "aht"),
        ({"minutes": 0}, "minutes"),
        ({"service_level": 1}, "service_level"),
        ({"service_level": 1.5}, "service_level"),
        ({"service_level": 0}, "service_level"),
        ({"answer_within": -1}, "answer_within"),
        ({"calls": 1e9}, "calls"),
    ],
)
def test_bad_input_is_refused_with_a_message(kwargs, field):
    args = {"calls": 100, "minutes": 30, "aht": 180, "answer_within": 20, "service_level": 0.8} | kwargs
    with pytest.raises(ValidationError) as exc:
        erlang.agents_needed(**args)
    assert field in exc.value.message_dict
    assert exc.value.message_dict[field][0]


def test_shrinkage_adds_agents_for_breaks_and_leave():
    assert erlang.with_shrinkage(14, 0.3) == 20
    assert erlang.with_shrinkage(14, 0) == 14
    with pytest.raises(ValidationError):
        erlang.with_shrinkage(14, 1)


def test_cli_prints_the_json_the_checks_read():
    out = StringIO()
    call_command(
        "staffing",
        "erlang",
        "--calls", "100", "--minutes", "30", "--aht", "180",
        "--answer-within", "20", "--service-level", "0.8", "--json",
        stdout=out,
    )  # fmt: skip
    data = json.loads(out.getvalue())
    assert data["agents"] == 14
    assert data["service_level"] == pytest.approx(0.888, abs=1e-3)
    assert data["probability_of_waiting"] == pytest.approx(0.174, abs=1e-3)


def test_cli_refuses_zero_calls():
    with pytest.raises(CommandError, match="必须大于 0"):
        call_command("staffing", "erlang", "--calls", "0", "--aht", "180", "--json", stdout=StringIO())


def test_api_answers_the_same(login, agent):
    response = login(agent).get(
        "/api/team/staffing/erlang/",
        {"calls": 100, "minutes": 30, "aht": 180, "answer_within": 20, "service_level": 0.8},
    )
    assert response.status_code == 200
    assert response.json()["agents"] == 14
    assert response.json()["service_level"] == pytest.approx(0.8883, abs=1e-4)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"calls": 0, "aht": 180}, "calls"),
        ({"calls": 100, "aht": -3}, "aht"),
        ({"calls": 100, "aht": 180, "service_level": 1}, "service_level"),
        ({"aht": 180}, "calls"),
        ({"calls": "many", "aht": 180}, "calls"),
    ],
)
def test_api_bad_input_is_a_400_naming_the_field(login, agent, params, field):
    response = login(agent).get("/api/team/staffing/erlang/", params)
    assert response.status_code == 400
    assert field in response.json()


def test_api_is_for_the_team_only(client):
    assert client.get("/api/team/staffing/erlang/", {"calls": 100, "aht": 180}).status_code in (401, 403)
