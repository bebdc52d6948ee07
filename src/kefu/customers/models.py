"""The shop's customers and the blacklist.

A customer is known by their platform nick (买家会员名/旺旺), their phone, or both; the blacklist
lives on the row itself so one indexed lookup answers "is this buyer blacklisted?".
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class Customer(models.Model):
    name = models.CharField(_("姓名"), max_length=64, blank=True)
    buyer_nick = models.CharField(_("买家会员名/旺旺"), max_length=64, blank=True)
    im_id = models.CharField(_("其他 IM（微信等）"), max_length=64, blank=True)
    phone = models.CharField(_("手机"), max_length=32, blank=True, db_index=True)
    company = models.CharField(_("公司"), max_length=120, blank=True)
    address = models.CharField(_("地址"), max_length=255, blank=True)
    note = models.TextField(_("备注"), blank=True)

    # Misdescriptions since the last fresh start (a lift resets it); the total stays in the history.
    misdescription_count = models.PositiveIntegerField(_("虚假描述次数"), default=0)
    blacklisted = models.BooleanField(_("黑名单"), default=False, db_index=True)
    blacklisted_at = models.DateTimeField(_("加入黑名单时间"), null=True, blank=True)
    blacklist_reason = models.CharField(_("加入黑名单原因"), max_length=255, blank=True)
    blacklisted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("客户")
        verbose_name_plural = _("客户")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(Lower("buyer_nick"), name="customer_nick_lower"),
            models.Index(Lower("im_id"), name="customer_im_lower"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name or self.buyer_nick or self.im_id or self.phone or f"#{self.pk}"
