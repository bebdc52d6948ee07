"""What after-sales adds to the customers' pages (``kefu.core.panels``) and profile figures.

On the buyer card: the customer's open after-sales cases and open complaints (two queries). Every
sweep: the profiles' refund, complaint and bad-review counts, set-based (three UPDATEs over the
customers that have any), since the customers app sits below after-sales and never reads it.
"""

from datetime import timedelta

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString

from kefu.aftersales.models import REFUND_KINDS, AfterSalesCase, BadReview, Complaint
from kefu.customers.models import Customer


def card_open_matters(request: HttpRequest, customer) -> SafeString | None:
    cases = list(AfterSalesCase.objects.filter(customer=customer, closed_at__isnull=True).order_by("-id")[:5])
    complaints = list(Complaint.objects.filter(customer=customer, closed_at__isnull=True).order_by("-id")[:5])
    if not cases and not complaints:
        return None
    # rendered without the request: the context processors would cost queries on every card
    return render_to_string("aftersales/partials/card_open.html", {"cases": cases, "complaints": complaints})


def _count(model, **match) -> Coalesce:
    counted = (
        model.objects.filter(customer=OuterRef("pk"), **match)
        .order_by()
        .values("customer")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def customer_figures_refresh(now=None) -> dict[str, int]:
    """The refund, complaint and bad-review counts of the profiles whose counts changed (a sweep):
    only customers with a case, complaint or review, or a count above zero, are looked at."""
    figures = {
        "refunds_count": _count(AfterSalesCase, kind__in=REFUND_KINDS),
        "complaints_count": _count(Complaint),
        "bad_reviews_count": _count(BadReview),
    }
    concerned = Customer.objects.filter(
        Q(pk__in=AfterSalesCase.objects.values("customer_id"))
        | Q(pk__in=Complaint.objects.values("customer_id"))
        | Q(pk__in=BadReview.objects.values("customer_id"))
        | Q(refunds_count__gt=0)
        | Q(complaints_count__gt=0)
        | Q(bad_reviews_count__gt=0)
    )
    stale = concerned.annotate(**{f"now_{k}": v for k, v in figures.items()}).exclude(
        **{k: F(f"now_{k}") for k in figures}
    )
    changed = Customer.objects.filter(pk__in=stale.values("pk")).update(**figures)
    return {"customer_figures": changed}


def case_closed_within(value: str) -> QuerySet:
    """The member names of customers whose after-sales case closed in the last N days (回访)."""
    try:
        days = max(1, min(int(str(value).strip()), 3650))
    except ValueError:
        return Customer.objects.none().values("buyer_nick")
    since = timezone.now() - timedelta(days=days)
    return Customer.objects.filter(
        pk__in=AfterSalesCase.objects.filter(closed_at__gte=since).values("customer_id")
    ).values("buyer_nick")
