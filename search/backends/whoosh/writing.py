"""Writing to the Whoosh index: one cross-process file lock, one writer, one commit.

Every write goes through the lock, so concurrent web processes wait their turn instead
of raising LockError or dropping an update; bulk writes use one writer and plain adds,
never a reader per document.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from whoosh.writing import CLEAR

from search.backends import IndexBusy
from search.backends.door import prepared_documents


class LockedWriting:
    """The write half of the Whoosh backend (its path, index, lock_timeout, writer
    options and a thread-local _local come from the backend)."""

    # Documents handed to one of the processes of a parallel write at a time.
    parallel_batch = 100

    @contextmanager
    def write_lock(self, wait: bool = True) -> Iterator[bool]:
        """Hold the index for writing; yields whether it is held.

        Waits for any other process that holds it, unless wait is False. Re-entrant
        within a thread, so a caller can hold it across several writes.
        """
        depth = getattr(self._local, "lock_depth", 0)
        if depth:
            self._local.lock_depth = depth + 1
            try:
                yield True
            finally:
                self._local.lock_depth = depth
            return
        path = f"{os.path.abspath(self.path)}.lock"
        os.makedirs(os.path.dirname(path), exist_ok=True)
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.lock_timeout
        try:
            while True:
                try:
                    fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if not wait:
                        yield False
                        return
                    if time.monotonic() > deadline:
                        raise IndexBusy(
                            f"the search index stayed locked for {self.lock_timeout:.0f} s"
                        ) from None
                    time.sleep(0.01)
            self._local.lock_depth = 1
            yield True
        finally:
            self._local.lock_depth = 0
            os.close(descriptor)  # closing releases the lock

    def write(
        self,
        *,
        delete_terms: Iterable[tuple[tuple[str, str], ...]] = (),
        documents: Iterable[dict] = (),
        replace_all: bool = False,
        parallel: bool = False,
    ) -> int:
        """Delete, then add, in one writer and one commit; returns documents added.

        Each of delete_terms is a tuple of (field, value) pairs: the documents holding all
        of them are deleted.

        replace_all drops every existing document at commit, so readers see the old
        index until the new one is complete. parallel, for thousands of documents (an
        ingest, a rebuild), spreads them over writer_procs processes.
        """
        if not self.setup_complete:
            self.setup()
        with self.write_lock():
            writer = self._writer(parallel)
            try:
                if not replace_all:
                    self._delete(writer, delete_terms)
                added = 0
                for document in documents:
                    writer.add_document(**document)
                    added += 1
                writer.commit(mergetype=CLEAR if replace_all else None)
            except BaseException:
                writer.cancel()
                raise
        return added

    def _writer(self, parallel: bool):
        # Whoosh forks its writing processes: only from a command's or the index worker's
        # main thread, never from a web server's request thread, whose siblings may hold
        # locks that a fork would copy held.
        in_main_thread = threading.current_thread() is threading.main_thread()
        if not parallel or self.writer_procs < 2 or not in_main_thread:
            return self.index.writer(limitmb=self.writer_limitmb)
        # Each process analyses its share and writes a segment of its own. Writing the
        # posting lists is most of indexing; merging the processes' runs into one segment
        # (Whoosh's default) would leave that to one process again. The memory allowance
        # is shared, so a bulk write takes no more than a single writer.
        return self.index.writer(
            procs=self.writer_procs,
            batchsize=self.parallel_batch,
            multisegment=True,
            limitmb=max(self.writer_limitmb // self.writer_procs, 32),
        )

    @staticmethod
    def _delete(writer, terms: Iterable[tuple[tuple[str, str], ...]]) -> None:
        with writer.searcher() as searcher:
            for pairs in terms:
                for docnum in searcher.document_numbers(**dict(pairs)):
                    writer.delete_document(docnum)

    def prepare(self, index, objects: Iterable) -> Iterator[dict]:
        return prepared_documents(index, objects, self._from_python)
