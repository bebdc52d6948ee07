"""One operation, one input definition, two doors.

Every write the back office offers is one operation: one URL, one view, one service call. Its input
is one Django form (the app's ``forms.py``); the page validates ``request.POST`` with it and the API
validates the JSON body with the same form, so the page and the API cannot disagree about what is
valid. The service still has the last word (state, permission, the shop's rules) and raises
``ValidationError``/``PermissionDenied``; the page shows those beside the fields, the API answers
400/403.

Page side::

    class CaseRefuse(OperationPage):
        form_class = forms.RefuseForm
        def get_object(self): return selectors.case_get(pk=self.kwargs["pk"])
        def perform(self, case, data): services.case_refuse(case=case, by=self.request.user, **data)
        def success_message(self, case, result): return _("已拒绝。")
        def success_url(self, case, result): return reverse("aftersales:case", args=[case.pk])
        def invalid(self, case, form): return case_detail_page(self.request, case, bound={"refuse": form})

API side::

    class CaseRefuseApi(APIView):
        @extend_schema(request=form_schema(forms.RefuseForm), responses=CaseOutput)
        def post(self, request, pk):
            data = form_input(forms.RefuseForm, request)
            case = services.case_refuse(case=..., by=request.user, **data)
            return Response(CaseOutput(case).data)
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect, QueryDict
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from rest_framework import exceptions, serializers
from rest_framework.request import Request

from kefu.core import roles
from kefu.core.forms import apply_service_errors
from kefu.core.spreadsheets import text_clean

# --- both doors ---------------------------------------------------------------------------------


def _clean_value(value: Any) -> Any:
    if isinstance(value, str):
        return text_clean(value)
    if isinstance(value, list | tuple):
        return [_clean_value(v) for v in value]
    return value


def clean_input(data: QueryDict) -> QueryDict:
    """The input without control characters (tab and line breaks kept), before any form sees it.

    Text pasted from a chat window or a buyer's message can carry invisible control characters;
    stored, they break every export of the register and the Excel files the shop opens later.
    """
    cleaned = data.copy()  # a QueryDict is immutable, and holds several values per key
    for key, values in data.lists():
        cleaned.setlist(key, [_clean_value(v) for v in values])
    return cleaned


# --- the API door ------------------------------------------------------------------------------


class _JSONData(dict):
    """A dict that answers ``getlist`` the way a posted QueryDict does, for multiple-choice fields."""

    def getlist(self, key: str, default: Any = None) -> list:
        value = self.get(key, default if default is not None else [])
        return list(value) if isinstance(value, list | tuple) else [value]


def _form_data(data: Any) -> Any:
    """JSON bodies carry numbers, booleans and lists; a form reads them like posted strings."""
    if hasattr(data, "getlist"):  # a QueryDict from a form post or multipart upload
        return clean_input(data)
    if not isinstance(data, Mapping):
        raise exceptions.ValidationError({"detail": [_("请求体应为 JSON 对象。")]})
    out = _JSONData()
    for key, value in data.items():
        if value is None:
            out[key] = ""
        elif isinstance(value, bool):
            # CheckboxInput reads "false"/"true"; a NullBooleanSelect reads the same words.
            out[key] = "true" if value else "false"
        else:
            out[key] = _clean_value(value)
    return out


def form_input(form_class: type[forms.Form], request: Request, **form_kwargs: Any) -> dict[str, Any]:
    """Validate an API request with the operation's form: its ``cleaned_data``, or a 400 that names
    each bad field exactly as the page would."""
    data = _form_data(request.data)
    form = form_class(data=data, files=getattr(request, "FILES", None) or None, **form_kwargs)
    if not form.is_valid():
        raise exceptions.ValidationError(form_errors(form))
    return form.cleaned_data


def form_errors(form: forms.BaseForm) -> dict[str, list[str]]:
    """A form's errors as the API shows them: ``{"field": [...], "detail": [...]}``."""
    out: dict[str, list[str]] = {}
    for field, errors in form.errors.items():
        out["detail" if field == NON_FIELD_ERRORS else field] = [str(e) for e in errors]
    return out


def _choices(field: forms.ChoiceField) -> list:
    return [choice for choice in field.choices if choice[0] != ""]  # type: ignore[union-attr, index]


def _serializer_field(field: forms.Field) -> serializers.Field:
    common: dict[str, Any] = {
        "required": field.required,
        "help_text": str(field.help_text or field.label or "") or None,
    }
    if isinstance(field, forms.BooleanField | forms.NullBooleanField):
        return serializers.BooleanField(required=False, help_text=common["help_text"])
    if isinstance(field, forms.ModelMultipleChoiceField):
        return serializers.ListField(child=serializers.IntegerField(), **common)
    if isinstance(field, forms.ModelChoiceField):
        return serializers.IntegerField(allow_null=not field.required, **common)
    if isinstance(field, forms.MultipleChoiceField):
        return serializers.ListField(child=serializers.ChoiceField(choices=_choices(field)), **common)
    if isinstance(field, forms.TypedChoiceField | forms.ChoiceField):
        return serializers.ChoiceField(choices=_choices(field), **common)
    if isinstance(field, forms.ImageField | forms.FileField):
        return serializers.FileField(**common)
    if isinstance(field, forms.IntegerField):
        limits: dict[str, Any] = {"min_value": field.min_value, "max_value": field.max_value}
        common.update({k: v for k, v in limits.items() if isinstance(v, int)})
        return serializers.IntegerField(**common)
    if isinstance(field, forms.DecimalField):
        return serializers.DecimalField(
            max_digits=field.max_digits, decimal_places=field.decimal_places, coerce_to_string=False, **common
        )
    if isinstance(field, forms.FloatField):
        return serializers.FloatField(**common)
    if isinstance(field, forms.DateTimeField):
        return serializers.DateTimeField(**common)
    if isinstance(field, forms.DateField):
        return serializers.DateField(**common)
    if isinstance(field, forms.EmailField):
        return serializers.EmailField(**common)
    if isinstance(field, forms.CharField):
        return serializers.CharField(max_length=field.max_length, allow_blank=not field.required, **common)
    return serializers.CharField(**common)


@cache
def form_schema(form_class: type[forms.Form], name: str | None = None) -> type[serializers.Serializer]:
    """A serializer that describes the form's fields, for the API documentation only: validation
    is the form's. Fields added in the form's ``__init__`` are included."""
    try:
        fields = form_class().fields
    except TypeError:  # a form that needs arguments: describe its declared fields
        fields = form_class.base_fields
    attrs: dict[str, Any] = {name_: _serializer_field(field) for name_, field in fields.items()}
    label = name or form_class.__name__.removesuffix("Form") + "Input"
    module = form_class.__module__.split(".")
    app = module[1].capitalize() if len(module) > 1 and module[0] == "kefu" else ""
    attrs["Meta"] = type("Meta", (), {"ref_name": f"{app}{label}"})
    return type(f"{app}{label}Serializer", (serializers.Serializer,), attrs)


# --- the page door -----------------------------------------------------------------------------


def safe_next(request: HttpRequest, default: str) -> str:
    """Back where the person was (``next``), if that is a page of ours; otherwise ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def error_text(exc: ValidationError | PermissionDenied) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or _("您没有权限执行此操作。")


class OperationPage(View):
    """A back-office POST that runs one operation.

    Subclasses set ``form_class`` (None: the operation takes no input) and implement ``perform``;
    the rest has sensible defaults: the service's refusals become form errors (shown by
    ``invalid``) or a message, success redirects back (``next``) with a message.
    """

    http_method_names = ["post"]
    form_class: type[forms.Form] | None = None
    #: Roles allowed through the door at all (the service checks again, finer); empty: any staff.
    roles: tuple[str, ...] = ()

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not roles.is_staff_member(request.user):
            raise PermissionDenied
        if self.roles and not roles.has_role(request.user, *self.roles):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    # to implement ---------------------------------------------------------------------------
    def get_object(self) -> Any:
        return None

    def perform(self, obj: Any, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def success_message(self, obj: Any, result: Any) -> str:
        return _("已保存。")

    def success_url(self, obj: Any, result: Any) -> str:
        return self.request.path

    # may override ----------------------------------------------------------------------------
    def get_form_kwargs(self, obj: Any) -> dict[str, Any]:
        return {}

    def invalid(self, obj: Any, form: forms.Form | None) -> HttpResponse:
        """The form came back with errors: by default say so and go back; detail pages override
        this to show the page again with the bound form, so nothing typed is lost."""
        if form is not None:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(self.request, str(error))
        return HttpResponseRedirect(safe_next(self.request, self.success_url(obj, None)))

    def succeeded(self, obj: Any, result: Any) -> HttpResponse:
        text = self.success_message(obj, result)
        if text:
            messages.success(self.request, text)
        return HttpResponseRedirect(safe_next(self.request, self.success_url(obj, result)))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.get_object()
        form = None
        if self.form_class is not None:
            form = self.form_class(
                clean_input(request.POST), request.FILES or None, **self.get_form_kwargs(obj)
            )
            if not form.is_valid():
                return self.invalid(obj, form)
        data = form.cleaned_data if form is not None else {}
        try:
            result = self.perform(obj, data)
        except PermissionDenied as exc:
            messages.error(request, error_text(exc))
            return HttpResponseRedirect(safe_next(request, self.success_url(obj, None)))
        except ValidationError as exc:
            if form is None:
                messages.error(request, error_text(exc))
                return HttpResponseRedirect(safe_next(request, self.success_url(obj, None)))
            apply_service_errors(form, exc)
            return self.invalid(obj, form)
        return self.succeeded(obj, result)
