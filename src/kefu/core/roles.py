"""The four roles of a shop's service team, kept as Django groups.

Permission checks for the domain live in services and call these helpers, so the pages, the API,
the admin and the CLI all refuse the same things.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

AGENT = "客服"
AFTERSALES = "售后"
SUPERVISOR = "主管"
ADMIN = "管理员"
ALL_ROLES = (AGENT, AFTERSALES, SUPERVISOR, ADMIN)

User = AbstractBaseUser | AnonymousUser


def role_names(user: User | None) -> set[str]:
    if user is None or not user.is_authenticated or not user.is_active:
        return set()
    cached = getattr(user, "_kefu_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached.add(ADMIN)
        user._kefu_roles = cached
    return cached


def has_role(user: User | None, *roles: str) -> bool:
    """True when the user holds any of ``roles``; an admin holds every role."""
    names = role_names(user)
    return ADMIN in names or bool(names.intersection(roles))


def is_staff_member(user: User | None) -> bool:
    """Anyone on the service team (any role) may use the back office."""
    return bool(role_names(user)) or bool(user and user.is_authenticated and user.is_staff)


def require_staff(user: User | None) -> None:
    if not is_staff_member(user):
        raise PermissionDenied(_("只有客服团队成员可以执行此操作。"))


def require_role(user: User | None, *roles: str) -> None:
    if not has_role(user, *roles):
        raise PermissionDenied(
            _("您没有权限执行此操作（需要角色：%(roles)s）。") % {"roles": "、".join(roles)}
        )
