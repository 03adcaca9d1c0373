"""One byte per listed article for each triage flag, kept in step with the flags cheaply."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from tui.triage import FLAGS, Flag, Triage


def mark(mask: bytearray, ids: Iterable[str], index_of: Mapping[str, int], value: int) -> None:
    """Set ``value`` at each id's place; ids not listed land on ``mask``'s spare last byte."""
    spare = len(mask) - 1
    for article_id in ids:
        mask[index_of.get(article_id, spare)] = value


class FlagMasks:
    """Per flag, 1 where a listed article has it (plus a spare byte), for one list of articles.

    Building them touches every flagged id (60k read ids at 100k articles); after that a flag
    change costs only its own ids, replayed from the triage's recent changes, so a filter never
    walks the flagged ids again. Filters combine masks as big integers, bytewise in C.
    """

    def __init__(self) -> None:
        self._triage: Triage | None = None
        self._index_of: Mapping[str, int] | None = None
        self._version = -1
        self._masks: dict[Flag, bytearray] = {}

    def numbers(self, triage: Triage, index_of: Mapping[str, int], count: int) -> dict[Flag, int]:
        """Each flag's mask as a little-endian integer of ``count + 1`` bytes."""
        if not self._caught_up(triage, index_of, count):
            self._masks = {}
            for flag in FLAGS:
                mask = bytearray(count + 1)
                mark(mask, triage.ids_with(flag), index_of, 1)
                self._masks[flag] = mask
            self._triage, self._index_of, self._version = triage, index_of, triage.version
        return {flag: int.from_bytes(mask, "little") for flag, mask in self._masks.items()}

    def _caught_up(self, triage: Triage, index_of: Mapping[str, int], count: int) -> bool:
        """Bring the masks to the triage's version by replaying its recent changes; False when
        they belong to other flags or articles, or are too far behind to replay."""
        if triage is not self._triage or index_of is not self._index_of:
            return False
        if len(self._masks.get("read", b"")) != count + 1:
            return False
        missing = [change for change in triage.recent if change[0] > self._version]
        if len(missing) != triage.version - self._version:
            return False
        for _, flag, ids, value in missing:
            mark(self._masks[flag], ids, index_of, int(value))
        self._version = triage.version
        return True
