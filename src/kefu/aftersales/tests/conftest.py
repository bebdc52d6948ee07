"""Fixtures of the after-sales tests: a second after-sales agent, a second supervisor, a case maker."""

import pytest

from kefu.aftersales import services
from kefu.aftersales.models import CaseKind
from kefu.core import worklist


@pytest.fixture
def other_aftersales(make_user):
    return make_user("aftersales2", "售后", first_name="小王")


@pytest.fixture
def make_case(aftersales_agent):
    """``make_case(kind=..., **fields)`` through the service, by the after-sales agent."""

    def make(kind: str = CaseKind.RETURN_REFUND, by=None, **fields):
        fields.setdefault("buyer_nick", "tb_chen")
        fields.setdefault("order_number", "20261120000001")
        fields.setdefault("amount", "129.00")
        return services.case_create(by=by or aftersales_agent, kind=kind, **fields)

    return make


def work_of(row_kind: str, row) -> dict | None:
    """The row's inbox item as ``kefu.core.worklist`` reports it (``None``: not in the inbox)."""
    return worklist.work_info(source=row_kind, source_id=row.pk)
