"""A tour of the desk in Chromium: each demo login, in Chinese and in English, visits every page its
navigation shows and the detail pages one click deeper, on the demo shop.

Every page must answer below 400 (and so must every stylesheet, script, image and htmx request it
makes), the browser console must stay free of errors, and an English page must show no Chinese
that comes from the code. The rule for Chinese on an English page: it is the shop's own data when
each run of Chinese characters is part of a text the shop holds (its database: a product title, a
buyer's nick, an article, an agent's name; its settings, changed or default; the Chinese an English
translation quotes on purpose, such as the buyers' words a forbidden phrase stands for) or sits in an
element marked ``lang="zh-hans"`` (a text written for the buyers, shown as they will read it). Any
other Chinese is a string of the code without its translation.

Each page is photographed, full length, under ``KEFU_TOUR_DIR`` (``var/tour`` by default) as
``<language>/<login>/<page>.jpg``, with ``index.txt`` naming them; CI keeps the folder as artefacts.
"""

import os
import re
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.db import connections, models
from django.utils.translation.trans_real import translation

from kefu.core import demo, shopsettings
from kefu.core.tests.browser import BROWSER_TEST

pytestmark = BROWSER_TEST

LANGUAGES = ["zh-hans", "en"]
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
# Not pages: files to download, and the way out.
NOT_A_PAGE = re.compile(r"(\.(csv|xlsx|xls|zip|json|png|pdf)$)|/export|/logout|/download")
WEBSOCKET_REFUSED = re.compile(r"^WebSocket connection to 'ws://[^']+/ws/[^']*' failed")


def tour_dir() -> Path:
    return Path(os.environ.get("KEFU_TOUR_DIR", "var/tour"))


@pytest.fixture
def demo_shop(transactional_db):
    demo.demo_load()
    logins = [(username, password) for username, password, *_rest in demo.DEMO_USERS]
    demo.demo_users_ensure()
    return {"logins": logins, "texts": _shop_texts()}


def test_every_page_of_every_role_in_both_languages(demo_shop, live_server, browser):
    # (the demo loads before Playwright starts its event loop in this thread: the chat's push
    # cannot run inside one)
    try:
        started = time.monotonic()
        problems, visited = _tour(live_server.url, browser, demo_shop)
        took = time.monotonic() - started
        _write_index(visited, took)
    finally:
        # Playwright's greenlet gave the ORM calls a connection of their own: close it, or
        # PostgreSQL cannot drop the test database.
        connections.close_all()
    assert problems == [], "\n".join(problems)
    # every login saw its own pages, in both languages
    assert {(lang, login) for lang, login, _path in visited} == {
        (lang, login) for lang in LANGUAGES for login, _password in demo_shop["logins"]
    }


def _tour(base: str, browser, shop) -> tuple[list[str], list[tuple[str, str, str]]]:
    problems: list[str] = []
    visited: list[tuple[str, str, str]] = []
    haystack = "\n".join(shop["texts"])
    for lang in LANGUAGES:
        # a detail page is visited once per language, by the first login whose pages link to it
        seen_patterns: set[str] = set()
        for login, password in shop["logins"]:
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            context.add_cookies([{"name": "django_language", "value": lang, "url": base}])
            page = context.new_page()
            page.set_default_timeout(15_000)
            where = {"page": "/desk/login/"}
            _listen(page, problems, lang, login, where)
            page.goto(f"{base}/desk/login/")
            if lang == "en":
                problems.extend(
                    f"{lang} {login} /desk/login/: untranslated {text!r}"
                    for text in _chinese_from_the_code(page, haystack)
                )
            page.fill("input[name=username]", login)
            page.fill("input[name=password]", password)
            page.click("button[type=submit]")
            page.wait_for_load_state()
            nav = _links(page, base, "nav.mainnav a[href]")
            queue = list(dict.fromkeys(nav))
            deeper_from = set(queue)
            while queue:
                path = queue.pop(0)
                pattern = re.sub(r"\d+", "N", path)
                if path not in deeper_from:
                    if pattern in seen_patterns:
                        continue
                    seen_patterns.add(pattern)
                where["page"] = path
                response = page.goto(base + path)
                # what htmx loads when the page opens is part of the page
                page.wait_for_function("() => !document.querySelector('.htmx-request')")
                visited.append((lang, login, path))
                if response is None or response.status >= 400:
                    continue  # the response listener has written it down
                if lang == "en":
                    problems.extend(
                        f"{lang} {login} {path}: untranslated {text!r}"
                        for text in _chinese_from_the_code(page, haystack)
                    )
                _screenshot(page, lang, login, path)
                if path in deeper_from and not path.startswith("/admin/"):
                    # (Django's own admin: its front page is enough)
                    # one click deeper: the first detail page of each kind this page links to
                    for child in _links(page, base, "main a[href]"):
                        if child.startswith(path) and child != path and child not in deeper_from:
                            queue.append(child)
            context.close()
    return problems, visited


def _listen(page, problems: list[str], lang: str, login: str, where: dict) -> None:
    def response(r):
        if r.status >= 400:
            problems.append(f"{lang} {login} {where['page']}: {r.status} {r.request.method} {r.url}")

    def console(message):
        # The test's live server speaks HTTP only: the chat's WebSocket is refused there and the
        # pages poll instead (kefu serve's uvicorn has it; the chat's own tests cover the push).
        if message.type == "error" and not WEBSOCKET_REFUSED.search(message.text):
            problems.append(f"{lang} {login} {where['page']}: console error {message.text}")

    page.on("response", response)
    page.on("console", console)
    page.on(
        "pageerror", lambda error: problems.append(f"{lang} {login} {where['page']}: script error {error}")
    )


def _links(page, base: str, selector: str) -> list[str]:
    hrefs = page.eval_on_selector_all(
        selector, "els => els.filter(e => !e.hasAttribute('download')).map(e => e.href)"
    )
    out = []
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != base or NOT_A_PAGE.search(parts.path):
            continue
        out.append(parts.path)
    return list(dict.fromkeys(out))


def _chinese_from_the_code(page, haystack: str) -> list[str]:
    """The texts of the page (text, its title, placeholders, tooltips, labels of buttons) with a run
    of Chinese that is not part of a text the shop holds, outside what is marked as Chinese."""
    texts = page.evaluate(
        """() => {
        const out = [document.title];
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        while (walker.nextNode()) {
            const node = walker.currentNode;
            const parent = node.parentElement;
            if (!parent || ['SCRIPT', 'STYLE', 'TEMPLATE'].includes(parent.tagName)) continue;
            // written in Chinese on purpose: a text for the buyer, the shop's words
            if (parent.closest('[lang^=zh]')) continue;
            out.push(node.textContent);
        }
        for (const el of document.querySelectorAll('[placeholder],[title],[aria-label],input[type=submit][value]')) {
            if (el.closest('[lang^=zh]')) continue;
            for (const a of ['placeholder', 'title', 'aria-label']) if (el.getAttribute(a)) out.push(el.getAttribute(a));
            if (el.type === 'submit') out.push(el.value);
        }
        return out;
    }"""
    )
    found = []
    for text in texts:
        for run in HAN.findall(text):
            if run not in haystack:
                found.append(text.strip())
                break
    return list(dict.fromkeys(found))


def _shop_texts() -> list[str]:
    """Every Chinese text the shop holds: its data in the database, its settings (a changed value or
    the default it keeps), and the Chinese the English translations quote on purpose (the buyers'
    words a forbidden phrase stands for, a column name of the platform's export)."""
    texts = set()
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField, models.JSONField))
        ]
        if fields:
            for row in model._default_manager.values_list(*fields):
                texts.update(str(value) for value in row if value)
    for rule in shopsettings.rules():
        texts.add(str(rule.default))
        if isinstance(rule.default, list):
            texts.update(str(item) for item in rule.default)
    texts.update(str(text) for _msgid, text in translation("en")._catalog.items())
    return sorted(text for text in texts if HAN.search(text))


def _shot_name(path: str) -> str:
    return (path.strip("/").replace("/", "-") or "home") + ".jpg"


def _screenshot(page, lang: str, login: str, path: str) -> None:
    target = tour_dir() / lang / login / _shot_name(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target), full_page=True, type="jpeg", quality=80)


def _write_index(visited: list[tuple[str, str, str]], took: float) -> None:
    """``index.txt`` beside the screenshots: which page each one shows, and how long the tour took."""
    lines = [f"{len(visited)} pages in {took:.0f} s"]
    lines += [f"{lang}/{login}/{_shot_name(path)}\t{path}" for lang, login, path in visited]
    tour_dir().mkdir(parents=True, exist_ok=True)
    (tour_dir() / "index.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
