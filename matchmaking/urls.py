from .views import recommend

app_name = "matchmaking"
urlpatterns = [
    *recommend.urlpatterns,
]
