"""Demo data for ``kefu serve --demo``: each app registers a loader, run once per database.

The demo shop has six weeks of history up to now (shop time): the same buyers, staff and days for
every app's loader, drawn from one seeded random generator per loader, so two loads on two
machines on the same day give the same shop.
"""

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, models, transaction
from django.utils import timezone

from kefu.core import roles
from kefu.core.models import ShopSetting

_LOADERS: list[tuple[int, str, Callable[[], str]]] = []
DEMO_MARKER = "demo_loaded"
# One shop, one name: the demo's articles, phrases and reminders all speak of it.
DEMO_SHOP_NAME = "天天化妆品旗舰店"

DEMO_USERS = [
    # username, password, display name, roles, superuser
    ("admin", "kefu-admin", "管理员", [roles.ADMIN], True),
    ("agent", "kefu-agent", "小美", [roles.AGENT], False),
    ("aftersales", "kefu-aftersales", "小李", [roles.AFTERSALES], False),
    ("supervisor", "kefu-supervisor", "王主管", [roles.SUPERVISOR], False),
]
# The demo logins' colleagues: they serve chats and appear in the rota and the KPI, but nobody
# logs in as them (no usable password).
DEMO_COLLEAGUES = [
    ("xiaoxue", "小雪", [roles.AGENT]),
    ("xiaozhou", "小周", [roles.AGENT]),
    ("xiaochen", "小陈", [roles.AFTERSALES]),
]
PRESALES_STAFF = ("agent", "xiaoxue", "xiaozhou")
AFTERSALES_STAFF = ("aftersales", "xiaochen")
HISTORY_DAYS = 42  # six weeks
SEED = 1111


def register(name: str, loader: Callable[[], str], *, stage: int = 0) -> None:
    """``stage``: loaders run by stage, then in the order the apps registered them; a loader of a
    lower layer that speaks of what higher ones made (visits after the orders and chats) takes a
    later stage."""
    _LOADERS.append((stage, name, loader))


def demo_users_ensure() -> list[tuple[str, str, str]]:
    """Create (or reset the password of) the demo logins; returns (username, password, roles)."""
    User = get_user_model()
    out = []
    for username, password, name, role_list, superuser in DEMO_USERS:
        user, _ = User.objects.get_or_create(username=username)
        user.first_name = name
        user.is_staff = superuser  # Django's admin is the administrator's only
        user.is_superuser = superuser
        user.set_password(password)
        user.save()
        user.groups.set(Group.objects.filter(name__in=role_list))
        out.append((username, password, "、".join(role_list)))
    for username, name, role_list in DEMO_COLLEAGUES:
        user, created = User.objects.get_or_create(username=username, defaults={"first_name": name})
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            user.groups.set(Group.objects.filter(name__in=role_list))
    return out


def demo_staff() -> dict:
    """The demo team by username (the logins and their colleagues); the missing ones are created
    (an existing login keeps its password: hashing one is slow, and ``serve`` resets them anyway)."""
    User = get_user_model()
    names = [u for u, *_rest in DEMO_USERS] + [u for u, *_rest in DEMO_COLLEAGUES]
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    if len(users) < len(names):
        for username, password, name, role_list, superuser in DEMO_USERS:
            if username not in users:
                user = User(username=username, first_name=name, is_staff=superuser, is_superuser=superuser)
                user.set_password(password)
                user.save()
                user.groups.set(Group.objects.filter(name__in=role_list))
        for username, name, role_list in DEMO_COLLEAGUES:
            if username not in users:
                user = User(username=username, first_name=name)
                user.set_unusable_password()
                user.save()
                user.groups.set(Group.objects.filter(name__in=role_list))
        users = {u.username: u for u in User.objects.filter(username__in=names)}
    return users


# --- the shared history ---------------------------------------------------------------------------


def rng(name: str) -> random.Random:
    """The loader's own generator: what one loader draws never shifts another's."""
    return random.Random(f"{SEED}:{name}")


def history_days(now: datetime | None = None) -> list[date]:
    """The shop days of the history, oldest first, today last."""
    today = timezone.localdate(now or timezone.now())
    return [today - timedelta(days=n) for n in range(HISTORY_DAYS - 1, -1, -1)]


def at(day: date, seconds: float) -> datetime:
    """The moment ``seconds`` after the shop day's midnight."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start + timedelta(seconds=seconds)


# When customers shop and chat: the share of a day in each hour (a beauty shop's evening peak).
HOURLY = [
    0.012, 0.006, 0.003, 0.002, 0.002, 0.003, 0.008, 0.018, 0.035, 0.052, 0.062, 0.060,
    0.048, 0.052, 0.058, 0.055, 0.050, 0.046, 0.045, 0.060, 0.080, 0.090, 0.095, 0.058,
]  # fmt: skip
WEEKDAY = [0.95, 0.9, 0.92, 1.0, 1.05, 1.2, 1.15]  # Monday first: weekends are busier


def day_factor(day: date) -> float:
    """How busy a day is against an ordinary Monday: the week's pattern and the promotions
    (Double-11 and its pre-sale, Double-12)."""
    factor = WEEKDAY[day.weekday()]
    if day.month == 11 and day.day == 11:
        factor *= 2.2
    elif day.month == 11 and 1 <= day.day <= 10:
        factor *= 1.15
    elif day.month == 11 and day.day == 12:
        factor *= 1.4
    elif day.month == 12 and day.day == 12:
        factor *= 1.6
    return factor


def moment_of(day: date, r: random.Random, *, now: datetime) -> datetime | None:
    """A time of the day drawn by the hourly pattern; None when it would be after now."""
    hour = r.choices(range(24), weights=HOURLY)[0]
    moment = at(day, hour * 3600 + r.random() * 3600)
    return moment if moment < now else None


@dataclass(frozen=True)
class Buyer:
    nick: str
    name: str
    phone: str
    province: str
    address: str


_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢"
)
_GIVEN = "婷静丽敏燕娟艳娜芳霞秀英慧颖琳雪梅莉佳欣怡晓悦雅倩璐瑶嘉宁思梦玲洁萍红月云蕾薇"
_NICK_WORDS = [
    "小鹿", "喵喵", "桃子", "柠檬", "奶茶", "糖糖", "七七", "阿狸", "小熊", "甜心",
    "果果", "芒果", "兔兔", "橙子", "豆豆", "可乐", "雪糕", "布丁", "樱桃", "麻薯",
]  # fmt: skip
_NICK_TAILS = ["爱美妆", "不加糖", "的日常", "要变美", "酱", "呀", "同学", "宝宝", "2024", "66", "520", "_cc"]
PROVINCES = [
    ("广东省", "广州市天河区体育西路", 12),
    ("浙江省", "杭州市西湖区文三路", 10),
    ("江苏省", "南京市鼓楼区中山路", 9),
    ("上海", "上海市浦东新区张杨路", 8),
    ("北京", "北京市朝阳区建国路", 7),
    ("山东省", "济南市历下区泉城路", 6),
    ("四川省", "成都市锦江区春熙路", 6),
    ("湖北省", "武汉市洪山区珞喻路", 5),
    ("福建省", "福州市鼓楼区五四路", 4),
    ("河南省", "郑州市金水区花园路", 4),
    ("湖南省", "长沙市岳麓区麓山南路", 4),
    ("辽宁省", "沈阳市和平区太原街", 3),
    ("陕西省", "西安市雁塔区小寨东路", 3),
    ("新疆维吾尔自治区", "乌鲁木齐市天山区解放北路", 1),
]
BUYER_COUNT = 620


def buyers() -> list[Buyer]:
    """The demo shop's buyers, the most loyal first (a few come back often, most buy once)."""
    r = rng("buyers")
    out: list[Buyer] = []
    seen: set[str] = set()
    while len(out) < BUYER_COUNT:
        if r.random() < 0.45:
            nick = f"tb_{r.choice('abcdefghjklmnpqrstwxyz')}{r.choice('aeiou')}{r.randint(100, 99999)}"
        else:
            nick = (
                r.choice(_NICK_WORDS)
                + r.choice(_NICK_TAILS)
                + (str(r.randint(1, 99)) if r.random() < 0.4 else "")
            )
        if nick in seen:
            continue
        seen.add(nick)
        province, street, _weight = r.choices(PROVINCES, weights=[p[2] for p in PROVINCES])[0]
        out.append(
            Buyer(
                nick=nick,
                name=r.choice(_SURNAMES) + r.choice(_GIVEN) + (r.choice(_GIVEN) if r.random() < 0.6 else ""),
                phone=f"1{r.choice('3578')}{r.randint(0, 9)}{r.randint(10000000, 99999999)}",
                province=province,
                address=f"{province}{street}{r.randint(1, 399)}号{r.randint(1, 30)}栋{r.randint(101, 2806)}",
            )
        )
    return out


def buyer_weights() -> list[float]:
    return [1 / (i + 1) ** 0.55 for i in range(BUYER_COUNT)]


@contextmanager
def timestamps_kept(*model_classes: type[models.Model]) -> Iterator[None]:
    """Within: rows written keep the creation times they were given (history rows from the past);
    the models' "set to now on creation" is suspended for the demo's bulk writes only."""
    fields = [
        f
        for m in model_classes
        for f in m._meta.concrete_fields
        if isinstance(f, models.DateTimeField) and f.auto_now_add
    ]
    for f in fields:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f in fields:
            f.auto_now_add = True


@transaction.atomic
def shop_has_own_data() -> bool:
    """A database with people of its own (anyone but the demo logins) and no demo in it is a real
    shop: the demo neither loads into it nor touches its accounts."""
    if ShopSetting.objects.filter(key=DEMO_MARKER).exists():
        return False
    demo_names = [username for username, *_rest in DEMO_USERS] + [u for u, *_rest in DEMO_COLLEAGUES]
    return get_user_model().objects.exclude(username__in=demo_names).exists()


@transaction.atomic
def demo_load() -> list[str]:
    """Run every app's loader once, all or nothing; a second call finds the marker and loads
    nothing, and a real shop's database is left alone."""
    if ShopSetting.objects.filter(key=DEMO_MARKER).exists() or shop_has_own_data():
        return []
    ShopSetting.objects.get_or_create(key="shop_name", defaults={"value": DEMO_SHOP_NAME})
    reports = [f"{name}: {loader()}" for _stage, name, loader in sorted(_LOADERS, key=lambda row: row[0])]
    ShopSetting.objects.create(key=DEMO_MARKER, value=True)
    return reports


def insert_rows(model: type[models.Model], rows: list[dict], *, batch: int = 2000) -> int:
    """Write many rows of plain values at once, each a dict by field (``author_id`` for a foreign
    key), the fields left out taking their defaults. For the demo's volumes (tens of thousands of
    chat messages), where building a model instance per row costs more than writing it; the times
    given are kept as they are."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    plain = (models.CharField, models.TextField, models.IntegerField, models.BooleanField, models.FloatField)
    prepare = [
        None if isinstance(f, plain) or f.is_relation else (lambda v, f=f: f.get_db_prep_save(v, connection))
        for f in fields
    ]
    now = timezone.now()
    fixed = {
        f.attname: now
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        else f.get_default()
        for f in fields
        if not callable(f.default)
    }
    made = [f for f in fields if callable(f.default)]
    qn = connection.ops.quote_name
    sql = (
        f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    names = [f.attname for f in fields]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            values = []
            for row in rows[start : start + batch]:
                full = {**fixed, **{f.attname: f.get_default() for f in made if f.attname not in row}, **row}
                values.append(
                    tuple(
                        full[name] if conv is None else conv(full[name])
                        for name, conv in zip(names, prepare, strict=True)
                    )
                )
            cursor.executemany(sql, values)
    return len(rows)
