"""READ and MAP together: an 订单报表 as mapped batches, in this process or in a helper process beside it.

Parsing a 订单报表 is pure Python and the database's work is mostly C, so a large file is parsed in
a second process (``python -m kefu.orders.importing.helper``) while this one writes: on a two-core
machine the import then takes about as long as the slower of the two, not their sum. Threads would
not do: the parser holds the GIL, and every row the writer binds would wait for it. Nothing here
touches the database.
"""

import contextlib
import json
import os
import pickle
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kefu.orders.importing import cells, read
from kefu.orders.importing.mapping import OrderBatchReader, ParsedBatch, map_batch
from kefu.orders.importing.read import ImportFileError

try:
    import fcntl
except ImportError:  # not Linux: the pipe keeps the system's size
    fcntl = None  # type: ignore[assignment]

# below this a helper process costs more to start (about half a second) than it saves
PARALLEL_MIN_BYTES = 8 * 2**20
_PIPE_BYTES = 2**20
HELPER_MODULE = "kefu.orders.importing.helper"


def parse_orders(path: Path, *, shop: str, as_text: bool, now) -> Iterator[ParsedBatch]:
    """The 订单报表 at ``path`` as mapped batches (its header is checked by the caller)."""
    head, batches = read.batches(path)
    reader = OrderBatchReader(head, shop=shop, parse_time=cells.TimeParser(as_text=as_text))
    for batch in batches:
        yield map_batch(batch, reader, now)


# --- the helper process -------------------------------------------------------------------------


@dataclass
class Failed:
    """What the helper sends instead of a batch when it cannot go on."""

    message: str
    file_error: bool


def may_parse_beside(path: Path) -> bool:
    """A large CSV, on a machine with a second core."""
    return not read.is_xlsx(path) and path.stat().st_size >= PARALLEL_MIN_BYTES and (os.cpu_count() or 1) > 1


def parse_orders_beside(path: Path, *, shop: str, as_text: bool, now) -> Iterator[ParsedBatch]:
    """``parse_orders`` run by the helper process; its batches arrive here pickled.

    The helper is a fresh interpreter (not a fork: the caller may be a worker thread of the task
    queue or of the web server) that writes to a pipe; the pipe holds less than one batch, so the
    helper never runs far ahead and memory stays that of a couple of batches.
    """
    args = {"path": str(path), "shop": shop, "as_text": as_text, "now": now if as_text else now.isoformat()}
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    env.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    command = [sys.executable, "-m", HELPER_MODULE, json.dumps(args)]
    helper = subprocess.Popen(command, stdout=subprocess.PIPE, env=env, bufsize=_PIPE_BYTES)  # noqa: S603 - our own interpreter and module
    if fcntl is not None:
        with contextlib.suppress(OSError):  # a pipe that holds a batch, not 64 KB of it
            fcntl.fcntl(helper.stdout.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), _PIPE_BYTES)
    finished = False
    try:
        while True:
            try:
                message = pickle.load(helper.stdout)  # noqa: S301 - the pipe from the helper started above
            except EOFError:
                raise RuntimeError("订单报表解析进程意外退出") from None
            if message is None:
                finished = True
                return
            if isinstance(message, Failed):
                if message.file_error:
                    raise ImportFileError(message.message)
                raise RuntimeError(f"订单报表解析失败：{message.message}")
            yield message
    finally:
        if not finished:  # the writer gave up, or the helper did: it would only block on a full pipe
            helper.kill()
        helper.stdout.close()
        helper.wait()


def helper_main(argv: list[str], out) -> None:
    """The helper's side: parse, and send each batch (then None, or a Failed) to ``out``."""
    args = json.loads(argv[0])
    now = args["now"] if args["as_text"] else datetime.fromisoformat(args["now"])

    def send(message) -> None:
        pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
        pickler.fast = True  # no memo: a batch holds no object twice that matters, and it halves the cost
        pickler.dump(message)

    try:
        for parsed in parse_orders(Path(args["path"]), shop=args["shop"], as_text=args["as_text"], now=now):
            send(parsed)
        send(None)
    except ImportFileError as exc:
        send(Failed(str(exc), file_error=True))
    except Exception as exc:  # the parent reports it
        send(Failed(f"{type(exc).__name__}: {exc}", file_error=False))
        raise
    finally:
        out.flush()
