"""``python -m kefu.orders.importing.helper ARGS``: parse an 订单报表, pickled batches on stdout.

Started by ``parse.parse_orders_beside``; only ever run as a script, never imported. Django is set
up before the parser is imported (it reads the models' choices), so the import below comes after.
"""

import gc
import os
import sys

import django

# stdout carries the batches; anything printed by accident goes to stderr instead
_out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
django.setup()
gc.disable()  # a short-lived process that makes no reference cycles: collections are pure cost

from kefu.orders.importing.parse import helper_main  # noqa: E402 - needs the setup above

helper_main(sys.argv[1:], _out)
