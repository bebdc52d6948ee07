"""The paperwork API (/api/v1/orders/…): order changes after payment and shipping notices, with
the same inputs (``forms_paper``) and services (``paperwork``) as the pages."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from kefu.core.api import paginate
from kefu.core.operations import form_input, form_schema
from kefu.orders import forms_paper, paperwork, selectors
from kefu.orders.models import ChangeState, Order

TAG = "订单"


def _name(user) -> str | None:
    return (user.get_full_name() or user.username) if user else None


class OrderChangeOutputSerializer(serializers.Serializer):
    class Meta:
        ref_name = "OrderChangeOutput"

    id = serializers.IntegerField()
    notice_number = serializers.CharField()
    order = serializers.CharField(source="order.number")
    subject = serializers.CharField()
    subject_label = serializers.CharField(source="get_subject_display")
    before = serializers.CharField()
    after = serializers.CharField()
    customer_request = serializers.CharField()
    extra_cost = serializers.DecimalField(max_digits=10, decimal_places=2)
    state = serializers.CharField()
    requested_by = serializers.SerializerMethodField()
    requested_at = serializers.DateTimeField()
    decided_by = serializers.SerializerMethodField()
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_note = serializers.CharField()
    warehouse_notified_by = serializers.SerializerMethodField()
    warehouse_notified_at = serializers.DateTimeField(allow_null=True)
    warehouse_contact = serializers.CharField()

    def get_requested_by(self, change) -> str | None:
        return _name(change.requested_by)

    def get_decided_by(self, change) -> str | None:
        return _name(change.decided_by)

    def get_warehouse_notified_by(self, change) -> str | None:
        return _name(change.warehouse_notified_by)


def _change_out(change) -> dict:
    return OrderChangeOutputSerializer(paperwork.order_change_get(pk=change.pk)).data


class OrderChangeListApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary="订单更改通知书",
        parameters=[OpenApiParameter("state", str, enum=ChangeState.values), OpenApiParameter("page", int)],
        responses=OrderChangeOutputSerializer(many=True),
    )
    def get(self, request):
        state = request.query_params.get("state") or None
        if state not in (None, *ChangeState.values):
            raise serializers.ValidationError({"state": [_("未知的状态。")]})
        return paginate(request, paperwork.order_change_list(state=state), OrderChangeOutputSerializer)


class OrderChangeRequestApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary="登记订单更改（已付款未发货；等待主管批准）",
        request=form_schema(forms_paper.ChangeRequestForm),
        responses={201: OrderChangeOutputSerializer},
    )
    def post(self, request, number):
        data = form_input(forms_paper.ChangeRequestForm, request)
        change = paperwork.order_change_request(
            order=selectors.order_get(number=number), by=request.user, **data
        )
        return Response(_change_out(change), status=201)


class OrderChangeDetailApi(APIView):
    @extend_schema(tags=[TAG], summary="一份订单更改通知书", responses=OrderChangeOutputSerializer)
    def get(self, request, pk):
        return Response(OrderChangeOutputSerializer(paperwork.order_change_get(pk=pk)).data)


class OrderChangeApproveApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary="主管批准订单更改",
        request=form_schema(forms_paper.ChangeDecisionForm),
        responses=OrderChangeOutputSerializer,
    )
    def post(self, request, pk):
        data = form_input(forms_paper.ChangeDecisionForm, request)
        change = paperwork.order_change_approve(
            change=paperwork.order_change_get(pk=pk), by=request.user, note=data["note"]
        )
        return Response(_change_out(change))


class OrderChangeRefuseApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary="主管不批准订单更改（写明原因）",
        request=form_schema(forms_paper.ChangeDecisionForm),
        responses=OrderChangeOutputSerializer,
    )
    def post(self, request, pk):
        data = form_input(forms_paper.ChangeDecisionForm, request)
        change = paperwork.order_change_refuse(
            change=paperwork.order_change_get(pk=pk), by=request.user, note=data["note"]
        )
        return Response(_change_out(change))


class OrderChangeWarehouseNotifyApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary="记录已通知仓库（批准后）",
        request=form_schema(forms_paper.WarehouseNotifyForm),
        responses=OrderChangeOutputSerializer,
    )
    def post(self, request, pk):
        data = form_input(forms_paper.WarehouseNotifyForm, request)
        change = paperwork.order_change_warehouse_notify(
            change=paperwork.order_change_get(pk=pk), by=request.user, contact=data["contact"]
        )
        return Response(_change_out(change))


# --- shipping notices ------------------------------------------------------------------------------


class ShippingNoticeOutputSerializer(serializers.Serializer):
    class Meta:
        ref_name = "ShippingNoticeOutput"

    id = serializers.IntegerField()
    notice_number = serializers.CharField()
    ship_on = serializers.DateField()
    urgent = serializers.BooleanField()
    note = serializers.CharField()
    created_by = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    orders = serializers.SerializerMethodField()

    def get_created_by(self, notice) -> str | None:
        return _name(notice.created_by)

    def get_orders(self, notice) -> list[str]:
        return [entry.order.number for entry in notice.entries.all()]


class ReadyToShipSerializer(serializers.Serializer):
    class Meta:
        ref_name = "OrderReadyToShip"

    number = serializers.CharField()
    receiver_name = serializers.CharField()
    item_count = serializers.IntegerField()
    items_summary = serializers.CharField()
    paid_at = serializers.DateTimeField()
    reviewed_at = serializers.DateTimeField(allow_null=True)


# the form's schema, with the order numbers as text to the documentation (the form checks them)
class _NoticeInput(form_schema(forms_paper.ShippingNoticeForm)):  # type: ignore[misc]
    numbers = serializers.ListField(child=serializers.CharField(), max_length=500, help_text="订单编号")


class ShippingReadyApi(APIView):
    @extend_schema(tags=[TAG], summary="可以编制发货通知单的订单", responses=ReadyToShipSerializer(many=True))
    def get(self, request):
        return paginate(request, paperwork.ready_to_ship(), ReadyToShipSerializer)


class ShippingNoticeListApi(APIView):
    @extend_schema(tags=[TAG], summary="发货通知单", responses=ShippingNoticeOutputSerializer(many=True))
    def get(self, request):
        qs = paperwork.shipping_notice_list().prefetch_related("entries__order")
        return paginate(request, qs, ShippingNoticeOutputSerializer)

    @extend_schema(
        tags=[TAG],
        summary="编制发货通知单（转物控部）",
        request=_NoticeInput,
        responses={201: ShippingNoticeOutputSerializer},
    )
    def post(self, request):
        data = form_input(forms_paper.ShippingNoticeForm, request)
        numbers = data["numbers"]
        ids = dict(Order.objects.filter(shop="", number__in=numbers).values_list("number", "pk"))
        missing = [n for n in numbers if n not in ids]
        if missing:
            raise ValidationError({"numbers": _("找不到订单：%(n)s") % {"n": "、".join(missing)}})
        notice = paperwork.shipping_notice_create(
            order_ids=[ids[n] for n in numbers], by=request.user, urgent=data["urgent"], note=data["note"]
        )
        return Response(
            ShippingNoticeOutputSerializer(paperwork.shipping_notice_get(pk=notice.pk)).data, status=201
        )


class ShippingNoticeDetailApi(APIView):
    @extend_schema(tags=[TAG], summary="一张发货通知单", responses=ShippingNoticeOutputSerializer)
    def get(self, request, pk):
        return Response(ShippingNoticeOutputSerializer(paperwork.shipping_notice_get(pk=pk)).data)
