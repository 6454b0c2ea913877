"""Django admin with the organisation first: people, customers, feedback, then the plumbing.

Django lists admin's sections alphabetically, which put "Auth token", "Axes"
and "Log entries" above the people and customers an admin comes to manage.
"""

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig

# The product's own sections, in the order an admin looks for them.
FIRST = ("accounts", "deals", "insights")


class FeedbackHubAdminSite(AdminSite):
    site_header = "FeedbackHub administration"
    site_title = "FeedbackHub admin"
    index_title = "Run the organisation"

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        rank = {label: i for i, label in enumerate(FIRST)}
        # A stable sort: the technical sections keep Django's alphabetical order after ours.
        return sorted(apps, key=lambda app: rank.get(app["app_label"], len(rank)))


class FeedbackHubAdminConfig(AdminConfig):
    default_site = "feedbackhub.admin_site.FeedbackHubAdminSite"
