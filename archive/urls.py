from django.urls import path

from archive import api, views

app_name = "archive"

# An article's own page, archive:article at articles/<slug>/, is the reader: it shows
# annotations and search marks too, so the composition layer adds it (commonplace.urls).
urlpatterns = [
    path("", views.home, name="home"),
    path("articles/", views.article_list, name="articles"),
]

api_urlpatterns = [
    path("articles", api.ArticleList.as_view(), name="articles"),
    path("articles/<slug:slug>", api.ArticleDetail.as_view(), name="article"),
    path("articles/<slug:slug>/citation", api.ArticleCitation.as_view(), name="article-citation"),
]
