"""Chinese date input formats with the ISO form first.

Django's Chinese locale puts ``2026/11/20`` first, and a form field renders its value in the first
input format; but ``<input type="date">`` only understands ``2026-11-20`` and silently drops
anything else, so saving a form emptied its dates. With ISO first every date and datetime input
renders a value the browser keeps; ``2026/11/20`` and ``2026年11月20日`` are still read (the latter
with ``%m``/``%d``: Django's own Chinese pattern uses ``%n``/``%j``, which never matched a date).
"""

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y年%m月%d日 %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y/%m/%d %H:%M:%S.%f",
]
