"""Every order import creates or updates its buyers' profiles: the member name is the identity."""

import functools
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count, Max, Min, Sum

from kefu.customers.models import Customer
from kefu.customers.tests.factories import CustomerFactory
from kefu.orders.customer_profiles import contacts_of_customer, profiles_refresh
from kefu.orders.importing import bulkload, read
from kefu.orders.importing.importer import import_file
from kefu.orders.models import Order
from kefu.orders.tests.test_import import export, row

pytestmark = pytest.mark.django_db

UNPAID = "等待买家付款"


def test_an_import_creates_one_profile_per_member_name_with_its_figures(tmp_path):
    rows = [
        row("1001", 买家会员名="小桃子", 买家实际支付金额="100.00", 联系手机="18600000001"),
        row("1002", 买家会员名="小桃子", 买家实际支付金额="23.40", 联系手机="18600000002",
            订单创建时间="2026-12-01 09:00:00", 订单付款时间="2026-12-01 09:01:00"),
        row("1003", UNPAID, 买家会员名="小桃子", 买家实际支付金额="0.00", 订单付款时间="", 联系手机="18600000001"),
        # one family, one phone, two buyers: two profiles
        row("1004", 买家会员名="桃子妈妈", 买家实际支付金额="50.00", 联系手机="18600000001"),
        row("1005", 买家会员名="", 买家实际支付金额="9.90"),
    ]  # fmt: skip
    report = import_file(export(tmp_path, rows))
    assert report.created == 5
    assert (report.customers_created, report.without_buyer) == (2, 1)
    peach = Customer.objects.get(buyer_nick="小桃子")
    assert (peach.orders_count, peach.paid_orders, peach.paid_amount) == (3, 2, Decimal("123.40"))
    assert peach.returning and peach.average_order_value == Decimal("61.70")
    assert peach.phone == "18600000002", "the latest phone first"
    assert [c["receiver_phone"] for c in contacts_of_customer(customer=peach)] == [
        "18600000002",
        "18600000001",
    ]
    mum = Customer.objects.get(buyer_nick="桃子妈妈")
    assert (mum.paid_orders, mum.returning) == (1, False)
    assert Customer.objects.count() == 2, "an order without a member name gets no profile"


def test_a_second_import_updates_the_profiles_and_keeps_what_staff_wrote(tmp_path):
    CustomerFactory(buyer_nick="小桃子", name="林小桃", note="喜欢玫瑰味", phone="13900000000", tags=["VIP"])
    import_file(export(tmp_path, [row("2001", 买家会员名="小桃子")]))
    report = import_file(
        export(tmp_path, [row("2001", 买家会员名="小桃子"), row("2002", 买家会员名="小桃子")], name="b.csv")
    )
    assert (report.customers_created, report.customers_updated) == (0, 1)
    peach = Customer.objects.get(buyer_nick="小桃子")
    assert (peach.orders_count, peach.paid_orders, peach.paid_amount) == (2, 2, Decimal("200.00"))
    assert (peach.name, peach.note, peach.tags) == ("林小桃", "喜欢玫瑰味", ["VIP"])
    assert Customer.objects.count() == 1


def test_the_profile_page_lists_the_orders_receivers_latest_first_masked_for_agents(
    tmp_path, client, agent, supervisor
):
    import_file(export(tmp_path, [row("3001", 买家会员名="小桃子", 联系手机="18612345678")]))
    url = f"/desk/customers/{Customer.objects.get(buyer_nick='小桃子').pk}/"
    client.force_login(agent)
    page = client.get(url).content.decode()
    assert "186****5678" in page and "18612345678" not in page
    client.force_login(supervisor)
    assert "18612345678" in client.get(url).content.decode()


def _direct(nick: str) -> tuple:
    """The profile's figures computed straight from the order table."""
    orders = Order.objects.filter(buyer_nick=nick)
    paid = orders.filter(paid_at__isnull=False).aggregate(
        n=Count("id"), amount=Sum("paid_amount"), first=Min("paid_at"), last=Max("paid_at")
    )
    latest = orders.order_by("-created_at", "-id").first()
    return (
        orders.count(),
        paid["n"],
        paid["amount"] or Decimal("0.00"),
        paid["first"],
        paid["last"],
        latest.created_at,
        latest.receiver_phone,
    )


def _stored(nick: str) -> tuple:
    c = Customer.objects.get(buyer_nick=nick)
    return (
        c.orders_count,
        c.paid_orders,
        c.paid_amount,
        c.first_paid_at,
        c.last_paid_at,
        c.last_order_at,
        c.phone,
    )


def _order(number: str, nick: str, day: int, *, paid: str | None = "12.30", state="买家已付款，等待卖家发货"):
    created = f"2026-11-{day:02d} 10:00:00"
    return row(
        number,
        state if paid else UNPAID,
        买家会员名=nick,
        买家实际支付金额=paid or "0.00",
        订单创建时间=created,
        订单付款时间=f"2026-11-{day:02d} 10:05:00" if paid else "",
        联系手机=f"186{day:08d}",
    )


# (what the shop imports, one file after the other): each file's orders as (number, nick, day, paid)
IMPORTS = {
    "one file, buyers across its batches": [
        [(f"{n}", f"buyer{n % 7}", 1 + n % 28, "10.00" if n % 3 else None) for n in range(1, 60)],
    ],
    "a second file adds orders and pays an unpaid one": [
        [("1", "amy", 3, None), ("2", "amy", 5, "20.00"), ("3", "bob", 4, "7.50")],
        [("1", "amy", 3, "15.00"), ("4", "amy", 2, "1.00"), ("5", "bob", 9, "3.30"), ("6", "cat", 8, None)],
    ],
    "an older order arriving later keeps the latest phone": [
        [("10", "dan", 20, "5.00")],
        [("11", "dan", 2, "6.00"), ("12", "eve", 1, None)],
        [("10", "dan", 20, "5.00"), ("13", "dan", 25, None)],
    ],
}


@pytest.mark.parametrize("files", IMPORTS.values(), ids=IMPORTS.keys())
@pytest.mark.parametrize("batch_rows", [2, 1000])
def test_the_profiles_added_batch_by_batch_match_the_orders_table(tmp_path, monkeypatch, files, batch_rows):
    monkeypatch.setattr(read, "batches", functools.partial(read.batches, size=batch_rows))
    for i, orders in enumerate(files):
        rows = [_order(number, nick, day, paid=paid) for number, nick, day, paid in orders]
        import_file(export(tmp_path, rows, name=f"file{i}.csv"))

    nicks = sorted(set(Order.objects.values_list("buyer_nick", flat=True)))
    assert nicks and Customer.objects.count() == len(nicks)
    for nick in nicks:
        assert _stored(nick) == _direct(nick), nick


def test_a_bulk_load_builds_the_profiles_after_it_in_one_pass(tmp_path, monkeypatch):
    monkeypatch.setattr(bulkload, "MIN_ROWS", 1)
    monkeypatch.setattr(read, "batches", functools.partial(read.batches, size=5))
    rows = [_order(f"{n}", f"buyer{n % 4}", 1 + n % 20, paid="9.99" if n % 2 else None) for n in range(40)]

    report = import_file(export(tmp_path, rows))

    assert report.customers_created == 4
    for nick in ("buyer0", "buyer1", "buyer2", "buyer3"):
        assert _stored(nick) == _direct(nick), nick


def _recount() -> dict[str, tuple]:
    """Every profile's figures counted straight from the order table, the phone being that of the
    latest order that has one (a tie in time: the later imported)."""
    out = {}
    for nick in sorted(set(Order.objects.exclude(buyer_nick="").values_list("buyer_nick", flat=True))):
        orders = Order.objects.filter(buyer_nick=nick)
        paid = orders.filter(paid_at__isnull=False).aggregate(
            n=Count("id"), amount=Sum("paid_amount"), first=Min("paid_at"), last=Max("paid_at")
        )
        phoned = orders.exclude(receiver_phone="").order_by("-created_at", "-id").first()
        out[nick] = (
            orders.count(),
            paid["n"],
            paid["amount"] or Decimal("0.00"),
            paid["first"],
            paid["last"],
            orders.aggregate(last=Max("created_at"))["last"],
            phoned.receiver_phone if phoned else "",
        )
    return out


def _profiles() -> dict[str, tuple]:
    return {c.buyer_nick: _stored(c.buyer_nick) for c in Customer.objects.exclude(buyer_nick="")}


def _rows(orders: list[tuple]) -> list[dict]:
    return [
        row(
            number,
            "买家已付款，等待卖家发货" if paid else UNPAID,
            买家会员名=nick,
            买家实际支付金额=paid or "0.00",
            订单创建时间=created,
            订单付款时间=created[:-2] + "59" if paid else "",
            联系手机=phone,
        )
        for number, nick, created, paid, phone in orders
    ]


# The shop's history, as the files of its everyday imports (one after the other); a first load
# imports the same orders, in the same order, as one file. (number, member name, created, paid, phone)
HISTORIES = {
    "buyers over several files, an old order arriving late": [
        [
            ("1", "amy", "2026-11-01 10:00:00", "10.00", "18600000001"),
            ("2", "bob", "2026-11-02 10:00:00", None, "18600000002"),
            ("3", "amy", "2026-11-03 10:00:00", "20.50", "18600000003"),
        ],
        [
            ("4", "amy", "2026-10-20 10:00:00", "1.10", "18600000004"),
            ("5", "bob", "2026-11-05 10:00:00", "7.77", "18600000005"),
            ("6", "cat", "2026-11-05 11:00:00", None, "18600000006"),
        ],
    ],
    "the latest order has no phone: the phone before it stays": [
        [("10", "dan", "2026-11-01 10:00:00", "5.00", "18600000010")],
        [("11", "dan", "2026-11-09 10:00:00", "6.00", ""), ("12", "eve", "2026-11-02 10:00:00", None, "")],
    ],
    "two orders at the same minute: the later imported gives the phone": [
        [
            ("20", "fay", "2026-11-01 10:00:00", "3.00", "18600000020"),
            ("21", "fay", "2026-11-01 10:00:00", "4.00", "18600000021"),
        ],
        [
            ("22", "fay", "2026-11-01 10:00:00", None, "18600000022"),
            ("23", "", "2026-11-01 10:00:00", "1.00", ""),
        ],
    ],
}


@pytest.mark.parametrize("files", HISTORIES.values(), ids=HISTORIES.keys())
def test_a_first_load_and_everyday_imports_give_the_profiles_of_a_recount(tmp_path, monkeypatch, files):
    monkeypatch.setattr(read, "batches", functools.partial(read.batches, size=2))
    for i, orders in enumerate(files):
        import_file(export(tmp_path, _rows(orders), name=f"day{i}.csv"))
    everyday = _profiles()
    assert everyday == _recount()

    Order.objects.all().delete()
    Customer.objects.all().delete()
    monkeypatch.setattr(bulkload, "MIN_ROWS", 1)  # on SQLite a bulk load, however small the file
    first_load = [order for orders in files for order in orders]
    report = import_file(export(tmp_path, _rows(first_load), name="history.csv"))

    assert ("profiles_per_batch_s" in report.timings) == (connection.vendor != "sqlite")
    assert report.customers_created == len(everyday)
    assert _profiles() == everyday
    assert profiles_refresh() == {"customers_created": 0, "customers_updated": 0}, "a recount changes nothing"
    assert _profiles() == everyday
