"""Erlang C: how many agents a half hour needs so that enough customers are answered in time.

Pure functions, no database. The traffic of a period is ``calls × average handling time ÷ period
length`` (in Erlangs). The probability that a customer has to wait (Erlang C) comes from the
Erlang B blocking probability, computed with the stable recurrence

    B(0) = 1,   B(n) = A·B(n−1) / (n + A·B(n−1))

which never forms a factorial or a power of A, so it stays exact for large traffic (1,000 calls per
half hour, hundreds of agents) and costs one multiplication per agent. Then

    C(N) = N·B(N) / (N − A·(1 − B(N)))                    (N > A; otherwise everyone waits)
    service level = 1 − C(N) · exp(−(N − A) · T / AHT)      (T: the answer-within target)
    average speed of answer = C(N) · AHT / (N − A)
"""

import math
from dataclasses import asdict, dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Beyond this the "period" is no longer a contact centre but a data error.
MAX_TRAFFIC_ERLANGS = 100_000


@dataclass(frozen=True)
class ErlangResult:
    agents: int
    service_level: float
    probability_of_waiting: float
    traffic_erlangs: float
    occupancy: float
    average_speed_of_answer: float  # seconds
    calls: float
    minutes: float
    aht: float
    answer_within: float
    target_service_level: float

    def as_dict(self) -> dict:
        return asdict(self)


def traffic(*, calls: float, minutes: float, aht: float) -> float:
    """The offered load in Erlangs: agent-seconds of work per second of the period."""
    return calls * aht / (minutes * 60.0)


def _check(*, calls: float, minutes: float, aht: float, answer_within: float, service_level: float) -> None:
    errors: dict[str, str] = {}
    if not calls > 0:
        errors["calls"] = _("来电/咨询量必须大于 0。")
    if not minutes > 0:
        errors["minutes"] = _("时段长度（分钟）必须大于 0。")
    if not aht > 0:
        errors["aht"] = _("平均处理时长（秒）必须大于 0。")
    if not answer_within >= 0:
        errors["answer_within"] = _("应答时限（秒）不能为负数。")
    if not 0 < service_level < 1:
        errors["service_level"] = _("服务水平必须在 0 和 1 之间（例如 0.8 表示 80%），100% 无法保证。")
    if not errors and traffic(calls=calls, minutes=minutes, aht=aht) > MAX_TRAFFIC_ERLANGS:
        errors["calls"] = _("话务量过大（超过 %(max)s 爱尔兰），请检查输入。") % {"max": MAX_TRAFFIC_ERLANGS}
    if errors:
        raise ValidationError(errors)


def erlang_b(agents: int, a: float) -> float:
    """Blocking probability with ``agents`` servers and ``a`` Erlangs, by the stable recurrence."""
    b = 1.0
    for n in range(1, agents + 1):
        ab = a * b
        b = ab / (n + ab)
    return b


def _wait_probability(n: int, a: float, b: float) -> float:
    if n <= a:
        return 1.0
    return n * b / (n - a * (1.0 - b))


def erlang_c(agents: int, a: float) -> float:
    """Probability that a customer waits at all (Erlang C)."""
    if agents <= 0:
        return 1.0
    return _wait_probability(agents, a, erlang_b(agents, a))


def _service_level(n: int, a: float, c: float, *, aht: float, answer_within: float) -> float:
    if n <= a:
        return 0.0
    return 1.0 - c * math.exp(-(n - a) * answer_within / aht)


def evaluate(*, agents: int, calls: float, minutes: float, aht: float, answer_within: float) -> ErlangResult:
    """The figures for a given number of agents (used for the gap between rota and need)."""
    _check(calls=calls, minutes=minutes, aht=aht, answer_within=answer_within, service_level=0.5)
    a = traffic(calls=calls, minutes=minutes, aht=aht)
    return _result(agents, a, erlang_b(max(agents, 0), a), calls, minutes, aht, answer_within, 0.0)


def _result(n, a, b, calls, minutes, aht, answer_within, target) -> ErlangResult:
    c = _wait_probability(n, a, b) if n > 0 else 1.0
    stable = n > a
    return ErlangResult(
        agents=n,
        service_level=_service_level(n, a, c, aht=aht, answer_within=answer_within),
        probability_of_waiting=c,
        traffic_erlangs=a,
        occupancy=min(a / n, 1.0) if n > 0 else 1.0,
        average_speed_of_answer=(c * aht / (n - a)) if stable else math.inf,
        calls=calls,
        minutes=minutes,
        aht=aht,
        answer_within=answer_within,
        target_service_level=target,
    )


def agents_needed(
    *, calls: float, minutes: float, aht: float, answer_within: float = 20, service_level: float = 0.8
) -> ErlangResult:
    """The fewest agents whose service level reaches the target.

    Walks N upward from 1, carrying Erlang B along, so the whole search is one pass of the
    recurrence: O(N) for the answer N. Raises ValidationError (Chinese, per field) for bad input.
    """
    _check(calls=calls, minutes=minutes, aht=aht, answer_within=answer_within, service_level=service_level)
    a = traffic(calls=calls, minutes=minutes, aht=aht)
    b = 1.0
    n = 0
    while True:
        n += 1
        ab = a * b
        b = ab / (n + ab)
        if n <= a:
            continue
        c = _wait_probability(n, a, b)
        if _service_level(n, a, c, aht=aht, answer_within=answer_within) >= service_level:
            return _result(n, a, b, calls, minutes, aht, answer_within, service_level)


def with_shrinkage(agents: int, shrinkage: float) -> int:
    """Agents to roster so that ``agents`` are at their desks after breaks and leave."""
    if not 0 <= shrinkage < 1:
        raise ValidationError({"shrinkage": _("缺勤率必须在 0 和 1 之间（例如 0.3 表示 30%）。")})
    return math.ceil(agents / (1 - shrinkage) - 1e-9)
