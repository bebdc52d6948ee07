"""The shared operation plumbing: one form is the input of the page and of the API."""

import pytest
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import include, path
from rest_framework import exceptions, serializers
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from kefu.core.operations import OperationPage, form_errors, form_input, form_schema


class RemarkForm(forms.Form):
    text = forms.CharField(max_length=10)
    urgent = forms.BooleanField(required=False)
    count = forms.IntegerField(min_value=1, required=False)
    colours = forms.MultipleChoiceField(choices=[("red", "红"), ("blue", "蓝")], required=False)

    def clean_text(self):
        if self.cleaned_data["text"] == "坏话":
            raise forms.ValidationError("不能这样说。")
        return self.cleaned_data["text"]


def _api_request(data):
    request = APIRequestFactory().post("/x/", data, format="json")
    return APIView().initialize_request(request)


def test_a_json_body_is_read_like_a_posted_form():
    data = form_input(
        RemarkForm, _api_request({"text": "你好", "urgent": True, "count": 2, "colours": ["red"]})
    )
    assert data == {"text": "你好", "urgent": True, "count": 2, "colours": ["red"]}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "太长太长太长太长太长太长"}, "text"),
        ({"text": "坏话"}, "text"),
        ({"text": "好", "count": 0}, "count"),
        ({"text": "好", "colours": ["green"]}, "colours"),
    ],
)
def test_the_api_names_each_bad_field_as_the_page_would(body, field):
    with pytest.raises(exceptions.ValidationError) as caught:
        form_input(RemarkForm, _api_request(body))
    page_form = RemarkForm(data={k: v for k, v in body.items()})
    page_form.is_valid()
    assert set(caught.value.detail) == {field}
    assert [str(m) for m in caught.value.detail[field]] == form_errors(page_form)[field]


def test_null_for_a_boolean_is_false_not_a_crash():
    assert form_input(RemarkForm, _api_request({"text": "好", "urgent": None}))["urgent"] is False


def test_a_body_that_is_not_an_object_is_a_clear_400():
    with pytest.raises(exceptions.ValidationError):
        form_input(RemarkForm, _api_request(["text"]))


def test_the_schema_describes_the_forms_fields():
    schema = form_schema(RemarkForm)
    fields = schema().fields
    assert set(fields) == {"text", "urgent", "count", "colours"}
    assert isinstance(fields["text"], serializers.CharField) and fields["text"].max_length == 10
    assert isinstance(fields["urgent"], serializers.BooleanField)
    assert isinstance(fields["count"], serializers.IntegerField) and fields["count"].min_value == 1
    assert isinstance(fields["colours"], serializers.ListField)
    assert form_schema(RemarkForm) is schema, "one schema class per form, or the API docs see two names"


# --- the page door ----------------------------------------------------------------------------

DONE: list[str] = []


class RemarkAdd(OperationPage):
    form_class = RemarkForm

    def perform(self, obj, data):
        if data["text"] == "拒绝":
            raise ValidationError({"text": "服务拒绝了。"})
        if data["text"] == "无权":
            raise PermissionDenied("只有主管可以。")
        DONE.append(data["text"])
        return data["text"]

    def success_message(self, obj, result):
        return f"已添加 {result}"

    def success_url(self, obj, result):
        return "/done/"


urlpatterns = [path("remark/", RemarkAdd.as_view()), path("desk/", include("kefu.core.urls"))]


@pytest.fixture
def staff_client(client, agent):
    client.force_login(agent)
    DONE.clear()
    return client


@pytest.mark.urls(__name__)
def test_the_page_runs_the_operation_once_and_goes_back(staff_client):
    response = staff_client.post("/remark/", {"text": "你好"})
    assert response.status_code == 302 and response["Location"] == "/done/"
    assert DONE == ["你好"]


@pytest.mark.urls(__name__)
def test_the_page_goes_back_where_the_agent_was_but_never_off_site(staff_client):
    assert staff_client.post("/remark/", {"text": "a", "next": "/desk/x/?q=1"})["Location"] == "/desk/x/?q=1"
    assert (
        staff_client.post("/remark/", {"text": "b", "next": "https://evil.example/"})["Location"] == "/done/"
    )


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("text", ["", "坏话", "拒绝", "无权"])
def test_a_refused_operation_does_nothing(staff_client, text):
    staff_client.post("/remark/", {"text": text})
    assert DONE == []


@pytest.mark.urls(__name__)
def test_the_page_is_for_the_team_only(client, make_user):
    assert client.post("/remark/", {"text": "你好"}).status_code == 302  # to the login page
    client.force_login(make_user("outsider"))
    assert client.post("/remark/", {"text": "你好"}).status_code == 403
    assert DONE == []


@pytest.mark.urls(__name__)
def test_a_get_changes_nothing(staff_client):
    assert staff_client.get("/remark/", {"text": "你好"}).status_code == 405
    assert DONE == []


PASTED = "亲\x07在\x1f的\x0b\x00\t哦\r\n"  # control characters pasted from a chat window


def test_the_api_drops_control_characters_but_keeps_tabs_and_line_breaks():
    data = form_input(RemarkForm, _api_request({"text": PASTED, "colours": ["r\x1fed"]}))
    assert data["text"] == "亲在的\t哦" and data["colours"] == ["red"]


def test_the_api_drops_control_characters_from_a_form_post():
    request = APIRequestFactory().post("/x/", {"text": PASTED, "colours": ["bl\x07ue", "red"]})
    data = form_input(RemarkForm, APIView().initialize_request(request))
    assert data["text"] == "亲在的\t哦" and data["colours"] == ["blue", "red"]


@pytest.mark.urls(__name__)
def test_the_page_drops_control_characters_before_the_form_sees_them(staff_client):
    response = staff_client.post("/remark/", {"text": "你\x1f好\x07\t啊\r\n吗"})
    assert response.status_code == 302
    assert DONE == ["你好\t啊\r\n吗"]
