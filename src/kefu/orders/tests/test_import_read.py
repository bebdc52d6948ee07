"""READ: any export file gives the same rows of cells, each with the line it ends on."""

from pathlib import Path

import pytest
from openpyxl import Workbook

from kefu.orders.importing import read

ROWS = [
    ["订单编号", "买家会员名", "买家留言"],
    ['="1930000000000001"', "小桃子", "请发顺丰"],
    ["1930000000000002", "林", ""],
]


def _csv(rows) -> str:
    return "\r\n".join(",".join(cells) for cells in rows) + "\r\n"


def _all(path: Path, size: int = read.BATCH):
    head, batches = read.batches(path, size)
    got = list(batches)
    return head, [c for b in got for c in b.cells], [n for b in got for n in b.lines], got


@pytest.mark.parametrize(
    "encoding", ["gbk", "gb18030", "utf-8", "utf-8-sig"], ids=["GBK", "GB18030", "UTF-8", "UTF-8 with BOM"]
)
def test_every_export_encoding_reads_the_same_cells(tmp_path, encoding):
    path = tmp_path / "ExportOrderList.csv"
    path.write_bytes(_csv(ROWS).encode(encoding))

    head, cells, lines, _batches = _all(path)

    assert head == ROWS[0]
    assert cells == ROWS[1:]
    assert lines == [2, 3]


def test_an_xlsx_reads_like_its_csv(tmp_path):
    rows = [ROWS[0], ["1930000000000001", "小桃子", "请发顺丰"], ROWS[2]]  # Excel keeps no ="…"
    book = Workbook()
    for cells in [*rows[:2], [], rows[2]]:
        book.active.append(cells)
    path = tmp_path / "ExportOrderList.xlsx"
    book.save(path)

    head, cells, lines, _batches = _all(path)

    assert head == rows[0]
    assert [c[:2] for c in cells] == [r[:2] for r in rows[1:]]
    assert lines == [2, 4]  # the blank row 3 is skipped, the line numbers stay the sheet's


def test_an_xlsx_is_streamed_from_the_file_not_read_into_memory_whole(tmp_path, monkeypatch):
    book = Workbook()
    for n in range(2000):
        book.active.append([f"19300000{n:08d}", f"买家{n}", "请发顺丰"] if n else ROWS[0])
    path = tmp_path / "ExportOrderList.xlsx"
    book.save(path)

    def whole_file(self):
        raise AssertionError(f"{self.name} was read into memory whole")

    monkeypatch.setattr(Path, "read_bytes", whole_file)
    head, cells, lines, _batches = _all(path)

    assert head == ROWS[0]
    assert len(cells) == 1999 and lines[-1] == 2000


def test_a_cell_over_two_lines_moves_the_next_rows_line_number(tmp_path):
    path = tmp_path / "ExportOrderList.csv"
    path.write_bytes('订单编号,买家留言\r\n1,"请发顺丰\r\n周末不在家"\r\n\r\n2,x\r\n'.encode())

    _head, cells, lines, _batches = _all(path)

    assert cells == [["1", "请发顺丰\r\n周末不在家"], ["2", "x"]]
    assert lines == [3, 5]


def test_rows_come_in_batches_of_the_asked_size(tmp_path):
    path = tmp_path / "ExportOrderList.csv"
    path.write_bytes(_csv([["订单编号"]] + [[str(n)] for n in range(5)]).encode())

    _head, _cells, lines, batches = _all(path, size=2)

    assert [b.lines for b in batches if b.cells] == [[2, 3], [4, 5], [6]]
    assert batches[-1].done == path.stat().st_size


def test_a_file_broken_midway_says_from_which_line(tmp_path):
    path = tmp_path / "ExportOrderList.csv"
    path.write_bytes(('订单编号,买家留言\r\n1,a\r\n2,"' + "y" * 140_000 + "\r\n3,c\r\n").encode())

    _head, cells, _lines, batches = _all(path)

    assert cells == [["1", "a"]]
    assert batches[-1].broken_at == 3


@pytest.mark.parametrize("content", [b"", b"\r\n,,\r\n"], ids=["empty", "blank rows only"])
def test_an_empty_file_is_refused_whole(tmp_path, content):
    path = tmp_path / "ExportOrderList.csv"
    path.write_bytes(content)
    with pytest.raises(read.ImportFileError, match="文件是空的"):
        read.batches(path)
