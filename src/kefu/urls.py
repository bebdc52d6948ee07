from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from kefu.inbox.api_urls import legacy_urlpatterns as inbox_legacy_api

urlpatterns = [
    path("", include("kefu.helpcenter.urls")),
    path("desk/orders/", include("kefu.orders.urls")),
    path("desk/inbox/", include("kefu.inbox.urls")),
    path("desk/aftersales/", include("kefu.aftersales.urls")),
    path("desk/customers/", include("kefu.customers.urls")),
    path("desk/chat/", include("kefu.desk.urls")),
    path("desk/replies/", include("kefu.replies.urls")),
    path("desk/", include("kefu.core.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/help/", include("kefu.helpcenter.api_urls")),
    path("api/v1/orders/", include("kefu.orders.api_urls")),
    path("api/v1/inbox/", include("kefu.inbox.api_urls")),
    path("api/v1/aftersales/", include((inbox_legacy_api, "inbox_legacy_api"))),
    path("api/v1/aftersales/", include("kefu.aftersales.api_urls")),
    path("api/v1/customers/", include("kefu.customers.api_urls")),
    path("api/v1/chat/", include("kefu.desk.api_urls")),
    path("api/v1/replies/", include("kefu.replies.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
]
