"""The ``kefu`` console script: a thin front over Django's management commands.

``kefu migrate``, ``kefu createsuperuser``, ``kefu serve --demo`` and every project command
(``kefu kb import``, ``kefu sweep`` …) go through here, so a shop never needs ``manage.py``.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    from django.core.management import execute_from_command_line

    args = sys.argv[1:] if argv is None else argv
    execute_from_command_line(["kefu", *args])


if __name__ == "__main__":
    main()
