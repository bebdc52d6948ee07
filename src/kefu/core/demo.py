"""Demo data for ``kefu serve --demo``: each app registers a loader, run once per database."""

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from kefu.core import roles
from kefu.core.models import ShopSetting

_LOADERS: list[tuple[str, Callable[[], str]]] = []
DEMO_MARKER = "demo_loaded"

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
def demo_load() -> list[str]:
    """Run every app's loader once; a second call finds the marker and loads nothing."""
    if ShopSetting.objects.filter(key=DEMO_MARKER).exists():
        return []
    reports = [f"{name}: {loader()}" for name, loader in _LOADERS]
    ShopSetting.objects.create(key=DEMO_MARKER, value=True)
    return reports
