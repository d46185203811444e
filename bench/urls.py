from django.http import HttpResponse
from django.urls import path

from roadshow.urls import urlpatterns as platform

BODY = b"<!DOCTYPE html><html><body><p>trivial</p></body></html>"


def trivial(request):
    """The baseline: a Django view that does nothing, served by the same Daphne."""
    return HttpResponse(BODY, content_type="text/html; charset=utf-8")


urlpatterns = [path("bench/trivial", trivial), *platform]
