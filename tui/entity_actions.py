"""People and places across articles: jump between mentions, pivot the list, the library view."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.binding import Binding, BindingType
from textual.worker import get_current_worker

from tui.messages import EntityIndexBuilt

if TYPE_CHECKING:
    from reader.entity_index import EntityIndex
    from reader.model import Article, Entities, Entity
    from tui.app import NewsfoldApp

ENTITY_BINDINGS: list[BindingType] = [
    Binding("n", "next_mention(1)", "Next mention", show=False),
    Binding("N", "next_mention(-1)", "Previous mention", show=False),
]

PROGRESS_EVERY = 200
"""Articles between two progress updates of the index: often enough to see it move."""


class EntityActions:
    """Mixed into the app: the entity index is built on first need, in a worker."""

    entity_index: EntityIndex | None = None
    _pending_pivot: Entity | None = None
    _want_library_view: bool = False

    def action_next_mention(self: NewsfoldApp, direction: int) -> None:
        found = self.article_view.jump_to_mention(direction)
        if found is None:
            self.set_status("No mentions highlighted: choose a name in People & places")
            return
        position, total = found
        self.set_status(f"Mention {position} of {total}")

    def pivot_to(self: NewsfoldApp, entity: Entity) -> None:
        """Show only the articles that name ``entity``, once the index knows them."""
        if self.entity_index is None:
            self._pending_pivot = entity
            self._need_index()
            return
        self._pending_pivot = None
        ids = self.entity_index.articles_naming(entity)
        if not ids:
            self.set_status(f"No loaded article names {entity.name}")
            return
        self.pivot = (entity.name, ids)
        self.search_hits = None
        self.refresh_list()
        self.article_list.focus()
        count = len(self.article_list.rows)
        self.set_status(f"{count:,} shown name {entity.name} · Esc to show all")

    def show_library_entities(self: NewsfoldApp) -> None:
        """The panel lists the most mentioned people and places of every loaded article."""
        if self.entity_index is None:
            self._want_library_view = True
            self._need_index()
            return
        self._want_library_view = False
        self.entity_panel.show_totals(self.entity_index)

    def _need_index(self: NewsfoldApp) -> None:
        if self.plan is None:
            self.set_status("Waiting for folding to finish…")
            return
        self.set_status(f"Finding people and places in {len(self.articles):,} articles…")
        self.build_entity_index(self.articles)

    @work(thread=True, exclusive=True, group="entity-index", exit_on_error=False)
    def build_entity_index(self: NewsfoldApp, articles: tuple[Article, ...]) -> None:
        from reader.entity_index import build_entity_index

        plan = self.plan
        assert plan is not None
        worker = get_current_worker()
        found: list[tuple[str, Entities]] = []

        def progress(done: int) -> None:
            if done % PROGRESS_EVERY == 0:
                percent = 100 * done // len(articles)
                self.call_from_thread(
                    self.set_status, f"Finding people and places… {percent}% ({done:,} articles)"
                )

        if self.session is not None:
            # Stored articles: read in batches on a connection of its own, cached by text.
            from reader.entity_cache import library_entities
            from reader.library import Library

            ids = [article.id for article in articles]
            with Library.open(self.session.path) as library:
                pairs = library_entities(
                    library,
                    ids,
                    plan,
                    self.services.extract,
                    cancelled=lambda: worker.is_cancelled,
                )
                for done, pair in enumerate(pairs, 1):
                    found.append(pair)
                    progress(done)
        else:
            for done, article in enumerate(articles, 1):
                if worker.is_cancelled:
                    return
                folded = plan.folded_paragraphs(article.id)
                found.append((article.id, self.services.extract(article, folded)))
                progress(done)
        if not worker.is_cancelled:
            self.post_message(EntityIndexBuilt(build_entity_index(found)))

    def on_entity_index_built(self: NewsfoldApp, message: EntityIndexBuilt) -> None:
        self.entity_index = message.index
        self.set_status(self._summary())
        if self._pending_pivot is not None:
            self.pivot_to(self._pending_pivot)
        if self._want_library_view:
            self.show_library_entities()
