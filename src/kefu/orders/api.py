"""The orders API (/api/v1/orders/): one small view per operation, calling the same services as the pages.

Each operation's input is the page's form (``forms.py``), validated by ``form_input``, so the page
and the API accept the same things. Writes that change an order accept the ``version`` the client
last saw; a stale one is refused with 400 so that two agents cannot overwrite each other's review.
"""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from kefu.core.api import paginate
from kefu.core.operations import form_input, form_schema
from kefu.orders import forms, lifecycle, reminders, rulebook, selectors, services
from kefu.orders.models import FlagColour, OrderImport, OrderState, ReminderChannel, ReminderScript

TAG = "订单"


# --- output ---------------------------------------------------------------------------------


class OrderLineOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    sku = serializers.CharField()
    quantity = serializers.IntegerField()
    price = serializers.DecimalField(max_digits=10, decimal_places=2)
    is_gift = serializers.BooleanField()


class RemarkOutputSerializer(serializers.Serializer):
    text = serializers.CharField()
    flag = serializers.CharField()
    author = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_author(self, remark) -> str:
        return (remark.author.get_full_name() or remark.author.username) if remark.author else ""


class ReminderOutputSerializer(serializers.Serializer):
    sequence = serializers.IntegerField()
    channel = serializers.CharField()
    reason = serializers.CharField()
    feedback = serializers.CharField()
    agent = serializers.CharField(source="agent.username", default=None, allow_null=True)
    created_at = serializers.DateTimeField()


class OrderOutputSerializer(serializers.Serializer):
    """An order in a list; ``state`` is the platform's own wording."""

    number = serializers.CharField()
    state = serializers.CharField(
        source="state_label", help_text="平台显示的订单状态，如“买家已付款，等待卖家发货”"
    )
    state_code = serializers.CharField(source="state")
    buyer_nick = serializers.CharField()
    receiver_name = serializers.CharField()
    receiver_phone = serializers.CharField()
    receiver_province = serializers.CharField()
    goods = serializers.DecimalField(source="goods_amount", max_digits=12, decimal_places=2)
    postage = serializers.DecimalField(max_digits=10, decimal_places=2)
    paid = serializers.DecimalField(source="paid_amount", max_digits=12, decimal_places=2)
    item_count = serializers.IntegerField()
    courier = serializers.CharField()
    waybill = serializers.CharField()
    flag = serializers.CharField()
    created_at = serializers.DateTimeField()
    paid_at = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField()


class OrderDetailOutputSerializer(OrderOutputSerializer):
    shipping_method = serializers.CharField()
    receiver_address = serializers.CharField()
    items_summary = serializers.CharField()
    buyer_message = serializers.CharField()
    platform_remark = serializers.CharField()
    flag_label = serializers.SerializerMethodField()
    shipped_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    close_reason = serializers.CharField()
    auto_confirmed = serializers.BooleanField()
    reviewed_at = serializers.DateTimeField(allow_null=True)
    reviewed_by = serializers.CharField(source="reviewed_by.username", default=None, allow_null=True)
    payment_deadline = serializers.SerializerMethodField()
    confirm_deadline = serializers.SerializerMethodField()
    review_warnings = serializers.SerializerMethodField()
    lines = OrderLineOutputSerializer(many=True)
    remarks = RemarkOutputSerializer(many=True)
    reminders = ReminderOutputSerializer(many=True)

    def get_flag_label(self, order) -> str:
        return rulebook.flag_label(order.flag)

    def get_payment_deadline(self, order) -> str | None:
        deadline = lifecycle.payment_deadline(order)
        return deadline.isoformat() if deadline else None

    def get_confirm_deadline(self, order) -> str | None:
        deadline = lifecycle.confirm_deadline(order)
        return deadline.isoformat() if deadline else None

    def get_review_warnings(self, order) -> list[str]:
        return rulebook.review_warnings(order) if order.state == OrderState.WAIT_SELLER_SEND else []


def order_as_json(order) -> dict:
    """What ``kefu orders show --json`` prints: the API's detail representation."""
    return OrderDetailOutputSerializer(order).data


def _order(number: str):
    return selectors.order_get(number=number)


# --- orders ----------------------------------------------------------------------------------


class OrderListApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary="查找订单（订单号、买家、手机、运单号）",
        parameters=[
            OpenApiParameter("q", str),
            OpenApiParameter("state", str, enum=OrderState.values),
            OpenApiParameter("flag", str, enum=[c for c in FlagColour.values if c]),
            OpenApiParameter("page", int),
        ],
        responses=OrderOutputSerializer(many=True),
    )
    def get(self, request):
        qs = selectors.order_search(
            q=request.query_params.get("q", ""),
            state=request.query_params.get("state") or None,
            flag=request.query_params.get("flag") or None,
        )
        return paginate(request, qs, OrderOutputSerializer)


class OrderDetailApi(APIView):
    @extend_schema(tags=[TAG], summary="订单详情", responses=OrderDetailOutputSerializer)
    def get(self, request, number):
        return Response(OrderDetailOutputSerializer(_order(number)).data)


class OrderTransitionApi(APIView):
    @extend_schema(tags=[TAG], summary="变更订单状态（非法变更返回 400）", request=form_schema(forms.TransitionForm),
                   responses=OrderDetailOutputSerializer)  # fmt: skip
    def post(self, request, number):
        data = dict(form_input(forms.TransitionForm, request))
        lifecycle.order_transition(order=_order(number), by=request.user, to=data.pop("state"), **data)
        return Response(OrderDetailOutputSerializer(_order(number)).data)


class TermsChangedApi(APIView):
    @extend_schema(tags=[TAG], summary="记录卖家修改了交易条件（未付款超时重新计算）", request=None,
                   responses=OrderDetailOutputSerializer)  # fmt: skip
    def post(self, request, number):
        services.order_terms_changed(order=_order(number), by=request.user)
        return Response(OrderDetailOutputSerializer(_order(number)).data)


class OrderRemarkApi(APIView):
    @extend_schema(tags=[TAG], summary="添加备注（可同时设置旗帜）", request=form_schema(forms.RemarkForm),
                   responses=RemarkOutputSerializer)  # fmt: skip
    def post(self, request, number):
        data = form_input(forms.RemarkForm, request)
        remark = services.order_remark_add(
            order=_order(number),
            by=request.user,
            text=data["text"],
            flag=data["flag"] or None,
            expected_version=data["version"],
        )
        return Response(RemarkOutputSerializer(remark).data, status=201)


class OrderFlagApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary="设置旗帜",
        request=form_schema(forms.FlagForm),
        responses=OrderDetailOutputSerializer,
    )
    def post(self, request, number):
        data = form_input(forms.FlagForm, request)
        services.order_flag_set(
            order=_order(number), by=request.user, flag=data["flag"], expected_version=data["version"]
        )
        return Response(OrderDetailOutputSerializer(_order(number)).data)


# --- review ------------------------------------------------------------------------------------


class ReviewQueueItemSerializer(OrderOutputSerializer):
    warnings = serializers.SerializerMethodField()
    bulk_confirmable = serializers.SerializerMethodField()
    buyer_message = serializers.CharField()

    def get_warnings(self, order) -> list[str]:
        return rulebook.review_warnings(order)

    def get_bulk_confirmable(self, order) -> bool:
        return rulebook.bulk_confirmable(order)


class ReviewQueueApi(APIView):
    @extend_schema(
        tags=[TAG], summary="待审核订单（已付款未发货）", responses=ReviewQueueItemSerializer(many=True)
    )
    def get(self, request):
        return paginate(request, selectors.review_queue(), ReviewQueueItemSerializer)


class ReviewConfirmApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary="审核确认",
        request=form_schema(forms.VersionedForm),
        responses=OrderDetailOutputSerializer,
    )
    def post(self, request, number):
        data = form_input(forms.VersionedForm, request)
        services.order_review_confirm(order=_order(number), by=request.user, expected_version=data["version"])
        return Response(OrderDetailOutputSerializer(_order(number)).data)


# the form's schema, but its order numbers are text to the documentation (the form checks them)
class _BulkConfirmInput(form_schema(forms.BulkConfirmForm)):  # type: ignore[misc]
    numbers = serializers.ListField(child=serializers.CharField(), max_length=500, help_text="订单编号")


class ReviewBulkConfirmApi(APIView):
    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "OrderReviewBulkConfirmOutput"

        confirmed = serializers.IntegerField()
        skipped = serializers.ListField(
            child=serializers.CharField(), help_text="不符合批量审核条件、需要逐单审核的订单号"
        )

    @extend_schema(tags=[TAG], summary="批量审核（少于 5 件且无特殊要求）", request=_BulkConfirmInput,
                   responses=OutputSerializer)  # fmt: skip
    def post(self, request):
        numbers = form_input(forms.BulkConfirmForm, request)["numbers"]
        ids = dict(selectors.order_search().filter(number__in=numbers).values_list("pk", "number"))
        result = services.order_review_bulk_confirm(order_ids=list(ids), by=request.user)
        skipped = [ids[pk] for pk in result["skipped"]] + [n for n in numbers if n not in ids.values()]
        return Response({"confirmed": result["confirmed"], "skipped": skipped})


class GiftAddApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary="添加赠品",
        request=form_schema(forms.GiftForm),
        responses=OrderLineOutputSerializer,
    )
    def post(self, request, number):
        data = dict(form_input(forms.GiftForm, request))
        version = data.pop("version")
        line = services.order_gift_add(
            order=_order(number), by=request.user, expected_version=version, **data
        )
        return Response(OrderLineOutputSerializer(line).data, status=201)


class CourierChangeApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary="修改快递",
        request=form_schema(forms.CourierForm),
        responses=OrderDetailOutputSerializer,
    )
    def post(self, request, number):
        data = form_input(forms.CourierForm, request)
        services.order_courier_change(
            order=_order(number), by=request.user, courier=data["courier"], expected_version=data["version"]
        )
        return Response(OrderDetailOutputSerializer(_order(number)).data)


class AddressEditApi(APIView):
    @extend_schema(tags=[TAG], summary="修改收货信息（记录修改人和时间）", request=form_schema(forms.AddressForm),
                   responses=OrderDetailOutputSerializer)  # fmt: skip
    def post(self, request, number):
        data = dict(form_input(forms.AddressForm, request))
        version = data.pop("version")
        services.order_address_edit(order=_order(number), by=request.user, expected_version=version, **data)
        return Response(OrderDetailOutputSerializer(_order(number)).data)


class RecheckRowSerializer(serializers.Serializer):
    order = OrderOutputSerializer()
    waited_minutes = serializers.SerializerMethodField()
    late = serializers.BooleanField(help_text="截单时间前已付款却仍未发出")

    def get_waited_minutes(self, row) -> int:
        return int(row.waited.total_seconds() // 60)


class RecheckListApi(APIView):
    @extend_schema(
        tags=[TAG], summary="下班前复查：已付款未发货的订单", responses=RecheckRowSerializer(many=True)
    )
    def get(self, request):
        return Response(RecheckRowSerializer(selectors.recheck_list(), many=True).data)


# --- payment reminders ---------------------------------------------------------------------------


class ReminderQueueItemSerializer(OrderOutputSerializer):
    reminder_count = serializers.IntegerField()
    last_reminder_at = serializers.DateTimeField(allow_null=True)
    first_time_buyer = serializers.BooleanField()


class ReminderQueueApi(APIView):
    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "OrderReminderQueueOutput"

        in_call_window = serializers.BooleanField()
        next_call_window = serializers.DateTimeField(allow_null=True)
        recovered_today_orders = serializers.IntegerField()
        recovered_today_amount = serializers.DecimalField(max_digits=14, decimal_places=2)
        results = ReminderQueueItemSerializer(many=True)

    @extend_schema(tags=[TAG], summary="催付队列（拍下超过 10 分钟未付款）", responses=OutputSerializer)
    def get(self, request):
        now = timezone.now()
        recovered = selectors.reminders_recovered_today(now=now)
        queue = selectors.reminder_queue(now=now)[:500]
        return Response(
            {
                "in_call_window": rulebook.in_call_window(now),
                "next_call_window": rulebook.next_call_window(now),
                "recovered_today_orders": recovered.orders,
                "recovered_today_amount": recovered.amount,
                "results": ReminderQueueItemSerializer(queue, many=True).data,
            }
        )


class ReminderRecordApi(APIView):
    @extend_schema(tags=[TAG], summary="记录一次催付（自动加紫旗备注）", request=form_schema(forms.ReminderForm),
                   responses=ReminderOutputSerializer)  # fmt: skip
    def post(self, request, number):
        data = form_input(forms.ReminderForm, request)
        reminder = reminders.reminder_record(order=_order(number), by=request.user, **data)
        return Response(ReminderOutputSerializer(reminder).data, status=201)


class ScriptSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=60)
    channel = serializers.ChoiceField(choices=ReminderChannel.choices, default=ReminderChannel.IM)
    text = serializers.CharField()


class ScriptListApi(APIView):
    @extend_schema(tags=[TAG], summary="催付话术", responses=ScriptSerializer(many=True))
    def get(self, request):
        return Response(ScriptSerializer(ReminderScript.objects.all(), many=True).data)

    @extend_schema(
        tags=[TAG],
        summary="新建话术（主管）",
        request=form_schema(forms.ScriptForm),
        responses=ScriptSerializer,
    )
    def post(self, request):
        data = form_input(forms.ScriptForm, request)
        script = reminders.script_create(by=request.user, **data)
        return Response(ScriptSerializer(script).data, status=201)


class ScriptDetailApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary="修改话术（主管）",
        request=form_schema(forms.ScriptForm),
        responses=ScriptSerializer,
    )
    def put(self, request, pk):
        script = get_object_or_404(ReminderScript, pk=pk)
        data = form_input(forms.ScriptForm, request)
        script = reminders.script_update(script=script, by=request.user, **data)
        return Response(ScriptSerializer(script).data)

    @extend_schema(tags=[TAG], summary="删除话术（主管）", responses={204: None})
    def delete(self, request, pk):
        reminders.script_delete(script=get_object_or_404(ReminderScript, pk=pk), by=request.user)
        return Response(status=204)


class ScriptRenderApi(APIView):
    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "OrderScriptRenderOutput"

        text = serializers.CharField()

    @extend_schema(tags=[TAG], summary="用订单填好话术", responses=OutputSerializer)
    def get(self, request, pk, number):
        script = get_object_or_404(ReminderScript, pk=pk)
        return Response({"text": reminders.script_render(script=script, order=_order(number))})


# --- imports --------------------------------------------------------------------------------------


class ImportOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    original_name = serializers.CharField()
    status = serializers.CharField()
    percent = serializers.IntegerField()
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    lines = serializers.IntegerField()
    error_count = serializers.IntegerField()
    errors = serializers.JSONField(help_text="[行号, 原因]，最多 500 条")
    message = serializers.CharField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)


class ImportStartApi(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(tags=[TAG], summary="上传订单报表并开始导入",
                   request={"multipart/form-data": form_schema(forms.ImportForm)},
                   responses={202: ImportOutputSerializer})  # fmt: skip
    def post(self, request):
        data = form_input(forms.ImportForm, request)
        job = services.order_import_start(
            by=request.user, file=data["file"], lines_file=data.get("lines_file")
        )
        job.refresh_from_db()
        return Response(ImportOutputSerializer(job).data, status=202)


class ImportStatusApi(APIView):
    @extend_schema(tags=[TAG], summary="导入进度与结果", responses=ImportOutputSerializer)
    def get(self, request, pk):
        return Response(ImportOutputSerializer(get_object_or_404(OrderImport, pk=pk)).data)


class ImportResumeApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary="继续已中断的导入（从保存的文件重新导入，已导入的行不重复）",
        request=None,
        responses={202: ImportOutputSerializer},
    )
    def post(self, request, pk):
        job = services.order_import_resume(job=get_object_or_404(OrderImport, pk=pk), by=request.user)
        return Response(ImportOutputSerializer(job).data, status=202)
