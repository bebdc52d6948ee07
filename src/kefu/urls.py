from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from kefu.core.permissions import IsStaffMember
from kefu.customers.api_urls import profiles_urlpatterns as customer_profiles_api
from kefu.customers.urls import survey_urlpatterns as customer_survey_urls
from kefu.inbox.api_urls import legacy_urlpatterns as inbox_legacy_api

urlpatterns = [
    # browsers ask for /favicon.ico whatever the page says
    path("favicon.ico", RedirectView.as_view(url=static("kefu/favicon.ico"), permanent=True)),
    # the no-account satisfaction survey a customer opens from a link
    path("survey/", include((customer_survey_urls, "customers_survey"))),
    path("", include("kefu.helpcenter.urls")),
    path("desk/orders/", include("kefu.orders.urls")),
    path("desk/inbox/", include("kefu.inbox.urls")),
    path("desk/aftersales/", include("kefu.aftersales.urls")),
    path("desk/customers/", include("kefu.customers.urls")),
    path("desk/chat/", include("kefu.chat.urls")),
    path("desk/replies/", include("kefu.replies.urls")),
    path("desk/team/", include("kefu.team.urls")),
    path("desk/reports/", include("kefu.reports.urls")),
    path("desk/", include("kefu.core.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/help/", include("kefu.helpcenter.api_urls")),
    path("api/v1/orders/", include("kefu.orders.api_urls")),
    path("api/v1/inbox/", include("kefu.inbox.api_urls")),
    path("api/v1/aftersales/", include((inbox_legacy_api, "inbox_legacy_api"))),
    path("api/v1/aftersales/", include("kefu.aftersales.api_urls")),
    path("api/v1/customers/", include("kefu.customers.api_urls")),
    path("api/v1/chat/", include("kefu.chat.api_urls")),
    path("api/v1/replies/", include("kefu.replies.api_urls")),
    # the shop's own scripts call these addresses: keep them as they are
    path("api/team/", include("kefu.team.api_urls")),
    path("api/reports/", include("kefu.reports.api_urls")),
    # the customer profiles, same fields as `kefu customers export --format json`
    path("api/customers/", include((customer_profiles_api, "customer_profiles_api"))),
    # the API's description is for the shop's team, not for the public
    path("api/schema/", SpectacularAPIView.as_view(permission_classes=[IsStaffMember]), name="schema"),
    path(
        "api/docs/",
        # the split view serves its script as a file, so the page needs no inline script
        SpectacularSwaggerSplitView.as_view(url_name="schema", permission_classes=[IsStaffMember]),
        name="swagger-ui",
    ),
]

handler500 = "kefu.core.errors.server_error"
