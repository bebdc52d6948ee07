"""The customers' REST API (/api/v1/customers/): profiles, the blacklist and its lookup."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from kefu.core.api import paginate
from kefu.core.operations import form_input, form_schema
from kefu.customers import forms, selectors, services
from kefu.customers.models import Customer

TAG = "客户"


class CustomerOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    display_name = serializers.CharField()
    buyer_nick = serializers.CharField()
    im_id = serializers.CharField()
    phone = serializers.CharField()
    company = serializers.CharField()
    address = serializers.CharField()
    note = serializers.CharField()
    misdescription_count = serializers.IntegerField()
    blacklisted = serializers.BooleanField()
    blacklisted_at = serializers.DateTimeField(allow_null=True)
    blacklist_reason = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    class Meta:
        ref_name = "Customer"


class CustomerListApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary="客户列表",
        operation_id="customers_list",
        parameters=[OpenApiParameter("q", str), OpenApiParameter("blacklisted", bool)],
        responses=CustomerOutputSerializer(many=True),
    )
    def get(self, request):
        raw = request.query_params.get("blacklisted")
        black = None if raw in (None, "") else raw in ("1", "true")
        qs = selectors.customer_list(q=request.query_params.get("q", ""), blacklisted=black)
        return paginate(request, qs, CustomerOutputSerializer)

    @extend_schema(
        tags=[TAG],
        summary="添加客户",
        operation_id="customers_create",
        request=form_schema(forms.CustomerForm, "CustomerFields"),
        responses={201: CustomerOutputSerializer},
    )
    def post(self, request):
        data = form_input(forms.CustomerForm, request)
        customer = services.customer_create(by=request.user, **data)
        return Response(CustomerOutputSerializer(customer).data, status=status.HTTP_201_CREATED)


class CustomerDetailApi(APIView):
    @extend_schema(
        tags=[TAG], summary="客户详情", operation_id="customers_get", responses=CustomerOutputSerializer
    )
    def get(self, request, pk: int):
        return Response(CustomerOutputSerializer(get_object_or_404(Customer, pk=pk)).data)

    @extend_schema(
        tags=[TAG],
        summary="修改客户资料",
        operation_id="customers_update",
        request=form_schema(forms.CustomerForm, "CustomerFields"),
        responses=CustomerOutputSerializer,
    )
    def patch(self, request, pk: int):
        # A PATCH changes only the fields it names; the form checks them as the page does.
        data = form_input(forms.CustomerForm, request)
        given = {k: v for k, v in data.items() if k in request.data}
        customer = services.customer_update(
            customer=get_object_or_404(Customer, pk=pk), by=request.user, **given
        )
        return Response(CustomerOutputSerializer(customer).data)


class CustomerBlacklistApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary="加入黑名单（主管）",
        operation_id="customers_blacklist",
        request=form_schema(forms.ReasonForm, "BlacklistReason"),
        responses=CustomerOutputSerializer,
    )
    def post(self, request, pk: int):
        data = form_input(forms.ReasonForm, request)
        customer = services.customer_blacklist_add(
            customer=get_object_or_404(Customer, pk=pk), by=request.user, **data
        )
        return Response(CustomerOutputSerializer(customer).data)


class CustomerBlacklistLiftApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary="解除黑名单（主管）",
        operation_id="customers_blacklist_lift",
        request=form_schema(forms.ReasonForm, "BlacklistReason"),
        responses=CustomerOutputSerializer,
    )
    def post(self, request, pk: int):
        data = form_input(forms.ReasonForm, request)
        customer = services.customer_blacklist_lift(
            customer=get_object_or_404(Customer, pk=pk), by=request.user, **data
        )
        return Response(CustomerOutputSerializer(customer).data)


class BlacklistCheckApi(APIView):
    class OutputSerializer(serializers.Serializer):
        blacklisted = serializers.BooleanField()
        customer = CustomerOutputSerializer(allow_null=True)

        class Meta:
            ref_name = "BlacklistCheck"

    @extend_schema(
        tags=[TAG],
        summary="查询是否在黑名单（会员名不区分大小写，或手机）",
        operation_id="customers_blacklist_check",
        parameters=[OpenApiParameter("buyer_nick", str), OpenApiParameter("phone", str)],
        responses=OutputSerializer,
    )
    def get(self, request):
        entry = selectors.blacklist_entry_for(
            buyer_nick=request.query_params.get("buyer_nick", ""), phone=request.query_params.get("phone", "")
        )
        return Response(
            {
                "blacklisted": entry is not None,
                "customer": CustomerOutputSerializer(entry).data if entry else None,
            }
        )
