"""The chat's pages: the agents' console, the conversation history and what suggestions taught.

The console is one page driven by ``static/chat/console.js`` over the staff API (the same services
as every other entry point); the history pages are plain server-rendered lists.
"""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Avg, Count
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kefu.chat import api, forms, images, selectors
from kefu.chat.models import ConversationStatus, Message
from kefu.core import ratelimit, roles, shopsettings
from kefu.core.decorators import staff_required
from kefu.helpcenter.models import Article

PAGE_SIZE = 30


@staff_required
@require_GET
def console(request):
    """在线咨询: waiting list, my conversations (several open at once), reply box, suggestions."""
    return render(
        request,
        "chat/console.html",
        {
            "presence": selectors.presence_get(user=request.user),
            "target": int(shopsettings.get("chat_first_response_target_seconds")),
            "poll_seconds": int(shopsettings.get("chat_poll_interval_seconds")),
            "service": selectors.service_state(),
        },
    )


@staff_required
@require_GET
def history(request):
    """Every conversation for supervisors (an agent sees their own), with response times."""
    form = forms.HistoryFilterForm(request.GET)
    form.is_valid()
    data = form.cleaned_data if form.is_bound else {}
    agent = data.get("agent")
    qs = selectors.conversation_history(
        user=request.user,
        status=data.get("status") or None,
        agent_id=agent.pk if agent else None,
        q=data.get("q") or "",
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
    )
    summary = qs.order_by().aggregate(
        count=Count("id"), avg_first=Avg("first_response_seconds"), answered=Count("first_response_seconds")
    )
    target = int(shopsettings.get("chat_first_response_target_seconds"))
    summary["within_target"] = qs.filter(first_response_seconds__lte=target).count()
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render(
        request,
        "chat/history.html",
        {
            "form": form,
            "page": page,
            "params": urlencode(params),
            "summary": summary,
            "target": target,
            "is_supervisor": roles.has_role(request.user, roles.SUPERVISOR, roles.ADMIN),
        },
    )


@staff_required
@require_GET
def history_detail(request, pk: int):
    """One conversation's transcript, each agent reply with its response time."""
    conversation = selectors.access_conversation(pk=pk, user=request.user)
    return render(
        request,
        "chat/history_detail.html",
        {
            "c": conversation,
            "messages_list": selectors.message_list(conversation=conversation, limit=2000),
            "target": int(shopsettings.get("chat_first_response_target_seconds")),
            "open": conversation.status != ConversationStatus.CLOSED,
        },
    )


@staff_required
@require_GET
def learned(request):
    """Which customer wordings agents answered with which article or phrase."""
    form = forms.LearnedFilterForm(request.GET)
    form.is_valid()
    article_id = form.cleaned_data.get("article")
    kind = form.cleaned_data.get("kind") or None
    qs = selectors.suggestion_use_list(article_id=article_id, kind=kind)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    top = (
        selectors.suggestion_use_list(kind="article")
        .order_by()
        .values("article_id", "article__title")
        .annotate(n=Count("id"))
        .order_by("-n")[:10]
    )
    params = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render(
        request,
        "chat/learned.html",
        {
            "form": form,
            "page": page,
            "top": top,
            "article": Article.objects.filter(pk=article_id).first() if article_id else None,
            "params": urlencode(params),
        },
    )


# --- the chat's pictures: never a public address ----------------------------------------------


def _image_response(message: Message, *, thumb: bool) -> FileResponse:
    field = message.thumbnail if thumb else message.image
    content_type = "image/jpeg" if thumb else images.CONTENT_TYPES.get(message.image_type, "")
    if not content_type:
        raise Http404
    try:
        response = FileResponse(field.open("rb"), content_type=content_type)
    except FileNotFoundError:
        raise Http404 from None
    response["Cache-Control"] = "private, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = "no-referrer"
    response["Content-Disposition"] = "inline"
    return response


@require_GET
def customer_image(request, token: str, pk: int, thumb: bool = False):
    """A picture for the customer: of her own conversation (its token in the address, as every
    customer call), or of an earlier one from the same browser (its device cookie)."""
    limit = int(shopsettings.get("chat_poll_rate_limit"))
    if not ratelimit.allow(key=f"chat-poll:{ratelimit.client_ip(request)}", limit=limit, window_seconds=60):
        return HttpResponse(_("操作太频繁了，请稍后再试。"), status=429)
    conversation = selectors.conversation_get_by_token(token=token)
    message = selectors.image_message_get(
        conversation=conversation, message_id=pk, same_device=api.is_own_device(request, conversation)
    )
    return _image_response(message, thumb=thumb)


@staff_required
@require_GET
def staff_image(request, pk: int, message_id: int, thumb: bool = False):
    """A picture for an agent who may read the conversation (or its customer's earlier ones)."""
    conversation = selectors.access_conversation(pk=pk, user=request.user)
    message = selectors.image_message_get(conversation=conversation, message_id=message_id, same_device=True)
    return _image_response(message, thumb=thumb)
