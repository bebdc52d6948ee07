"""What the inbox tests share: the item a row of another app put in the inbox."""

from kefu.aftersales.models import AfterSalesCase, BadReview, Complaint
from kefu.helpcenter.models import Question
from kefu.inbox.models import WorkItem

SOURCES = {AfterSalesCase: "aftersales", Complaint: "complaint", BadReview: "review", Question: "question"}


def item_of(row) -> WorkItem:
    return WorkItem.objects.select_related("owner").get(source=SOURCES[type(row)], source_id=row.pk)
