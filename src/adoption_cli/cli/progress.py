"""A transient progress display on stderr for work that may take a while (loading exports).

Shown only when the work lasts longer than about half a second, stderr is a terminal and colour is allowed
(NO_COLOR, --no-color and non-TTY output get no animation); it disappears when the work ends, so that
stdout and the final stderr lines are the same whether it was shown or not.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from adoption_cli.environment import current

DELAY_SECONDS = 0.5


@contextmanager
def delayed_status(message: str, *, delay: float = DELAY_SECONDS) -> Iterator[None]:
    env = current()
    if env.quiet or not env.color or not env.err.is_terminal:
        yield
        return
    status = env.err.status(message, spinner="dots")
    lock = threading.Lock()
    finished = False

    def start() -> None:
        with lock:
            if not finished:
                status.start()

    timer = threading.Timer(delay, start)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        with lock:
            finished = True
            status.stop()
