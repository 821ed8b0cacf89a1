"""The clock of one Whoosh search: collectors and word lists that stop when its time
is up (search.limits), raising Whoosh's TimeLimit; what was found until then stands."""

from __future__ import annotations

from whoosh import collectors

from search.limits import MATCHES_BETWEEN_CHECKS, WORDS_BETWEEN_CHECKS, SearchLimits


class DeadlineCollector(collectors.WrappingCollector):
    """Stops a search when its time is up, raising Whoosh's TimeLimit; the collectors
    around it keep what was collected until then.

    Whoosh's TimeLimitCollector cannot do this here: it looks at its timer only in its
    own collect_matches(), which the filtering collectors wrapped around the top one
    (collection.py) replace with their own loops over matches(); and its alarm signal
    works in a main thread only, not in a server's threads. So the clock is read in
    matches(), which every loop draws from, and before each segment's matcher is built.
    """

    def __init__(self, child, limits: SearchLimits):
        super().__init__(child)
        self.limits = limits

    def set_subsearcher(self, subsearcher, offset):
        if self.limits.expired:
            raise collectors.TimeLimit
        super().set_subsearcher(subsearcher, offset)

    def matches(self):
        limits = self.limits
        for count, sub_docnum in enumerate(self.child.matches()):
            if not count % MATCHES_BETWEEN_CHECKS and limits.expired:
                raise collectors.TimeLimit
            yield sub_docnum


class ClockedReader:
    """A segment reader whose word lists stop, raising TimeLimit, when the search's time
    is up. A wildcard with nothing before it reads the whole vocabulary to find its
    words, matching or not: half a second at 40,000 paragraphs, with no match to count."""

    def __init__(self, reader, limits: SearchLimits):
        self._reader, self._limits = reader, limits

    def __getattr__(self, name):
        return getattr(self._reader, name)

    def lexicon(self, fieldname):
        return self._clocked(self._reader.lexicon(fieldname))

    def expand_prefix(self, fieldname, prefix):
        return self._clocked(self._reader.expand_prefix(fieldname, prefix))

    def _clocked(self, words):
        limits = self._limits
        for count, word in enumerate(words):
            if not count % WORDS_BETWEEN_CHECKS and limits.expired:
                raise collectors.TimeLimit
            yield word
