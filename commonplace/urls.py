from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularJSONAPIView

from annotations import urls as annotation_urls
from archive import urls as archive_urls
from commonplace import accounts, adding, health, reader
from search import urls as search_urls

api_urlpatterns = [
    *archive_urls.api_urlpatterns,
    *search_urls.api_urlpatterns,
    *annotation_urls.api_urlpatterns,
    path("token", accounts.ObtainToken.as_view(), name="token"),
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="openapi"),
]

# The archive's pages, and an article's own page: the reader, which shows more than the
# archive knows (annotations, search marks), under the archive's name all the same.
# Adding articles too: reading and storing them wires in what follows the archive.
# Before the reader's pattern, which would take "add" for a slug (storing never makes it
# one: archive.storing.RESERVED_SLUGS).
archive_urlpatterns = [
    *archive_urls.urlpatterns,
    path("articles/add/", adding.add_articles, name="add"),
    path("articles/add/<uuid:uid>/", adding.upload_page, name="upload"),
    path("articles/add/<uuid:uid>/status", adding.upload_status, name="upload-status"),
    path(
        "articles/add/<uuid:uid>/articles/<int:file>-<int:order>/",
        adding.correct_article,
        name="upload-correct",
    ),
    path("articles/add/<uuid:uid>/files/<int:file>/", adding.keep_apart, name="upload-apart"),
    path("articles/add/<uuid:uid>/confirm/", adding.confirm_upload, name="upload-confirm"),
    path("articles/add/<uuid:uid>/discard/", adding.discard_upload, name="upload-discard"),
    path("articles/<slug:slug>/", reader.article_page, name="article"),
]

account_urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("signup/", accounts.signup, name="signup"),
    path("token/", accounts.api_token, name="token"),
    path("", accounts.account, name="account"),
]

urlpatterns = [
    path("", include((archive_urlpatterns, archive_urls.app_name))),
    path("", include(search_urls)),
    path("", include(annotation_urls)),
    path("accounts/", include((account_urlpatterns, "accounts"))),
    path("api/", include((api_urlpatterns, "api"))),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    # Browsers ask for /favicon.ico whatever the page says; the icon is an SVG.
    path("favicon.ico", RedirectView.as_view(url=static("favicon.svg")), name="favicon"),
]

# JSON under /api/, the site's own pages elsewhere.
handler400 = "commonplace.errors.bad_request"
handler403 = "commonplace.errors.permission_denied"
handler404 = "commonplace.errors.page_not_found"
handler500 = "commonplace.errors.server_error"
