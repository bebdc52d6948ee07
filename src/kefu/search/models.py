from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchEntry(models.Model):
    """One searchable document, already segmented into space-separated terms.

    The full-text index over these columns is backend-specific and created by migration 0002:
    an FTS5 table kept in step by triggers on SQLite, a generated tsvector column with a GIN
    index on PostgreSQL.
    """

    kind = models.CharField(max_length=32)
    object_id = models.BigIntegerField()
    category_id = models.BigIntegerField(null=True, blank=True)
    title_terms = models.TextField(blank=True)
    title_grams = models.TextField(blank=True)
    body_terms = models.TextField(blank=True)
    body_grams = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="search_entry_unique")]
        indexes = [models.Index(fields=["kind", "category_id"])]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}"


class SearchTerm(models.Model):
    """Document frequency of each term per kind, for the shared scorer's IDF.

    The empty term counts the documents of the kind (every document "contains" it).
    """

    kind = models.CharField(max_length=32)
    term = models.CharField(max_length=64)
    df = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "term"], name="search_term_unique")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.term} ({self.df})"


class SynonymGroup(models.Model):
    """Words a customer uses for the same thing (物流 快递), editable by the shop."""

    words = models.CharField(_("同义词"), max_length=500, help_text=_("用空格或逗号分隔，例如：物流 快递"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("同义词组")
        verbose_name_plural = _("同义词组")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.words

    @property
    def word_list(self) -> list[str]:
        return [w for w in self.words.replace("，", " ").replace(",", " ").split() if w]
