"""The desk's URL configuration answers a server error with the Chinese 500 page."""

from kefu import urls


def test_the_desk_uses_the_chinese_500_page():
    assert urls.handler500 == "kefu.core.errors.server_error"
