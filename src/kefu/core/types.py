"""Types the apps' services and selectors share in their signatures."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.auth.models import User as User
else:  # at run time the concrete class is whatever AUTH_USER_MODEL names; the hint is for mypy
    from django.contrib.auth.models import AbstractUser as User

__all__ = ["User"]
