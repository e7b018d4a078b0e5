"""Benchmark 5: K-fold wall time against K, and resident memory across folds and tuner trials.

Part 1: ``dlcourse.cross_validate`` of the same dense model on the same data for several K, with
the epochs fixed. Each fold trains on (K-1)/K of the data, so the total work, and the wall time,
should grow linearly, like K-1 (plus a fixed cost per fold for building and tracing the model).
The script fits ``seconds = a + b * (K - 1)`` and prints the residuals.

Part 2: resident memory (RSS) of this process at the start of every fold of an iterated K-fold
(3 x 4 folds), of every trial of ``dlcourse.cross_validated_search``, and of every trial of a
plain ``keras_tuner.RandomSearch`` over the same hypermodel. Growth per fold or trial is the
slope of a least-squares line through the readings after the first (which includes one-time
allocations). Goal: flat, no growth across folds or trials.

    python benchmarks/kfold_tuning.py            # about 7 minutes on 2 cores
    python benchmarks/kfold_tuning.py --smoke
"""

from __future__ import annotations

import tempfile

import _common  # noqa: F401
from _common import median, parser, report, rss_mb, timed


def slope(values) -> float:
    """Least-squares growth per step of ``values[1:]`` (MiB per fold or trial)."""
    import numpy as np

    tail = np.asarray(values[1:], dtype=float)
    if len(tail) < 2:
        return float("nan")
    return float(np.polyfit(np.arange(len(tail)), tail, 1)[0])


def main():
    p = parser(__doc__.splitlines()[0])
    p.set_defaults(repeats=3)
    args = p.parse_args()
    import gc

    import keras
    import keras_tuner
    import numpy as np

    import dlcourse

    dlcourse.set_seed(0)
    n, epochs = (600, 1) if args.smoke else (6000, 3)
    (x, y), _ = dlcourse.data.load_fashion_mnist(max_train=n, max_test=10)
    x = x.reshape(len(x), -1).astype("float32") / 255

    def build():
        model = dlcourse.build_dense((784,), "multiclass", num_classes=10, units=(256, 128))
        return dlcourse.compile_model(model, "multiclass")

    # Part 1: time against K, interleaved over the K values.
    ks = (2, 3, 4) if args.smoke else (2, 3, 4, 6, 8)
    repeats = 1 if args.smoke else args.repeats
    seconds = {k: [] for k in ks}
    for round_ in range(repeats):
        for k in (ks if round_ % 2 == 0 else ks[::-1]):
            seconds[k].append(timed(lambda k=k: dlcourse.cross_validate(build, x, y, k=k, epochs=epochs,
                                                                         batch_size=128)))
    ks_arr = np.asarray(ks, dtype=float)
    medians = np.asarray([median(seconds[k]) for k in ks])
    b, a = np.polyfit(ks_arr - 1, medians, 1)
    rows = [(f"K={k}", f"{median(seconds[k]):.1f} s", f"{median(seconds[k]) / k:.2f} s",
             f"{a + b * (k - 1):.1f} s", f"{median(seconds[k]) - (a + b * (k - 1)):+.1f} s") for k in ks]
    report(
        "kfold_time",
        "5a. K-fold wall time against K",
        ("K", "wall time (median)", "per fold", "linear fit a + b(K-1)", "residual"),
        rows,
        notes=(f"dlcourse.cross_validate, dense 784-256-128-10, {n:,} Fashion-MNIST images, {epochs} epochs, batch 128, "
               f"{repeats} interleaved repetitions. Fit: {a:.1f} s + {b:.1f} s x (K-1).",),
        extra={"seconds": {str(k): v for k, v in seconds.items()}, "fit": [float(a), float(b)]},
    )

    # Part 2: memory across folds and trials.
    readings: dict[str, list[float]] = {"iterated K-fold (3 x 4 folds)": [],
                                        "dlcourse.cross_validated_search (3 folds per trial)": [],
                                        "keras_tuner.RandomSearch": []}

    def recording(key, make):
        def wrapped(*a, **kw):
            gc.collect()
            readings[key].append(rss_mb())
            return make(*a, **kw)
        return wrapped

    trials = 4 if args.smoke else 15
    dlcourse.iterated_kfold(recording("iterated K-fold (3 x 4 folds)", build), x, y, k=4, repeats=3,
                            epochs=epochs, batch_size=128, verbose=0)

    class Recorded(dlcourse.DenseHyperModel):
        key = None

        def build(self, hp):
            # The constructor builds once with default values (a check of the fixed arguments).
            return super().build(hp) if self.key is None else recording(self.key, super().build)(hp)

    hyper = dict(num_classes=10, num_layers=(1, 2), units=(64, 128, 256))
    with tempfile.TemporaryDirectory() as folder:
        cv_model = Recorded((784,), "multiclass", **hyper)
        cv_model.key = "dlcourse.cross_validated_search (3 folds per trial)"
        dlcourse.cross_validated_search(cv_model, x, y, k=3, max_trials=trials, epochs=epochs, batch_size=128,
                                        directory=folder, project_name="cv", objective="val_accuracy", verbose=0)
        kt_model = Recorded((784,), "multiclass", **hyper)
        kt_model.key = "keras_tuner.RandomSearch"
        tuner = keras_tuner.RandomSearch(kt_model, objective="val_accuracy", max_trials=trials, seed=0,
                                         directory=folder, project_name="kt")
        tuner.search(x, y, validation_split=0.25, epochs=epochs, batch_size=128, verbose=0)
    rows = [(key, len(values), f"{values[0]:,.0f}", f"{values[-1]:,.0f}", f"{max(values):,.0f}",
             f"{slope(values):+.1f}") for key, values in readings.items()]
    keras.backend.clear_session()
    report(
        "kfold_tuning_memory",
        "5b. Resident memory across folds and tuner trials",
        ("loop", "readings", "first (MiB)", "last (MiB)", "max (MiB)", "growth per model built (MiB)"),
        rows,
        notes=(f"RSS of the process each time a model is built (start of a fold or trial, after gc.collect(); the tuners "
               f"also build one model to list the search space); dense models on {n:,} "
               f"Fashion-MNIST images, {epochs} epochs, batch 128; {trials} trials per search. Growth = least-squares "
               "slope from the second reading on.",),
        extra={"readings": readings},
    )


if __name__ == "__main__":
    main()
