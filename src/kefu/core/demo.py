"""Demo data for ``kefu serve --demo``: each app registers a loader, run once per database."""

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from kefu.core import roles
from kefu.core.models import ShopSetting

_LOADERS: list[tuple[str, Callable[[], str]]] = []
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


def register(name: str, loader: Callable[[], str]) -> None:
    _LOADERS.append((name, loader))


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
    return out


@transaction.atomic
def shop_has_own_data() -> bool:
    """A database with people of its own (anyone but the demo logins) and no demo in it is a real
    shop: the demo neither loads into it nor touches its accounts."""
    if ShopSetting.objects.filter(key=DEMO_MARKER).exists():
        return False
    demo_names = [username for username, *_rest in DEMO_USERS]
    return get_user_model().objects.exclude(username__in=demo_names).exists()


def demo_load() -> list[str]:
    """Run every app's loader once; a second call finds the marker and loads nothing, and a real
    shop's database is left alone."""
    if ShopSetting.objects.filter(key=DEMO_MARKER).exists() or shop_has_own_data():
        return []
    ShopSetting.objects.get_or_create(key="shop_name", defaults={"value": DEMO_SHOP_NAME})
    reports = [f"{name}: {loader()}" for name, loader in _LOADERS]
    ShopSetting.objects.create(key=DEMO_MARKER, value=True)
    return reports
