from django.urls import path

from search import api, views

app_name = "search"

urlpatterns = [
    path("search/", views.search_page, name="search"),
]

api_urlpatterns = [
    path("search", api.SearchView.as_view(), name="search"),
]
