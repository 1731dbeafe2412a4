"""The worker: claims and runs due jobs until told to stop.

SIGTERM (or SIGINT) asks it to stop: the job it is running finishes and is recorded, then
it exits. A worker killed outright (SIGKILL, a lost host) leaves its job's lease behind; when
the lease runs out (``JOBS_LEASE_SECONDS``) another worker takes the job over.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from registry.extensions import db
from registry.jobs.services import run_due, worker_name

log = logging.getLogger(__name__)


class Worker:
    def __init__(self, poll_seconds: float, name: str | None = None) -> None:
        self.poll_seconds = poll_seconds
        self.name = name or worker_name()
        self._stopping = threading.Event()

    def stop(self, signum: int | None = None, _frame: FrameType | None = None) -> None:
        if signum is not None:
            name = signal.Signals(signum).name
            log.info("Worker %s: %s received, stopping after the current job", self.name, name)
        self._stopping.set()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    @contextmanager
    def _signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = {sig: signal.signal(sig, self.stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def run_once(self) -> int:
        """Run every job that is due now, then return how many ran."""
        with self._signals():
            try:
                return run_due(self.name, stop=lambda: self.stopping)
            finally:
                db.session.remove()

    def run_forever(self) -> int:
        """Run jobs as they fall due until stopped; a database that cannot be reached is
        logged and tried again after the poll interval."""
        ran = 0
        with self._signals():
            log.info("Worker %s started", self.name)
            while not self.stopping:
                try:
                    ran += run_due(self.name, stop=lambda: self.stopping)
                except Exception:
                    log.exception("Worker %s could not read the job queue", self.name)
                finally:
                    db.session.remove()
                self._stopping.wait(self.poll_seconds)
            log.info("Worker %s stopped", self.name)
        return ran
