from rest_framework.routers import DefaultRouter

from deals.api.views import AccountViewSet, CompetitorViewSet, DealViewSet
from insights.notes.api.views import NoteViewSet, TagViewSet
from insights.themes.api.views import ThemeViewSet

router = DefaultRouter()
router.register("notes", NoteViewSet, basename="note")
router.register("accounts", AccountViewSet, basename="account")
router.register("deals", DealViewSet, basename="deal")
router.register("tags", TagViewSet, basename="tag")
router.register("competitors", CompetitorViewSet, basename="competitor")
router.register("themes", ThemeViewSet, basename="theme")

urlpatterns = router.urls
