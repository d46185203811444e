from django.urls import path

from . import views

urlpatterns = [
    path("jobs/<int:pk>/", views.status_view, name="job_status"),
    path("jobs/<int:pk>/page/", views.page_view, name="job_page"),
    path("jobs/<int:pk>/file/", views.file_view, name="job_file"),
]
