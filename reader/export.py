"""JSON-ready records for the scripting interface (``newsfold folds|entities --json``)."""

from __future__ import annotations

from typing import Any

from reader.model import Article, Entities, Entity, FoldPlan


def fold_record(article: Article, plan: FoldPlan) -> dict[str, Any]:
    """One line of ``newsfold folds --json``: the article, its paragraphs and its folds."""
    return {
        "id": article.id,
        "title": article.title,
        "paragraphs": list(article.paragraphs),
        "folds": [
            {
                "paragraph": fold.paragraph,
                "same_as": {"id": fold.same_as.article_id, "paragraph": fold.same_as.paragraph},
                "score": round(fold.score, 2),
            }
            for fold in plan.folds_for(article.id)
        ],
    }


def _entity_record(entity: Entity) -> dict[str, Any]:
    return {
        "name": entity.name,
        "count": entity.count,
        "mentions": [
            {"paragraph": m.paragraph, "start": m.start, "end": m.end, "text": m.text}
            for m in entity.mentions
        ],
    }


def entities_record(article: Article, entities: Entities) -> dict[str, Any]:
    """One line of ``newsfold entities --json``: the article's people and places."""
    return {
        "id": article.id,
        "title": article.title,
        "people": [_entity_record(e) for e in entities.people],
        "places": [_entity_record(e) for e in entities.places],
    }
