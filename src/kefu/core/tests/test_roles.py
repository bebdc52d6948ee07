import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kefu.core import roles, shopsettings

pytestmark = pytest.mark.django_db


def test_the_four_roles_exist_as_groups():
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= {"客服", "售后", "主管", "管理员"}


def test_an_admin_holds_every_role(admin_user):
    assert roles.has_role(admin_user, roles.SUPERVISOR)


def test_an_agent_is_staff_but_not_supervisor(agent):
    assert roles.is_staff_member(agent)
    assert not roles.has_role(agent, roles.SUPERVISOR)
    with pytest.raises(PermissionDenied):
        roles.require_role(agent, roles.SUPERVISOR)


def test_a_user_without_a_role_is_not_staff(make_user):
    assert not roles.is_staff_member(make_user("outsider"))


def test_shop_setting_defaults_until_a_supervisor_changes_it(supervisor, agent):
    assert shopsettings.get("helpcenter_page_size") == 10
    with pytest.raises(PermissionDenied):
        shopsettings.shop_setting_set(key="helpcenter_page_size", value="20", by=agent)
    shopsettings.shop_setting_set(key="helpcenter_page_size", value="20", by=supervisor)
    assert shopsettings.get("helpcenter_page_size") == 20


def test_shop_setting_refuses_a_value_of_the_wrong_kind(supervisor):
    with pytest.raises(ValidationError):
        shopsettings.shop_setting_set(key="helpcenter_page_size", value="twenty", by=supervisor)
    assert shopsettings.get("helpcenter_page_size") == 10
