"""Account and deal pages: key facts, deals, and every note on them."""

from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from deals.models import Account, Deal
from feedbackhub.paging import page_of
from insights.notes.models import CallNote


def _notes(queryset, request):
    notes = (
        queryset.select_related("account", "author", "deal", "assignment__theme")
        .prefetch_related("tags")
        .order_by("-call_date", "-id")
    )
    return page_of(notes, request.GET.get("page"), 50)


@permission_required("deals.view_account", raise_exception=True)
@require_GET
def account_detail(request, pk: int):
    account = get_object_or_404(Account.objects.select_related("owner"), pk=pk)
    deals = list(account.deals.select_related("owner", "competitor").order_by("-created_at"))
    page = _notes(CallNote.objects.filter(account=account), request)
    return render(
        request, "deals/account_detail.html", {"account": account, "deals": deals, "page": page}
    )


@permission_required("deals.view_deal", raise_exception=True)
@require_GET
def deal_detail(request, pk: int):
    deal = get_object_or_404(Deal.objects.select_related("account", "owner", "competitor"), pk=pk)
    page = _notes(CallNote.objects.filter(deal=deal), request)
    return render(request, "deals/deal_detail.html", {"deal": deal, "page": page})
