"""A shop that ran the desk before the chat app was renamed upgrades with ``kefu migrate`` and keeps
every conversation.

The databases in ``data/`` were made by the code of that time (app label ``desk``, tables
``desk_*``): migrated, the demo shop loaded, two more conversations (one taken, linked to an order,
answered with a suggested article and closed; one turned into a customer question), both agents'
presence, an admin history entry on a conversation and a group given the permission to view
conversations. ``previous_main.sqlite3.gz`` is the SQLite file; ``previous_main.postgresql.sql.gz``
is ``pg_dump --no-owner --no-privileges --inserts`` of the same on PostgreSQL.

The copy is migrated by a child process, as a shop would run ``kefu migrate``, against a scratch
database of the kind the suite runs on. Other apps may have gained migrations since: only their
rows are compared, not their schema.
"""

import gzip
import json
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection

import kefu

DATA = Path(__file__).parent / "data"
CHAT_MODELS = ["agentpresence", "conversation", "message", "suggestionuse"]
# rows of other apps the upgrade must leave alone
OTHER_TABLES = [
    "auth_user",
    "orders_order",
    "customers_customer",
    "helpcenter_article",
    "replies_quickphrase",
    "core_activitylog",
]

AFTER_UPGRADE = """
import json
import django
django.setup()
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
call_command("migrate", interactive=False, verbosity=0)
from kefu.chat import services
from kefu.chat.models import Conversation
conversation = services.conversation_start(buyer_name="升级后", buyer_contact="", page_url="/")
messages = services.customer_message_send(conversation=conversation, text="升级以后还能发消息吗")
with connection.cursor() as cursor:
    constraints = connection.introspection.get_constraints(cursor, "chat_conversation")
print(json.dumps({
    "conversation": conversation.pk,
    "messages": [m.pk for m in messages],
    "content_type": ContentType.objects.get_for_model(Conversation).pk,
    "indexes": sorted(n for n, c in constraints.items() if c["index"] and not c["unique"] and not c["primary_key"]),
}))
"""


MIGRATE = """
import sys
import django
django.setup()
from django.core.management import call_command
call_command("migrate", *sys.argv[1:], interactive=False, verbosity=0)
"""


class SqliteCopy:
    def __init__(self, home: Path):
        self.home = home
        self.path = home / "kefu.sqlite3"
        self.path.write_bytes(gzip.decompress((DATA / "previous_main.sqlite3.gz").read_bytes()))

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k != "KEFU_DATABASE_URL"}
        env["KEFU_HOME"] = str(self.home)
        return env

    def rows(self, sql: str) -> list[tuple]:
        with sqlite3.connect(self.path) as db:
            return db.execute(sql).fetchall()

    def tables(self) -> set[str]:
        return {name for (name,) in self.rows("SELECT name FROM sqlite_master WHERE type = 'table'")}

    def drop(self) -> None:
        pass


class PostgresCopy:
    def __init__(self, home: Path):
        self.psycopg = psycopg
        self.home = home
        self.settings = connection.settings_dict
        self.name = f"kefu_upgrade_{uuid.uuid4().hex[:12]}"
        try:
            with self._connect("postgres") as admin:
                admin.execute(f'CREATE DATABASE "{self.name}"')
        except psycopg.Error as error:
            pytest.skip(f"cannot create a scratch PostgreSQL database for the upgrade: {error}")
        script = gzip.decompress((DATA / "previous_main.postgresql.sql.gz").read_bytes()).decode()
        # psql's own commands (\restrict …) are not SQL
        script = "\n".join(line for line in script.splitlines() if not line.startswith("\\"))
        with self._connect(self.name) as db:
            db.execute(script)

    def _connect(self, name: str):
        s = self.settings
        return self.psycopg.connect(
            dbname=name,
            host=s["HOST"] or None,
            port=s["PORT"] or None,
            user=s["USER"] or None,
            password=s["PASSWORD"] or None,
            autocommit=True,
        )

    def env(self) -> dict[str, str]:
        s = self.settings
        password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
        env = dict(os.environ)
        env["KEFU_HOME"] = str(self.home)
        env["KEFU_DATABASE_URL"] = (
            f"postgresql://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{self.name}"
        )
        return env

    def rows(self, sql: str) -> list[tuple]:
        with self._connect(self.name) as db:
            return db.execute(sql).fetchall()

    def tables(self) -> set[str]:
        return {name for (name,) in self.rows("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}

    def drop(self) -> None:
        with self._connect("postgres") as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture
def previous_main(tmp_path):
    copy = PostgresCopy(tmp_path) if connection.vendor == "postgresql" else SqliteCopy(tmp_path)
    yield copy
    copy.drop()


def _run(copy, script: str, *args: str) -> str:
    env = copy.env()
    # the child runs this checkout's code, whichever copy of kefu is installed
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(Path(kefu.__file__).parents[1]), env.get("PYTHONPATH")])
    )
    env["DJANGO_SETTINGS_MODULE"] = "kefu.settings"
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script, *args], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _migrate(copy) -> dict:
    return json.loads(_run(copy, AFTER_UPGRADE).strip().splitlines()[-1])


def test_a_database_from_before_the_rename_migrates_and_keeps_every_conversation(previous_main):
    db = previous_main
    # given the shop's database as the desk app left it
    assert {f"desk_{m}" for m in CHAT_MODELS} <= db.tables()
    before = {m: db.rows(f"SELECT * FROM desk_{m} ORDER BY id") for m in CHAT_MODELS}
    assert [len(before[m]) for m in CHAT_MODELS] == [2, 4, 14, 1]
    content_types = dict(db.rows("SELECT model, id FROM django_content_type WHERE app_label = 'desk'"))
    assert sorted(content_types) == CHAT_MODELS
    others = {t: db.rows(f"SELECT count(*) FROM {t}")[0][0] for t in OTHER_TABLES}
    assert others["orders_order"] > 0 and others["helpcenter_article"] > 0
    permissions = db.rows("SELECT count(*) FROM auth_permission")[0][0]
    # the work items that lived in the after-sales app
    work_items = db.rows("SELECT id, kind, state, title FROM aftersales_workitem ORDER BY id")
    work_notes = db.rows("SELECT count(*) FROM aftersales_worknote")[0][0]
    assert work_items

    # when it is migrated
    after = _migrate(db)

    # then the inbox holds every work item with its id, kind and state, and the old tables are gone
    assert db.rows("SELECT id, source, state, title FROM inbox_workitem ORDER BY id") == work_items
    assert db.rows("SELECT count(*) FROM inbox_worknote")[0][0] == work_notes
    assert "aftersales_workitem" not in db.tables()

    # then the chat's rows are all there, under the chat's names
    tables = db.tables()
    assert not {t for t in tables if t.startswith("desk_")}
    for m in CHAT_MODELS:
        old_ids = max(r[0] for r in before[m])
        width = len(before[m][0])  # columns added since come after the old ones
        rows = db.rows(f"SELECT * FROM chat_{m} WHERE id <= {old_ids} ORDER BY id")
        assert [row[:width] for row in rows] == before[m], m
    # the old messages are numbered 1, 2, 3… within their conversation, in the order they were written
    last_old = max(r[0] for r in before["message"])
    numbered = db.rows(f"SELECT conversation_id, seq FROM chat_message WHERE id <= {last_old} ORDER BY id")
    for conversation_id in {c for c, _seq in numbered}:
        seqs = [seq for c, seq in numbered if c == conversation_id]
        assert seqs == list(range(1, len(seqs) + 1))
    # the indexes the models name carry the new name (those Django made for foreign keys keep theirs,
    # as they do on a database created since: nothing looks them up by name)
    assert {"chat_conver_agent_i_a11f5c_idx", "chat_conver_status_e467d2_idx"} <= set(after["indexes"])
    assert not {"desk_conver_agent_i_e926ad_idx", "desk_conver_status_bb56bb_idx"} & set(after["indexes"])

    # and a new conversation and message got fresh ids after the old ones
    assert after["conversation"] > max(r[0] for r in before["conversation"])
    assert after["messages"] and min(after["messages"]) > max(r[0] for r in before["message"])
    assert db.rows("SELECT count(*) FROM chat_conversation")[0][0] == len(before["conversation"]) + 1

    # the content types were renamed in place: what pointed at them still does
    assert (
        dict(db.rows("SELECT model, id FROM django_content_type WHERE app_label = 'chat'")) == content_types
    )
    assert db.rows("SELECT count(*) FROM django_content_type WHERE app_label = 'desk'") == [(0,)]
    assert after["content_type"] == content_types["conversation"]
    assert db.rows(
        f"SELECT count(*) FROM django_admin_log WHERE content_type_id = {content_types['conversation']}"
    ) == [(1,)]
    granted = db.rows(
        "SELECT ct.app_label FROM auth_group_permissions gp"
        " JOIN auth_permission p ON p.id = gp.permission_id"
        " JOIN django_content_type ct ON ct.id = p.content_type_id"
        " WHERE p.codename = 'view_conversation'"
    )
    assert granted == [("chat",)]
    assert db.rows("SELECT count(*) FROM auth_permission WHERE codename = 'view_conversation'") == [(1,)]
    # no permission was made twice for the chat's models (other apps may have gained models)
    chat_permissions = db.rows(
        "SELECT count(*) FROM auth_permission p JOIN django_content_type ct ON ct.id = p.content_type_id"
        " WHERE ct.app_label = 'chat'"
    )
    assert chat_permissions == [(4 * len(CHAT_MODELS),)]
    assert db.rows("SELECT count(*) FROM auth_permission")[0][0] >= permissions

    # the migration history knows the chat, and keeps the desk's row its first migration replaces
    history = {
        tuple(r) for r in db.rows("SELECT app, name FROM django_migrations WHERE app IN ('desk', 'chat')")
    }
    assert {("desk", "0001_initial"), ("chat", "0001_initial"), ("chat", "0002_rename_tables")} <= history

    # and the other apps' rows are untouched (the new conversation only adds history entries)
    for table, count in others.items():
        now = db.rows(f"SELECT count(*) FROM {table}")[0][0]
        assert now >= count if table == "core_activitylog" else now == count, table


def test_the_rename_can_be_undone_and_done_again_without_losing_the_history(previous_main):
    db = previous_main
    _migrate(db)
    conversations = db.rows("SELECT * FROM chat_conversation ORDER BY id")
    chat_type = db.rows(
        "SELECT id FROM django_content_type WHERE app_label = 'chat' AND model = 'conversation'"
    )
    history = db.rows(f"SELECT count(*) FROM core_activitylog WHERE content_type_id = {chat_type[0][0]}")
    applied = db.rows("SELECT app, name FROM django_migrations ORDER BY app, name")

    # back to the desk's names: its content types come back, and Django adds the chat's anew
    _run(db, MIGRATE, "chat", "0001")
    assert {f"desk_{m}" for m in CHAT_MODELS} <= db.tables()
    assert (
        db.rows("SELECT id FROM django_content_type WHERE app_label = 'desk' AND model = 'conversation'")
        == chat_type
    )

    # and forward again: the history follows the chat's content type, the desk's goes
    _run(db, MIGRATE)

    assert db.rows("SELECT * FROM chat_conversation ORDER BY id") == conversations
    assert db.rows("SELECT app, name FROM django_migrations ORDER BY app, name") == applied
    assert db.rows("SELECT count(*) FROM django_content_type WHERE app_label = 'desk'") == [(0,)]
    new_type = db.rows(
        "SELECT id FROM django_content_type WHERE app_label = 'chat' AND model = 'conversation'"
    )
    assert (
        db.rows(f"SELECT count(*) FROM core_activitylog WHERE content_type_id = {new_type[0][0]}") == history
    )
    assert db.rows(f"SELECT count(*) FROM django_admin_log WHERE content_type_id = {new_type[0][0]}") == [
        (1,)
    ]
    granted = db.rows(
        "SELECT ct.app_label FROM auth_group_permissions gp"
        " JOIN auth_permission p ON p.id = gp.permission_id"
        " JOIN django_content_type ct ON ct.id = p.content_type_id"
        " WHERE p.codename = 'view_conversation'"
    )
    assert granted == [("chat",)]
