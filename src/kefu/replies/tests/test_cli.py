"""``kefu lint-reply`` and ``kefu phrases import|export``."""

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from kefu.replies.models import QuickPhrase

pytestmark = pytest.mark.django_db


def _run(capsys, *args):
    code = 0
    try:
        call_command(*args)
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


def test_lint_reply_prints_each_hit_and_exits_1(capsys):
    code, out, _err = _run(capsys, "lint-reply", "我不能帮您，没事了吧")
    assert code == 1
    lines = out.strip().splitlines()
    assert len(lines) == 2
    assert "我不能" in lines[0] and "看看我能帮您做些什么" in lines[0]
    assert "没事了吧" in lines[1] and "请问还有什么可以帮助您" in lines[1]


def test_lint_reply_is_silent_and_exits_0_for_a_clean_text(capsys):
    assert _run(capsys, "lint-reply", "这款面料不会褪色，请放心") == (0, "", "")


def test_lint_reply_knows_the_customers_message(capsys):
    assert _run(capsys, "lint-reply", "在", "--customer", "在吗")[0] == 1
    assert _run(capsys, "lint-reply", "在")[0] == 0


def test_phrases_import_and_export(tmp_path, capsys, make_user):
    make_user("boss", "管理员")
    source = tmp_path / "p.csv"
    source.write_bytes("分组,快捷键,内容\n新品,n1,新品到了\n新品,n2,\n".encode("gbk"))
    code, out, err = _run(capsys, "phrases", "import", str(source))
    assert code == 1
    assert "新增 1 条" in out and "第 3 行" in err
    assert QuickPhrase.objects.filter(shortcut="n1", owner__isnull=True).exists()
    assert _run(capsys, "phrases", "import", str(source))[1].count("新增 0 条") == 1

    target = tmp_path / "out.xlsx"
    code, out, _err = _run(capsys, "phrases", "export", str(target))
    assert code == 0
    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    assert ("新品", "n1", "新品到了", 0) in rows


def test_phrases_import_as_an_agents_personal_set(tmp_path, capsys, agent):
    source = tmp_path / "p.csv"
    source.write_text("内容\n我的短语\n", encoding="utf-8")
    assert _run(capsys, "phrases", "import", str(source), "--user", "agent", "--personal")[0] == 0
    assert QuickPhrase.objects.get(text="我的短语").owner == agent


def test_an_agent_may_not_import_team_phrases_from_the_cli(tmp_path, capsys, agent):
    source = tmp_path / "p.csv"
    source.write_text("内容\n团队短语\n", encoding="utf-8")
    code, _out, err = _run(capsys, "phrases", "import", str(source), "--user", "agent")
    assert code == 2 and "权限" in err
    assert not QuickPhrase.objects.filter(text="团队短语").exists()


def test_an_unreadable_file_exits_2(tmp_path, capsys, make_user):
    make_user("boss", "管理员")
    assert _run(capsys, "phrases", "import", str(tmp_path / "missing.csv"))[0] == 2
    bad = tmp_path / "old.xls"
    bad.write_bytes(b"\xd0\xcf\x11\xe0")
    code, _out, err = _run(capsys, "phrases", "import", str(bad))
    assert code == 2 and ".xlsx" in err
