"""keras-tuner's distributed mode on one machine: a chief and N workers as local processes.

keras-tuner spreads a search over processes with three environment variables and nothing else:

* ``KERASTUNER_TUNER_ID``: ``"chief"`` for the process that runs the oracle, and a distinct id
  such as ``"tuner0"``, ``"tuner1"`` for each worker;
* ``KERASTUNER_ORACLE_IP`` and ``KERASTUNER_ORACLE_PORT``: where the chief's oracle listens
  (a gRPC server) and where the workers reach it.

Every process runs the *same* search script. In the chief, ``tuner.search()`` only serves the
oracle: it hands out hyperparameters and records results, and returns when the oracle has no
trial left and every worker has asked for one more. In a worker, ``tuner.search()`` asks the
chief for a trial, trains it, reports the score, and asks again. All processes share the project
folder (``directory/project_name``): the chief's oracle writes its state there, the workers their
checkpoints.

:func:`run_distributed_search` starts such a chief and workers on this machine (on the loopback
address only), waits for them within a time limit, stops every process it started, and returns
their exit codes and output. :func:`log_trials` makes a tuner note which trials it runs, and
:func:`trials_by_tuner` reads those notes back. Across machines, set the three variables by hand
on each host (see the course README).
"""

from dlcourse.tuning.distributed.env import (
    CHIEF_ID,
    ORACLE_IP_ENV,
    ORACLE_PORT_ENV,
    TUNER_ID_ENV,
    check_loopback,
    distributed_env,
    free_port,
    worker_ids,
)
from dlcourse.tuning.distributed.launcher import DistributedRun, ProcessOutcome, run_distributed_search
from dlcourse.tuning.distributed.trials import TRIAL_LOG_PREFIX, log_trials, trials_by_tuner

__all__ = [
    "CHIEF_ID",
    "ORACLE_IP_ENV",
    "ORACLE_PORT_ENV",
    "TRIAL_LOG_PREFIX",
    "TUNER_ID_ENV",
    "DistributedRun",
    "ProcessOutcome",
    "check_loopback",
    "distributed_env",
    "free_port",
    "log_trials",
    "run_distributed_search",
    "trials_by_tuner",
    "worker_ids",
]
