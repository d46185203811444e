from django.contrib.auth import views as auth_views
from django.urls import path

from . import notification_views, views

app_name = "accounts"
urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("workspace/", views.workspace, name="workspace"),
    path("workspace/members/", views.members, name="members"),
    path("workspace/delegations/", views.delegations, name="delegations"),
    path(
        "workspace/delegations/grant/",
        views.delegation_grant,
        name="delegation_grant",
    ),
    path(
        "workspace/delegations/revoke/",
        views.delegation_revoke,
        name="delegation_revoke",
    ),
    path(
        "workspace/notifications/",
        notification_views.notification_list,
        name="notifications",
    ),
    path(
        "workspace/notifications/<int:pk>/",
        notification_views.notification_open,
        name="notification_open",
    ),
    path(
        "workspace/notifications/<int:pk>/read/",
        notification_views.notification_mark_read,
        name="notification_read",
    ),
    path(
        "workspace/notifications/read/",
        notification_views.notifications_mark_all_read,
        name="notifications_read",
    ),
    path(
        "accounts/notifications/",
        notification_views.notification_settings,
        name="notification_settings",
    ),
    path("accounts/signup/", views.sign_up, name="signup"),
    path("accounts/confirm/<str:token>/", views.confirm, name="confirm"),
    path(
        "accounts/password-reset/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset.html",
            email_template_name="accounts/password_reset_email.txt",
            subject_template_name="accounts/password_reset_subject.txt",
            success_url="/accounts/password-reset/sent/",
        ),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="accounts/password_reset_sent.html"
        ),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url="/accounts/login/",
        ),
        name="password_reset_confirm",
    ),
]
