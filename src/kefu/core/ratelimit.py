"""A fixed-window counter in the shared cache, so the limit holds across gunicorn workers."""

import time

from django.core.cache import cache


def allow(*, key: str, limit: int, window_seconds: int = 60) -> bool:
    """Count one hit for ``key``; False once more than ``limit`` hits fell in the current window."""
    window = int(time.time() // window_seconds)
    cache_key = f"ratelimit:{key}:{window}"
    if cache.add(cache_key, 1, timeout=window_seconds + 5):
        count = 1
    else:
        try:
            count = cache.incr(cache_key)
        except ValueError:
            cache.set(cache_key, 1, timeout=window_seconds + 5)
            count = 1
    return count <= limit


def client_ip(request) -> str:
    """The caller's address; X-Forwarded-For only when a proxy in front is declared trusted."""
    from django.conf import settings

    if getattr(settings, "KEFU_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def visitor_key(request) -> str:
    """Who is asking, for "one per visitor" rules: the browser's session when it has one, else
    the address (an API caller without a cookie counts as its address)."""
    session = getattr(request, "session", None)
    key = session.session_key if session is not None else None
    return f"s:{key}" if key else f"ip:{client_ip(request)}"
