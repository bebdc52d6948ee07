from rest_framework.permissions import BasePermission

from kefu.core import roles


class IsStaffMember(BasePermission):
    """The API's default: only the shop's service team; public endpoints opt out explicitly."""

    def has_permission(self, request, view) -> bool:
        return roles.is_staff_member(request.user)
