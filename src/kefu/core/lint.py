"""Everything a customer reads is checked as staff write it, not only in the chat console.

The replies app owns the reply check (forbidden wordings, promises, negative words) and registers
the page that checks a text here; a form field that customers will read carries
``attrs=lint_attrs()`` (``data-lint``), and ``kefu.js`` posts what is typed there to that page and
shows the warnings under the field. Warnings only: staff may still save.
"""

from django.urls import reverse

_CHECKER: list[str] = []


def register_checker(url_name: str) -> None:
    """``url_name`` answers a POST of ``text`` with an HTML fragment of the warnings."""
    _CHECKER[:] = [url_name]


def checker_url() -> str:
    return reverse(_CHECKER[0]) if _CHECKER else ""


def lint_attrs(**attrs) -> dict:
    """A textarea's attributes marking it as text a customer will read."""
    return {"data-lint": "", **attrs}
