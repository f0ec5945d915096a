"""Page numbers for the templates' pagination macro (macros/ui.html), for pages that are not a query pager."""

from dataclasses import dataclass


class PageNumbers:
    """What the macro asks of a page, from `page`, `per_page` and `total` (as Flask-SQLAlchemy's pager)."""

    page: int
    per_page: int
    total: int
    capped = False  # `total` is exact; a page whose count stops at a cap says so (the audit log)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


@dataclass
class ListPage(PageNumbers):
    """One page of a list that is already in memory (a coach's own tasks, say)."""

    items: list
    page: int
    per_page: int
    total: int

    @classmethod
    def of(cls, items: list, page: int, per_page: int) -> "ListPage":
        """Page `page` of `items`; a page past the end is the last page."""
        pages = max(1, -(-len(items) // per_page))
        page = min(max(page, 1), pages)
        return cls(items[(page - 1) * per_page : page * per_page], page, per_page, len(items))
