"""Who sees which figures: a supervisor every agent's and the shop's, an agent only her own."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from kefu.core import roles
from kefu.core.types import User


def sees_everyone(user: User | None) -> bool:
    return roles.has_role(user, roles.SUPERVISOR)


def access_shop_figures(*, user: User | None) -> None:
    """The shop's totals (sales, the dashboard) are for supervisors."""
    roles.require_staff(user)
    if not sees_everyone(user):
        raise PermissionDenied(_("店铺整体报表只有主管可以查看；您可以在“我的数据”里查看自己的数据。"))


def access_agents(*, user: User | None, agent_id: int | None = None) -> list[int] | None:
    """The agents whose figures ``user`` may read: ``None`` means everyone (a supervisor)."""
    roles.require_staff(user)
    if sees_everyone(user):
        return [agent_id] if agent_id else None
    own = user.pk  # type: ignore[union-attr]
    if agent_id and agent_id != own:
        raise PermissionDenied(_("客服只能查看自己的数据。"))
    return [own]
