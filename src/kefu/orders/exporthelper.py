"""``python -m kefu.orders.exporthelper ARGS``: parse an order export, pickled batches on stdout.

Started by ``exportread.parse_orders_beside``. Only the standard library is imported before
Django is set up, so the module can run as a script.
"""

import gc
import os
import sys


def main() -> None:
    # stdout carries the batches; anything printed by accident goes to stderr instead
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    import django

    django.setup()
    gc.disable()  # a short-lived process that makes no reference cycles: collections are pure cost

    from kefu.orders.exportread import helper_main

    helper_main(sys.argv[1:], out)


if __name__ == "__main__":
    main()
