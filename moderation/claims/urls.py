"""URLs of name claims, mounted at /claims/ (config/urls.py)."""

from django.urls import path

from moderation.claims import views

urlpatterns = [
    path("", views.claim_list, name="claims"),
    path("new/", views.claim_new, name="claim-new"),
    path("answer/<str:token>/", views.owner_answer, name="claim-owner-answer"),
    path("<int:pk>/", views.claim_detail, name="claim"),
    path("<int:pk>/withdraw/", views.claim_withdraw_view, name="claim-withdraw"),
    path("<int:pk>/reply/", views.claim_reply, name="claim-reply"),
]
