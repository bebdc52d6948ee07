import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Category(models.Model):
    name = models.CharField(_("类别名称"), max_length=50, unique=True)
    position = models.PositiveIntegerField(_("排序"), default=0)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The category's published articles, kept by the services whenever an article is published,
    # unpublished, moved or deleted, so the public pages never count them per visit.
    published_count = models.PositiveIntegerField(_("已发布文章数"), default=0, editable=False)

    class Meta:
        verbose_name = _("类别")
        verbose_name_plural = _("类别")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    name = models.CharField(_("标签"), max_length=30, unique=True)

    class Meta:
        verbose_name = _("标签")
        verbose_name_plural = _("标签")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("未发布")
        PUBLISHED = "published", _("已发布")

    category = models.ForeignKey(
        Category, verbose_name=_("类别"), on_delete=models.PROTECT, related_name="articles"
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"), help_text=_("支持 Markdown"))
    # Other wordings of the title's question, one per line: searched like the title, shown to staff only.
    similar_questions = models.TextField(_("相似问法"), blank=True, default="")
    tags = models.ManyToManyField(Tag, verbose_name=_("标签"), blank=True, related_name="articles")
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.PUBLISHED)
    views = models.PositiveIntegerField(_("浏览次数"), default=0)
    helpful_yes = models.PositiveIntegerField(_("有帮助"), default=0)
    helpful_no = models.PositiveIntegerField(_("没帮助"), default=0)
    # Moves on with every save by staff: an editor whose form is older is told what changed.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("文章")
        verbose_name_plural = _("文章")
        ordering = ["category__position", "-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["category", "title"], name="article_title_unique_in_category")
        ]
        indexes = [
            models.Index(fields=["status", "category"]),
            # The public directory: one category's newest published articles, read in index order.
            models.Index(
                fields=["category", "status", "-published_at", "-id"], name="article_category_newest"
            ),
            # The public pages' version: the last change of any article, read from the index's end.
            models.Index(fields=["updated_at"], name="article_updated_at"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def similar_list(self) -> list[str]:
        return [line for line in self.similar_questions.split("\n") if line.strip()]


def _question_token() -> str:
    return secrets.token_urlsafe(24)


class Question(models.Model):
    """A customer's question: never public; answered privately or turned into an article."""

    class Status(models.TextChoices):
        NEW = "new", _("待处理")
        ANSWERED = "answered", _("已单独答复")
        PUBLISHED = "published", _("已发布为文章")
        # the customer wrote back after the answer: the question waits on the team again
        REPLIED = "replied", _("客户追问")
        CLOSED = "closed", _("已关闭")

    token = models.CharField(max_length=64, unique=True, default=_question_token, editable=False)
    category = models.ForeignKey(
        Category,
        verbose_name=_("类别"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="questions",
    )
    title = models.CharField(_("问题标题"), max_length=120)
    details = models.TextField(_("详细描述"), max_length=2000, blank=True)
    name = models.CharField(_("称呼"), max_length=40)
    phone = models.CharField(_("手机"), max_length=20, blank=True)
    email = models.EmailField(_("邮箱"), blank=True)
    im_id = models.CharField(_("旺旺/微信"), max_length=60, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.NEW, db_index=True
    )
    answer = models.TextField(_("答复"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    article = models.ForeignKey(
        Article,
        verbose_name=_("发布的文章"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="questions",
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    # Sent by a customer on the shop's blacklist: kept for the team like any other question (the
    # customer is not told), shown with a warning so a supervisor decides whether to answer.
    from_blacklisted = models.BooleanField(_("黑名单客户"), default=False)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("客户问题")
        verbose_name_plural = _("客户问题")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(phone="") | ~Q(email="") | ~Q(im_id=""), name="question_has_contact"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def contact(self) -> str:
        return " / ".join(v for v in (self.phone, self.email, self.im_id) if v)


class QuestionReply(models.Model):
    """A message on a question after its first answer: the customer's reply on the private page,
    or staff's answer to it. The first answer stays on the question itself."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="replies")
    from_customer = models.BooleanField(_("客户发送"), default=True)
    text = models.TextField(_("内容"), max_length=2000)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("问题追问与答复")
        verbose_name_plural = _("问题追问与答复")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.text[:30]}"


class SimilarQuestionProposal(models.Model):
    """A customer's wording that staff's work tied to an article (a question published as the
    article, answered with a link to it, an agent sending it in a chat): proposed as one more of
    the article's similar questions until a supervisor accepts or rejects it."""

    class Source(models.TextChoices):
        QUESTION_PUBLISHED = "question_published", _("问题发布为文章")
        QUESTION_LINKED = "question_linked", _("答复中引用了文章")
        CHAT_LINKED = "chat_linked", _("聊天中发送了文章")
        SEARCH_HELPFUL = "search_helpful", _("顾客搜索后认为有帮助")
        SEARCH_GAP = "search_gap", _("搜索分析")

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        ACCEPTED = "accepted", _("已采纳")
        REJECTED = "rejected", _("已拒绝")

    article = models.ForeignKey(
        Article, verbose_name=_("文章"), on_delete=models.CASCADE, related_name="similar_proposals"
    )
    text = models.CharField(_("顾客的问法"), max_length=200)
    source = models.CharField(_("来源"), max_length=24, choices=Source.choices)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("相似问法建议")
        verbose_name_plural = _("相似问法建议")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "text"], name="similar_proposal_unique_per_article")
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.text} → {self.article_id}"


class SearchLog(models.Model):
    """One search on the public help center, anonymised: the words searched (long digit runs such
    as phone or order numbers masked), how many articles answered, which came first and which the
    customer opened — nothing about who searched."""

    query = models.CharField(_("搜索词"), max_length=100)
    results = models.PositiveIntegerField(_("结果数"), default=0)
    top_article = models.ForeignKey(
        Article,
        verbose_name=_("第一条结果"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    clicked_article = models.ForeignKey(
        Article,
        verbose_name=_("点开的文章"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("搜索记录")
        verbose_name_plural = _("搜索记录")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.query
