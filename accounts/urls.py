"""Account pages under /accounts/, included before allauth's own URLs so Wharf's versions of the sign-up and
email pages take their names (`account_signup`, `account_email`)."""

from django.urls import path

from accounts import views

urlpatterns = [
    path("", views.account_home, name="account_home"),
    path("login/", views.login, name="account_login"),
    path("signup/", views.signup, name="account_signup"),
    path("email/", views.email, name="account_email"),
    path("tokens/", views.tokens, name="account_tokens"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke_view, name="account_token_revoke"),
    path("security/", views.security_log, name="account_security"),
]
