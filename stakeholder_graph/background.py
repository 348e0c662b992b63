"""Run a function in a fresh Python process while this one goes on with other work.

Used where a view has work that does not wait for the diagnosis (the briefing's plain
figures, its summary and layout): on a machine with a second core that work is done
beside the diagnosis instead of after it.

Why a fresh interpreter (``python -m stakeholder_graph.background IN OUT``) and not
:mod:`multiprocessing`: its ``spawn`` start re-runs the caller's main script, so an
analyst's script without an ``if __name__ == "__main__":`` guard would fail; ``fork`` copies
a process whose threads (BLAS, Arrow) may hold locks.  The function and its arguments go
to the worker as a pickle in a private temporary folder, and its result comes back the same
way; nothing else is shared.  If the worker cannot start or fails, the function is run here
instead, so the caller gets the same result either way, only later.
"""

from __future__ import annotations

import importlib
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

__all__ = ["spare_cores", "worth_a_worker", "start", "MIN_TIES"]

# Below this many ties a diagnosis takes less time than starting a worker (about a second:
# an interpreter, this package and matplotlib), so work is done in turn.
MIN_TIES = 2000


def spare_cores() -> int:
    """Cores this process may use beyond its own (0 on a one-core machine)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(cores - 1, 0)


def worth_a_worker(G) -> bool:
    """Whether work beside a diagnosis of ``G`` pays for a worker: a second core, and
    at least :data:`MIN_TIES` ties."""
    return bool(spare_cores()) and G.number_of_edges() >= MIN_TIES


def start(function, *args):
    """Start ``function(*args)`` in a worker process; return a callable that waits for it and
    gives its result (or raises what it raised).

    ``function`` must be importable by name (a module-level function) and ``args`` picklable.
    """
    folder = Path(tempfile.mkdtemp(prefix="stakeholder-graph-"))
    job, result = folder / "job.pickle", folder / "result.pickle"
    try:
        with open(job, "wb") as handle:
            pickle.dump((function.__module__, function.__qualname__, args), handle, protocol=pickle.HIGHEST_PROTOCOL)
        process = subprocess.Popen([sys.executable, "-m", __name__, str(job), str(result)],
                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    except (OSError, pickle.PicklingError, AttributeError, TypeError):
        shutil.rmtree(folder, ignore_errors=True)
        return lambda: function(*args)

    def wait():
        try:
            process.communicate()
            if process.returncode == 0 and result.exists():
                with open(result, "rb") as handle:
                    ok, value = pickle.load(handle)
                if ok:
                    return value
                raise value
            return function(*args)          # the worker could not run: do the work here
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    return wait


def _run(job: str, result: str) -> None:
    with open(job, "rb") as handle:
        module, name, args = pickle.load(handle)
    function = importlib.import_module(module)
    for part in name.split("."):
        function = getattr(function, part)
    try:
        outcome = (True, function(*args))
    except Exception as error:       # handed back to the caller, which raises it
        outcome = (False, error)
    with open(result, "wb") as handle:
        pickle.dump(outcome, handle, protocol=pickle.HIGHEST_PROTOCOL)


if __name__ == "__main__":
    _run(sys.argv[1], sys.argv[2])
