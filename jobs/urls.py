from django.urls import path

from . import views

urlpatterns = [path("jobs/<int:pk>/", views.status_view, name="job_status")]
