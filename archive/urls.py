from django.urls import path

from archive import api, views

app_name = "archive"

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/", views.article_list, name="articles"),
    path("articles/<slug:slug>/", views.article_detail, name="article"),
]

api_urlpatterns = [
    path("articles", api.ArticleList.as_view(), name="articles"),
    path("articles/<slug:slug>", api.ArticleDetail.as_view(), name="article"),
]
