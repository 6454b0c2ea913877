"""Cursor pages for API lists that clients walk from end to end.

A page number costs a `COUNT(*)` of the whole list and an OFFSET that grows
with the page; a cursor is the position of the last row seen, so every page
is one index range scan however deep it is, and rows added while a client
pages (they arrive at the newest end) never shift a row onto a page twice or
off the pages altogether.
"""

from rest_framework.pagination import CursorPagination


class NewestFirstCursorPagination(CursorPagination):
    """Newest first by creation time; the id breaks ties between rows created together.

    Needs an index on (created_at DESC, id DESC) on the model's table.
    """

    ordering = ("-created_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
