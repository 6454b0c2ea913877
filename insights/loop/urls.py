from django.urls import path

from insights.loop import views as loop_views

urlpatterns = [
    path("notifications/", loop_views.notifications, name="notifications"),
    path("notifications/<int:pk>/", loop_views.notification_open, name="notification_open"),
    path("notifications/read/", loop_views.notifications_mark_read, name="notifications_mark_read"),
    path("settings/notifications/", loop_views.notification_settings, name="notification_settings"),
    path("my-requests/", loop_views.my_customers_requests, name="my_requests"),
    path("win-back/", loop_views.winback_list, name="winback"),
    path("win-back/<int:pk>/", loop_views.winback_action, name="winback_action"),
    path("themes/<int:pk>/win-back/", loop_views.theme_winback, name="theme_winback"),
]
