"""Which process ran which trial: ``log_trials`` in the search script, ``trials_by_tuner`` afterwards."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from dlcourse._validation import _describe

TRIAL_LOG_PREFIX = "dlcourse_trials_"
"""The name prefix of the files :func:`log_trials` writes: ``dlcourse_trials_<tuner_id>.jsonl``."""


def _check_tuner(tuner):
    import keras_tuner

    if not isinstance(tuner, keras_tuner.engine.base_tuner.BaseTuner):
        raise TypeError(
            f"tuner must be a keras-tuner tuner such as keras_tuner.RandomSearch; received tuner={_describe(tuner)}"
        )
    return tuner


def log_trials(tuner) -> Path:
    """Makes ``tuner`` note every trial it starts in ``<project_dir>/dlcourse_trials_<tuner_id>.jsonl``.

    Call it in the search script, before ``tuner.search()``. Each line holds ``tuner_id``,
    ``trial_id``, the trial's hyperparameter values, the process id and the time. In a
    distributed search the workers run the trials, so :func:`trials_by_tuner` then tells which
    worker ran which trial (the chief's oracle keeps the trials, not who ran them).

    Args:
        tuner: a keras-tuner tuner (``RandomSearch``, ``Hyperband``, :class:`CVTuner`, ...).

    Returns:
        The path of the file the tuner appends to.

    Raises:
        TypeError: if ``tuner`` is not a keras-tuner tuner.
    """
    tuner = _check_tuner(tuner)
    path = Path(tuner.project_dir) / f"{TRIAL_LOG_PREFIX}{tuner.tuner_id}.jsonl"
    begin = tuner.on_trial_begin

    def on_trial_begin(trial):
        record = {"tuner_id": str(tuner.tuner_id), "trial_id": str(trial.trial_id),
                  "hyperparameters": trial.hyperparameters.values, "pid": os.getpid(), "time": time.time()}
        with path.open("a") as handle:
            handle.write(json.dumps(record, default=str) + "\n")
        return begin(trial)

    tuner.on_trial_begin = on_trial_begin
    return path


def trials_by_tuner(project_dir) -> dict[str, list[str]]:
    """Returns which trials each tuner ran, from the notes of :func:`log_trials`.

    Args:
        project_dir: the search's project folder (``directory/project_name``).

    Returns:
        ``{tuner_id: [trial_id, ...]}``, the ids in sorted order and each tuner's trials in the
        order it started them; empty if no tuner logged anything.

    Raises:
        TypeError: if ``project_dir`` is not a path.
        ValueError: if the folder does not exist.
    """
    if not isinstance(project_dir, (str, os.PathLike)):
        raise TypeError(f"project_dir must be a folder; received project_dir={_describe(project_dir)}")
    folder = Path(project_dir)
    if not folder.is_dir():
        raise ValueError(f"project_dir must be an existing folder; received project_dir={str(folder)!r}")
    found = {}
    for path in sorted(folder.glob(f"{TRIAL_LOG_PREFIX}*.jsonl")):
        for line in path.read_text().splitlines():
            if line.strip():
                record = json.loads(line)
                found.setdefault(record["tuner_id"], []).append(record["trial_id"])
    return dict(sorted(found.items()))
