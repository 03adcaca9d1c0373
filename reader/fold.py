"""Fold near-duplicate paragraphs across every loaded article onto their first occurrence."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Protocol

from reader.model import Article, FoldPlan
from reader.normalize import MatchText, match_text

if TYPE_CHECKING:
    from rapidfuzz.distance import Opcode

DEFAULT_THRESHOLD: float = 85.0
"""Percent similarity of normalised text at or above which a later paragraph folds."""

MIN_FUZZY_CHARS = 20
"""Shorter normalised paragraphs fold only on an exact match: fuzzy scores on them are noise."""

MIN_PREFIX_CHARS = 40
"""A copy cut short is compared with the other's opening only when at least this long."""

# Words whose swap flips a sentence's meaning while leaving its letters nearly intact.
_OPPOSITES = """
after:before rise:fall rises:falls rose:fell risen:fallen rising:falling up:down
increase:decrease increased:decreased increases:decreases higher:lower high:low
more:less more:fewer most:least won:lost win:lose wins:loses winning:losing winner:loser
gain:loss gains:losses gained:lost profit:loss profits:losses above:below over:under
first:last earlier:later early:late best:worst better:worse strong:weak stronger:weaker
good:bad open:closed opened:closed accept:reject accepted:rejected approved:rejected
support:oppose supported:opposed agree:disagree agreed:disagreed true:false
positive:negative with:without inside:outside import:export imports:exports buy:sell
bought:sold buyer:seller surplus:deficit guilty:innocent north:south east:west left:right
men:women man:woman male:female boys:girls home:away minimum:maximum largest:smallest
biggest:smallest top:bottom start:end started:ended begin:end raised:lowered
always:never all:none yes:no today:yesterday today:tomorrow yesterday:tomorrow
morning:evening morning:afternoon day:night cheap:expensive rich:poor young:old new:old
full:empty success:failure succeeded:failed include:exclude included:excluded
allowed:banned allow:ban entered:left arrived:left hot:cold wet:dry
"""


def _opposites_table(pairs: str) -> Mapping[str, frozenset[str]]:
    table: dict[str, frozenset[str]] = {}
    for pair in pairs.split():
        one, other = pair.split(":")
        table[one] = table.get(one, frozenset()) | {other}
        table[other] = table.get(other, frozenset()) | {one}
    return MappingProxyType(table)


_OPPOSITE_OF = _opposites_table(_OPPOSITES)
# "likely" and "unlikely", "legal" and "illegal": a negating prefix is an opposite too.
_NEGATING_PREFIXES = ("un", "in", "im", "il", "ir", "dis", "non")
_MIN_NEGATED_CHARS = 6
"""A negating prefix (two letters at least) on a word of four letters at least."""
_NEGATIONS = frozenset(("not", "no", "never", "nor", "neither", "cannot", "none", "nothing"))
_LONG_NAME = 7
"""Names this long may carry two typos and still be the same name."""
_HEAD_CHARS = 32
_HEAD_CUTOFF = 75.0
"""Openings this alike make a pair worth scoring as a possible cut-short copy."""


class _Ratio(Protocol):
    def __call__(self, s1: str, s2: str) -> float: ...


class _Distance(Protocol):
    def __call__(self, s1: str, s2: str) -> int: ...


class _Opcodes(Protocol):
    def __call__(self, s1: Sequence[str], s2: Sequence[str]) -> Iterable[Opcode]: ...


@dataclass(frozen=True, slots=True)
class _Tools:
    """rapidfuzz's functions, imported once per call so start-up never loads rapidfuzz."""

    ratio: _Ratio
    opcodes: _Opcodes
    edits: _Distance
    """Edit distance counting a swap of neighbouring letters as one edit."""


def _tools() -> _Tools:
    from rapidfuzz import fuzz
    from rapidfuzz.distance import OSA, Levenshtein

    return _Tools(ratio=fuzz.ratio, opcodes=Levenshtein.opcodes, edits=OSA.distance)


@dataclass(frozen=True, slots=True)
class _Change:
    """One stretch where two word sequences differ."""

    old: tuple[int, int]
    new: tuple[int, int]
    at_end: bool


def _changes(a: MatchText, b: MatchText, tools: _Tools) -> Iterator[_Change]:
    ops = list(tools.opcodes(a.words, b.words))
    index = 0
    while index < len(ops):
        if ops[index].tag == "equal":
            index += 1
            continue
        first = ops[index]
        while index + 1 < len(ops) and ops[index + 1].tag != "equal":
            index += 1
        last = ops[index]
        index += 1
        yield _Change(
            old=(first.src_start, last.src_end),
            new=(first.dest_start, last.dest_end),
            at_end=index == len(ops),
        )


def _misspelt(a: str, b: str, tools: _Tools) -> bool:
    """One edit apart (two for long words): a typo, where a swapped name differs wholesale."""
    return tools.edits(a, b) <= (1 if max(len(a), len(b)) < _LONG_NAME else 2)


def _renamed(removed: Sequence[str], added: Sequence[str], tools: _Tools) -> bool:
    """A name went and a different one came: not a move, not a misspelling."""

    def unmatched(names: Sequence[str], others: Sequence[str]) -> bool:
        return any(not any(_misspelt(n, o, tools) for o in others) for n in names)

    return bool(removed and added) and unmatched(removed, added) and unmatched(added, removed)


def _opposed(removed: Sequence[str], added: Sequence[str]) -> bool:
    """Some removed word has an added opposite ("rose" and "fell", "likely" and "unlikely")."""
    gone, came = set(removed), set(added)
    if any(not _OPPOSITE_OF.get(word, frozenset()).isdisjoint(came) for word in gone):
        return True
    for words, other in ((gone, came), (came, gone)):
        for word in words:
            if len(word) < _MIN_NEGATED_CHARS:
                continue
            for prefix in _NEGATING_PREFIXES:
                if word.startswith(prefix) and len(word) - len(prefix) >= 4:
                    if word[len(prefix) :] in other:
                        return True
    return False


def _numbers_agree(a: MatchText, b: MatchText) -> bool:
    """One text's figures are all in the other (a shortened copy may drop some, not change)."""
    return a.numbers <= b.numbers or b.numbers <= a.numbers


def _contradicts(a: MatchText, b: MatchText, tools: _Tools) -> bool:
    if not _numbers_agree(a, b):
        return True
    removed: list[str] = []
    added: list[str] = []
    removed_names: list[str] = []
    added_names: list[str] = []
    for change in _changes(a, b, tools):
        old = a.words[change.old[0] : change.old[1]]
        new = b.words[change.new[0] : change.new[1]]
        if change.at_end and (not old or not new):
            continue  # one text simply goes on longer
        if _NEGATIONS.isdisjoint(old) != _NEGATIONS.isdisjoint(new):
            return True
        removed.extend(old)
        added.extend(new)
        removed_names.extend(
            w for w, name in zip(old, a.names[change.old[0] :], strict=False) if name
        )
        added_names.extend(
            w for w, name in zip(new, b.names[change.new[0] :], strict=False) if name
        )
    # Compared across the whole text: an alignment may split a swap into a delete and an insert.
    if _opposed(removed, added):
        return True
    return _renamed(removed_names, added_names, tools)


def contradicts(a: MatchText, b: MatchText) -> bool:
    """The two texts read alike but state different facts: other numbers, names, a negation or
    an opposite word. A cut-off tail (a truncated copy) is not a contradiction."""
    return _contradicts(a, b, _tools())


def _prefix_cut(text: str, length: int) -> str:
    """``text`` cut at ``length`` characters, extended to the end of the word it lands in."""
    end = text.find(" ", length)
    return text if end < 0 else text[:end]


def _may_be_cut_short(text: MatchText) -> bool:
    return len(text.key) >= MIN_PREFIX_CHARS or (
        text.truncated and len(text.key) >= MIN_FUZZY_CHARS
    )


def _similarity(a: MatchText, b: MatchText, tools: _Tools) -> float:
    if a.key == b.key:
        return 100.0 if a.key else 0.0
    short, long = (a, b) if len(a.key) <= len(b.key) else (b, a)
    if len(short.key) < MIN_FUZZY_CHARS:
        return 0.0
    score = tools.ratio(a.key, b.key)
    if _may_be_cut_short(short):
        score = max(score, tools.ratio(short.key, _prefix_cut(long.key, len(short.key))))
    return float(score)


def similarity(a: MatchText, b: MatchText) -> float:
    """Percent similarity of two normalised paragraphs: the better of the whole-text ratio and,
    when one could be a copy cut short, the ratio of it to the other's opening."""
    return _similarity(a, b, _tools())


def paragraph_similarity(a: str, b: str) -> float:
    """``similarity`` of two raw paragraphs, as the folder scores them."""
    return similarity(match_text(a), match_text(b))


def verification_tools() -> _Tools:
    """rapidfuzz's functions for ``verified_score``; fetch once per batch of pairs."""
    return _tools()


def verified_score(
    a: MatchText, b: MatchText, threshold: float, *, a_first: bool, tools: _Tools
) -> float | None:
    """The score at which two distinct keys fold onto each other, or None when they do not.

    This is the decision exhaustive comparison makes for every pair: a whole-text ratio at the
    threshold, or (when the shorter could be a copy cut short) openings at least 75% alike;
    then equal figures, the better of whole and prefix similarity, and no contradiction.
    ``a_first`` says which text comes first among equally long ones (load order of keys).
    """
    if len(a.key) < MIN_FUZZY_CHARS or len(b.key) < MIN_FUZZY_CHARS or a.key == b.key:
        return None
    if len(b.key) < len(a.key) or (len(b.key) == len(a.key) and not a_first):
        a, b = b, a
    if tools.ratio(a.key, b.key) < threshold and not (
        _may_be_cut_short(a)
        and tools.ratio(a.key[:_HEAD_CHARS], b.key[:_HEAD_CHARS]) >= _HEAD_CUTOFF
    ):
        return None
    # Cheapest test first: templated text (scores, prices) differs mostly in figures.
    if not _numbers_agree(a, b):
        return None
    score = _similarity(a, b, tools)
    if score >= threshold and not _contradicts(a, b, tools):
        return score
    return None


def check_threshold(threshold: float) -> None:
    if not 0.0 < threshold <= 100.0:
        raise ValueError(f"threshold must be in (0, 100], got {threshold}")


def fold(articles: Sequence[Article], *, threshold: float = DEFAULT_THRESHOLD) -> FoldPlan:
    """Fold every later near-duplicate paragraph onto an earlier one, preferring the earliest
    paragraph that is itself kept. Load order, then paragraph order, decides what is earlier.

    Candidates come from character fingerprints (``reader.fold_candidates``), so the cost grows
    about linearly with the corpus; each candidate pair gets the exact pairwise decision of
    ``verified_score``."""
    check_threshold(threshold)
    from reader.fold_batch import fold_batch
    from reader.fold_index import FoldIndex

    plan, _ = fold_batch(FoldIndex(threshold=threshold), articles, keep_index=False)
    return plan
