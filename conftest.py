"""Shared pytest fixtures: users in each role, and a clean shop."""

import pytest


@pytest.fixture
def make_user(db):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    def make(username: str = "agent", *role_names: str, password: str = "pw-kefu-123", **extra):
        user = get_user_model().objects.create_user(username=username, password=password, **extra)
        if role_names:
            user.groups.set(Group.objects.filter(name__in=role_names))
        return user

    return make


@pytest.fixture
def agent(make_user):
    return make_user("agent", "客服", first_name="小美")


@pytest.fixture
def aftersales_agent(make_user):
    return make_user("aftersales", "售后", first_name="小李")


@pytest.fixture
def supervisor(make_user):
    return make_user("supervisor", "主管", first_name="王主管")


@pytest.fixture
def admin_user(make_user):
    return make_user("boss", "管理员", first_name="管理员")


@pytest.fixture
def login(db):
    """``login(user)`` → a fresh test client logged in as ``user`` (several people in one test)."""
    from django.test import Client

    def make(user) -> Client:
        c = Client()
        c.force_login(user)
        return c

    return make


@pytest.fixture
def customer_client(client):
    """An anonymous visitor of the public help center."""
    return client


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


@pytest.fixture
def admin_client_kefu(client, admin_user):
    client.force_login(admin_user)
    return client


def _restore_seed_data() -> None:
    """Put back what data migrations created; a transactional test's flush empties every table."""
    from django.apps import apps as django_apps

    from kefu.search.synonyms import DEFAULT_GROUPS

    Group = django_apps.get_model("auth", "Group")
    for name in ("客服", "售后", "主管", "管理员"):
        Group.objects.get_or_create(name=name)
    SynonymGroup = django_apps.get_model("search", "SynonymGroup")
    if not SynonymGroup.objects.exists():
        SynonymGroup.objects.bulk_create(SynonymGroup(words=words) for words in DEFAULT_GROUPS)
    for restore in _seed_restorers():
        restore()


def _seed_restorers() -> list:
    """An app whose data migration seeds rows (forbidden phrases, starter quick phrases…) ships
    ``kefu/<app>/seed.py`` with a ``restore()`` that puts them back; each is found here by itself."""
    import importlib
    import importlib.util

    from django.apps import apps as django_apps

    found = []
    for config in django_apps.get_app_configs():
        if not config.name.startswith("kefu."):
            continue
        name = f"{config.name}.seed"
        if importlib.util.find_spec(name) is not None:
            restore = getattr(importlib.import_module(name), "restore", None)
            if restore is not None:
                found.append(restore)
    return found


@pytest.fixture(autouse=True)
def _seed_data_survives_transactional_tests(request, django_db_blocker):
    """Every database test starts with the migrations' seed rows, even after another test's flush."""
    uses_db = request.node.get_closest_marker("django_db") is not None or {
        "db",
        "transactional_db",
        "live_server",
    } & set(request.fixturenames)
    if uses_db:
        with django_db_blocker.unblock():
            _restore_seed_data()
    yield


@pytest.fixture
def browser():
    """Debian's chromium driven by Playwright (the tests skip themselves when it is absent)."""
    from playwright.sync_api import sync_playwright

    from kefu.core.tests.browser import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
