from django.urls import path

from .views import recommend

app_name = "matchmaking"
urlpatterns = [
    *recommend.urlpatterns,
]
