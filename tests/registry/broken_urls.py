"""The site's URLs plus one view that fails, to see the server error page (test_web_face.py)."""

from django.urls import path

from config.urls import handler500, urlpatterns


def boom(request):
    raise RuntimeError("a failing view")


urlpatterns = [path("boom/", boom), *urlpatterns]
__all__ = ["handler500", "urlpatterns"]
