import factory
from django.utils import timezone

from kefu.customers.models import Customer


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    name = "张女士"
    buyer_nick = factory.Sequence(lambda n: f"tb_buyer{n}")
    phone = factory.Sequence(lambda n: f"139{n:08d}")


class BlacklistedCustomerFactory(CustomerFactory):
    blacklisted = True
    blacklist_reason = "虚假描述物品已达 5 次"
    misdescription_count = 5
    blacklisted_at = factory.LazyFunction(timezone.now)
