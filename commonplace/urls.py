from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularJSONAPIView

from archive import urls as archive_urls
from search import urls as search_urls

api_urlpatterns = [
    *archive_urls.api_urlpatterns,
    *search_urls.api_urlpatterns,
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="openapi"),
]

urlpatterns = [
    path("", include(archive_urls)),
    path("", include(search_urls)),
    path("api/", include((api_urlpatterns, "api"))),
    path("admin/", admin.site.urls),
]
