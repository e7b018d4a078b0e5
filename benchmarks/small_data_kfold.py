"""Benchmark 5c: the cost of an epoch on a small dataset (notebook 03's K-fold on Boston housing).

On 303 training samples in batches of 16 (19 steps), an epoch of a 13-64-64-1 network is a few
milliseconds of arithmetic; what costs is Keras's fixed work per epoch. This script runs the same
4-fold cross-validation (``shuffle=False`` folds, as in notebook 03) four ways, in turns:

* plain Keras with NumPy arrays: notebook 03's hand-written loop (what ``cross_validate`` did
  before it fed ``tf.data`` pipelines);
* the same with ``steps_per_execution=32`` (a whole epoch per call into TensorFlow);
* ``dlcourse.cross_validate``: the folds as :func:`dlcourse.as_dataset` pipelines;
* ``dlcourse.cross_validate`` with models compiled with ``steps_per_execution=32``.

It prints the time per epoch (the fastest of ``--repeats`` runs, and the median) and the mean
validation MAE of each way; the two ``cross_validate`` rows must agree to the last digit (steps per
execution changes no number), the array rows differ from them only by the shuffling order.

    python benchmarks/small_data_kfold.py            # about 5 minutes on 2 cores
    python benchmarks/small_data_kfold.py --smoke
"""

from __future__ import annotations

import _common  # noqa: F401
from _common import interleaved, median, parser, report

K, BATCH_SIZE = 4, 16


def main():
    p = parser(__doc__.splitlines()[0])
    p.set_defaults(repeats=3)
    args = p.parse_args()
    import time

    import keras
    import numpy as np
    from sklearn.model_selection import KFold

    import dlcourse

    epochs = 3 if args.smoke else 50
    repeats = 1 if args.smoke else args.repeats
    (x, y), _ = dlcourse.data.load_boston_housing()
    x = ((x - x.mean(axis=0)) / x.std(axis=0)).astype("float32")
    y = y.astype("float32")

    def build(steps_per_execution=1):
        model = dlcourse.build_dense((13,), "regression", units=(64, 64))
        return dlcourse.compile_model(model, "regression", steps_per_execution=steps_per_execution)

    maes: dict[str, list] = {}

    def hand_loop(name, steps_per_execution):
        def run():
            start, scores = time.perf_counter(), []
            for fold, (train_idx, val_idx) in enumerate(KFold(K).split(x)):
                keras.backend.clear_session()
                dlcourse.set_seed(42 + fold)
                model = build(steps_per_execution)
                model.fit(x[train_idx], y[train_idx], validation_data=(x[val_idx], y[val_idx]), epochs=epochs,
                          batch_size=BATCH_SIZE, verbose=0)
                scores.append(model.evaluate(x[val_idx], y[val_idx], verbose=0, return_dict=True)["mae"])
            maes[name] = scores
            return (time.perf_counter() - start) / (K * epochs)
        return run

    def helper(name, steps_per_execution):
        def run():
            start = time.perf_counter()
            result = dlcourse.cross_validate(lambda: build(steps_per_execution), x, y, k=K, shuffle=False,
                                             epochs=epochs, batch_size=BATCH_SIZE, seed=42)
            maes[name] = result.scores["val_mae"].tolist()
            return (time.perf_counter() - start) / (K * epochs)
        return run

    candidates = {
        "plain Keras, NumPy arrays (notebook 03's loop)": hand_loop("arrays", 1),
        "plain Keras, NumPy arrays, steps_per_execution=32": hand_loop("arrays, 32 steps", 32),
        "dlcourse.cross_validate (tf.data pipelines)": helper("cross_validate", 1),
        "dlcourse.cross_validate, steps_per_execution=32": helper("cross_validate, 32 steps", 32),
    }
    seconds = interleaved(candidates, repeats)
    keys = dict(zip(candidates, ("arrays", "arrays, 32 steps", "cross_validate", "cross_validate, 32 steps")))
    base = min(seconds["plain Keras, NumPy arrays (notebook 03's loop)"])
    rows = [(name, f"{1000 * min(s):.0f} ms", f"{1000 * median(s):.0f} ms", f"{base / min(s):.1f}x",
             f"{np.mean(maes[keys[name]]):.4f}") for name, s in seconds.items()]
    same = np.array_equal(maes["cross_validate"], maes["cross_validate, 32 steps"])
    report(
        "small_data_kfold",
        "5c. Small data: cost per epoch of a K-fold on Boston housing",
        ("way", "per epoch, fastest", "per epoch, median", "speed vs arrays", "mean val MAE"),
        rows,
        notes=(f"{K} folds x {epochs} epochs of a 13-64-64-1 network, batch {BATCH_SIZE} (19 steps per epoch), "
               f"validation every epoch; time per epoch = wall time of the whole K-fold (model building and tracing "
               f"included) / {K * epochs}; fastest of {repeats} interleaved runs. The two cross_validate rows give "
               f"{'identical' if same else 'DIFFERENT'} scores.",),
        extra={"seconds": seconds, "val_mae": maes},
    )
    if not same:
        raise SystemExit("steps_per_execution changed the scores")


if __name__ == "__main__":
    main()
