"""MAP, one cell at a time: what the seller center's export columns are called, and how one cell
becomes one value.

See ``shared/docs/taobao-exports.md``: columns are found by header name (trailing spaces and all),
cells carry Excel quirks (``="…"``, a leading apostrophe or tab, ``123.00元``, ``No:773…``), dates
come in two shapes, and the trade state's comma may be full- or half-width. Every cleaner raises
``CellError`` with a Chinese reason that the import reports with the line number. The column
fast paths of ``mapping`` fall back to these for any cell whose shape they have not checked.
"""

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import translation

from kefu.orders.models import OrderState, ShippingMethod


class CellError(ValueError):
    pass


# canonical field -> header names, most specific first
ORDER_COLUMNS: dict[str, tuple[str, ...]] = {
    "number": ("订单编号",),
    "buyer_nick": ("买家会员名", "买家会员昵称"),
    "goods_amount": ("买家应付货款",),
    "postage": ("买家应付邮费",),
    "paid_amount": ("买家实际支付金额",),
    "state": ("订单状态",),
    "buyer_message": ("买家留言",),
    "receiver_name": ("收货人姓名",),
    "receiver_address": ("收货地址",),
    "shipping_method": ("运送方式",),
    "receiver_phone": ("联系手机", "联系电话"),
    "created_at": ("订单创建时间",),
    "paid_at": ("订单付款时间",),
    "shipped_at": ("发货时间",),
    "finished_at": ("确认收货时间",),
    "items_summary": ("宝贝标题",),
    "waybill": ("物流单号",),
    "courier": ("物流公司",),
    "platform_remark": ("订单备注", "商家备忘"),
    "item_count": ("宝贝总数量",),
    "close_reason": ("订单关闭原因",),
}
ORDER_REQUIRED = ("number", "state", "created_at")

LINE_COLUMNS: dict[str, tuple[str, ...]] = {
    "number": ("主订单编号", "订单编号"),
    "line_id": ("子订单编号",),
    "title": ("标题", "宝贝标题"),
    "price": ("价格",),
    "quantity": ("购买数量",),
    "sku": ("商品属性",),
    "outer_code": ("商家编码", "外部系统编号"),
}
LINE_REQUIRED = ("number", "title", "quantity")

# the export writes the platform's Chinese wording, whatever language the desk speaks
with translation.override(None):
    STATE_BY_LABEL: dict[str, str] = {str(label): value for value, label in OrderState.choices}
STATE_BY_LABEL.update({value: value for value in OrderState.values})
# rarer platform states, mapped to where kefu's lifecycle has them
STATE_BY_LABEL["买家已签收"] = OrderState.WAIT_BUYER_CONFIRM.value  # cash on delivery, signed for
STATE_BY_LABEL["没有创建支付宝交易"] = OrderState.WAIT_BUYER_PAY.value

CLOSE_REASON_NONE = "订单未关闭"


def column_map(header: list[str], columns: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """field -> column index, by header name; unknown columns are ignored."""
    names = [strip_cell(h) for h in header]
    found = {}
    for field, aliases in columns.items():
        for alias in aliases:
            if alias in names:
                found[field] = names.index(alias)
                break
    return found


def detect_kind(header: list[str]) -> str | None:
    """``"orders"`` (订单报表), ``"lines"`` (宝贝报表) or None."""
    names = {strip_cell(h) for h in header}
    if "订单状态" in names and ("收货人姓名" in names or "买家会员名" in names) and "订单编号" in names:
        return "orders"
    if {"标题", "购买数量"} <= names or {"宝贝标题", "购买数量"} <= names:
        return "lines"
    return None


def strip_cell(value) -> str:
    """Remove the wrappers Excel and the exporter put around values: ``="…"``, ``'``, tabs, spaces."""
    if value is None:
        return ""
    s = str(value).strip()
    # Most cells wear no wrapper: one look at both ends instead of six string operations.
    if not s or (s[0] not in _WRAPPERS and s[-1] != "\ufeff"):
        return s
    s = s.strip("\ufeff").strip()
    if s.startswith('="') and s.endswith('"'):
        s = s[2:-1].strip()
    elif s.startswith("="):
        s = s[1:].strip().strip('"')
    if s.startswith("'"):
        s = s[1:].strip()
    return s


_WRAPPERS = frozenset("='\ufeff")


def order_number(value) -> str:
    s = strip_cell(value)
    if not s:
        raise CellError("订单编号为空")
    if not s.isdigit() or len(s) > 32:
        raise CellError(f"订单编号无效：{s[:40]}")
    return s


_ZERO = Decimal("0.00")


def money(value) -> Decimal:
    s = strip_cell(value)
    # The common shape, ``123.00``: already non-negative and to the cent.
    whole, _dot, cents = s.partition(".")
    if len(cents) == 2 and whole.isdigit() and cents.isdigit() and s.isascii():
        return Decimal(s)
    s = s.replace("元", "").replace("￥", "").replace("¥", "").replace(",", "").strip()
    if not s:
        return _ZERO
    try:
        amount = Decimal(s).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise CellError(f"金额无效：{s[:20]}") from None
    if amount < 0:
        raise CellError(f"金额不能为负：{s[:20]}")
    return amount


def count(value) -> int:
    s = strip_cell(value)
    if s.isdigit() and s.isascii():
        return int(s)
    if not s:
        return 0
    try:
        n = int(Decimal(s))
    except (InvalidOperation, ValueError):
        raise CellError(f"数量无效：{s[:20]}") from None
    if n < 0:
        raise CellError(f"数量不能为负：{s[:20]}")
    return n


def trade_state(value) -> str:
    s = strip_cell(value)
    state = STATE_BY_LABEL.get(s)
    if state is not None:
        return state
    s = s.replace(",", "，").replace(" ", "")
    try:
        return STATE_BY_LABEL[s]
    except KeyError:
        raise CellError(f"未知的订单状态：{s[:30]}") from None


def shipping_method(value) -> str:
    s = strip_cell(value)
    if "平邮" in s:
        return ShippingMethod.SURFACE
    if "自动发货" in s:
        return ShippingMethod.AUTO_DELIVERY
    if "虚拟" in s:
        return ShippingMethod.VIRTUAL
    return ShippingMethod.EXPRESS  # 快递, EMS, 无需物流, blank: the 10-day rule


def waybill(value) -> str:
    s = strip_cell(value)
    if s[:3].lower() == "no:" or s[:3] == "No：":
        s = s[3:].strip()
    return s[:64]


def province(address: str) -> str:
    """Addresses read ``省 市 区 详细(邮编)``: the province is the first word."""
    return address.split(maxsplit=1)[0][:16] if address.strip() else ""


SECONDS = frozenset(f":{n:02d}" for n in range(60))  # the tail of 'yyyy-MM-dd HH:mm:ss'
_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]+(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?)?$")


class TimeParser:
    """Shop-local export times → what the database stores (UTC), fast on the common shape.

    The UTC offset is looked up once per calendar day, so a million rows cost a few hundred
    zone look-ups, not a million.
    """

    def __init__(self, *, as_text: bool):
        self.zone = ZoneInfo(settings.TIME_ZONE)
        self.as_text = as_text  # SQLite stores 'YYYY-MM-DD HH:MM:SS' UTC text; PostgreSQL takes datetimes
        self._offsets: dict[tuple[int, int, int], timedelta] = {}
        # 'yyyy-MM-dd HH:mm' -> that minute as stored, without its seconds ('…HH:MM' as text): an
        # export spans a few ten thousand minutes, so most cells cost a look-up and a concatenation
        self.minute_prefixes: dict[str, object] = {}
        # whole cells without seconds (Excel's 'yyyy/M/d H:mm') -> stored value
        self._minutes: dict[str, object] = {}
        self.seen = self._minutes.get

    def __call__(self, value):
        s = strip_cell(value)
        if not s:
            return None
        if len(s) == 19 and s[16] == ":" and s[17:].isdigit() and s[17:] < "60" and s.isascii():
            minute = self.minute_prefixes.get(s[:16])
            if minute is None:
                stored = self._parse(s)  # validates, and says what is wrong with the cell itself
                if len(self.minute_prefixes) > 100_000:
                    self.minute_prefixes.clear()
                self.minute_prefixes[s[:16]] = stored[:16] if self.as_text else stored.replace(second=0)
                return stored
            if self.as_text:
                return minute + s[16:]
            return minute.replace(second=int(s[17:]))
        stored = self._minutes.get(s)
        if stored is None:
            stored = self._parse(s)
            if len(s) <= 16:  # no seconds: Excel's shape
                if len(self._minutes) > 100_000:
                    self._minutes.clear()
                self._minutes[s] = stored
        return stored

    def _parse(self, s: str):
        try:
            if len(s) == 19 and s[4] == "-" and s[10] == " ":
                local = datetime(
                    int(s[:4]), int(s[5:7]), int(s[8:10]), int(s[11:13]), int(s[14:16]), int(s[17:])
                )
            else:
                m = _DATE.match(s)
                if not m:
                    raise ValueError
                local = datetime(*(int(g) if g else 0 for g in m.groups()))
        except ValueError:
            raise CellError(f"时间格式无效：{s[:25]}") from None
        day = (local.year, local.month, local.day)
        offset = self._offsets.get(day)
        if offset is None:
            offset = self._offsets[day] = self.zone.utcoffset(local.replace(hour=12))
        return self.stored((local - offset).replace(tzinfo=UTC))

    def stored(self, utc: datetime):
        """An aware UTC time as the database column takes it."""
        return utc.replace(tzinfo=None).isoformat(" ") if self.as_text else utc

    def now(self):
        return self.stored(datetime.now(UTC).replace(microsecond=0))
