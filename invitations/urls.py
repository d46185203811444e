from django.urls import path

from . import views

app_name = "invitations"
urlpatterns = [
    path("invitations/<str:token>/", views.invitation_view, name="detail"),
    path("invitations/<str:token>/accept/", views.accept_view, name="accept"),
    path("invitations/<str:token>/decline/", views.decline_view, name="decline"),
    path("invitations/<str:token>/delegate/", views.delegate_view, name="delegate"),
]
