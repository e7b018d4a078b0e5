"""Benchmark 2: time to a test accuracy, the textbook recipe vs the package's recipe.

* Fashion-MNIST, target 89% test accuracy (what the textbook convnet reaches after its 5 epochs
  here). Textbook recipe: the three-conv-layer convnet (``build_convnet`` defaults, 93,322
  parameters), RMSprop at Keras's default rate, batch 64, NumPy arrays to ``fit``, 5 epochs.
  Package recipe: the same model trained with ``dlcourse.train`` and its defaults (Adam at 3e-3
  with warm-up and cosine decay, batch 128, a shuffled-index tf.data pipeline, 16 steps per
  execution), 3 epochs planned.
* IMDB (multi-hot, 10,000 words), target 88%. Textbook recipe: Dense(16)-Dense(16)-sigmoid,
  RMSprop, batch 512, NumPy arrays. Package recipe: the same model with ``dlcourse.train``
  (defaults), 2 epochs planned.

Both recipes train for their whole planned run while the weights are copied every quarter of an
epoch, with the training time so far (the clock stops while it copies); the copies are scored on
the test set after training. The figure is the training time until the first copy at or above
the target, tracing and the first epoch's set-up included. The recipes run in turns (A B B A ...);
the fastest run of each is compared (other work on a shared machine only slows runs down).
Goal: the package's recipe in at most half the textbook recipe's time.

With ``--policy`` the package recipe also runs under the mixed-precision policy that
``dlcourse.recommended_policy()`` names for the machine (``mixed_bfloat16`` on a CPU with
bfloat16 instructions; nothing is added where it names ``float32``).

    python benchmarks/time_to_accuracy.py            # about 6 minutes on 2 cores (7 with --policy)
    python benchmarks/time_to_accuracy.py --smoke
"""

from __future__ import annotations

import math
import time

import _common  # noqa: F401
from _common import median, parser, report, spread

FASHION_TARGET, IMDB_TARGET = 0.89, 0.88


def time_to_target_callback(keras, x_test, y_test, target, check_every, batch_size):
    """A callback that snapshots the weights every ``check_every`` steps and at each epoch's end,
    with the training time so far; ``evaluate_snapshots()`` then scores them after training.

    Nothing is evaluated during training (copying 100,000 weights takes well under a
    millisecond), so the training loop runs as it would without the benchmark."""
    import numpy as np

    class TimeToTarget(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.start, self.excluded, self.steps = time.perf_counter(), 0.0, 0
            self.reached, self.checks, self._snapshots = None, [], []

        def _snapshot(self):
            pause = time.perf_counter()
            self._snapshots.append((self.steps, pause - self.start - self.excluded,
                                    [np.array(w) for w in self.model.get_weights()]))
            self.excluded += time.perf_counter() - pause

        def on_train_batch_end(self, batch, logs=None):
            # with steps_per_execution=k, Keras calls this once per k steps, with the last step's index
            self.steps = batch + 1 + self._epoch_offset
            if (batch + 1) % check_every == 0:
                self._snapshot()

        def on_epoch_begin(self, epoch, logs=None):
            self._epoch_offset = epoch * self.params["steps"]

        def on_epoch_end(self, epoch, logs=None):
            if (self.steps - self._epoch_offset) % check_every != 0:
                self._snapshot()

        def evaluate_snapshots(self):
            """Scores every snapshot on the test set; sets ``checks`` and ``reached``."""
            final = self.model.get_weights()
            for steps, elapsed, weights in self._snapshots:
                self.model.set_weights(weights)
                probs = self.model.predict(x_test, batch_size=batch_size, verbose=0)
                predicted = (probs[:, 0] > 0.5).astype(int) if probs.shape[-1] == 1 else probs.argmax(-1)
                accuracy = float(np.mean(predicted == y_test))
                self.checks.append((steps, round(elapsed, 2), round(accuracy, 4)))
                if self.reached is None and accuracy >= target:
                    self.reached = elapsed
            self.model.set_weights(final)

    return TimeToTarget()


def quarter(steps_per_epoch, multiple):
    """About a quarter of an epoch, rounded up to a multiple of ``multiple`` steps."""
    return math.ceil(math.ceil(steps_per_epoch / 4) / multiple) * multiple


def main():
    p = parser(__doc__.splitlines()[0])
    p.set_defaults(repeats=2)
    p.add_argument("--policy", action="store_true",
                   help="also run the package recipe under dlcourse.recommended_policy() (unless that is float32)")
    p.add_argument("--only", choices=("fashion", "imdb"), help="run one of the two tasks")
    args = p.parse_args()
    import keras
    import numpy as np

    import dlcourse
    from dlcourse.data import load_imdb_texts, multi_hot_vectorizer
    from dlcourse.data.vectorized_text import vectorize_texts

    repeats = 1 if args.smoke else args.repeats
    rows, extra = [], {}
    policy = dlcourse.recommended_policy() if args.policy else "float32"
    with_policy = f"dlcourse.train + {policy}"

    def run(name, make_model, fit, steps_per_epoch, multiple, x_test, y_test, target, policy="float32"):
        keras.backend.clear_session()  # first: it resets the global dtype policy to float32
        keras.mixed_precision.set_global_policy(policy)
        dlcourse.set_seed(0)
        model = make_model()
        if model.dtype_policy.name != policy:
            raise SystemExit(f"{name}: the model was built under {model.dtype_policy.name}, not {policy}")
        callback = time_to_target_callback(keras, x_test, y_test, target, quarter(steps_per_epoch, multiple), 2048)
        fit(model, callback)
        callback.evaluate_snapshots()
        keras.mixed_precision.set_global_policy("float32")
        final = callback.checks[-1][2]
        print(f"{name}: reached {callback.reached} s; checks {callback.checks}", flush=True)
        extra.setdefault(name, []).append({"reached": callback.reached, "checks": callback.checks})
        return callback.reached if callback.reached is not None else float("inf"), final

    def compare(task, candidates, target):
        results = {name: [] for name in candidates}
        for round_ in range(repeats):
            names = list(candidates) if round_ % 2 == 0 else list(candidates)[::-1]
            for name in names:
                results[name].append(candidates[name]())
        textbook = min(r[0] for r in results["textbook"])
        for name, values in results.items():
            seconds = [v[0] for v in values]
            ratio = min(seconds) / textbook
            rows.append((task, name, f"{target:.0%}", f"{min(seconds):.1f} s", f"{median(seconds):.1f} s",
                         spread(seconds),
                         f"{ratio:.2f}" + (" (goal met)" if name != "textbook" and ratio <= 0.5 else ""),
                         ", ".join(f"{v[1]:.1%}" for v in values)))

    if args.only in (None, "fashion"):
        n = 6000 if args.smoke else None
        (x, y), (xt, yt) = dlcourse.data.load_fashion_mnist(max_train=n, max_test=2000 if args.smoke else None)
        x, xt = (x.astype("float32") / 255)[..., None], (xt.astype("float32") / 255)[..., None]
        target = 0.80 if args.smoke else FASHION_TARGET
        textbook_epochs, package_epochs = (2, 2) if args.smoke else (5, 3)

        def convnet():
            return dlcourse.build_convnet((28, 28, 1), "multiclass", num_classes=10)

        def textbook(model, callback):
            dlcourse.compile_model(model, "multiclass", optimizer="rmsprop")
            model.fit(x, y, batch_size=64, epochs=textbook_epochs, callbacks=[callback], verbose=0)

        def package(model, callback):
            dlcourse.train(model, "multiclass", x, y, epochs=package_epochs, callbacks=[callback], verbose=0)

        candidates = {
            "textbook": lambda: run("fashion textbook", convnet, textbook, math.ceil(len(x) / 64), 1, xt, yt, target),
            "dlcourse.train": lambda: run("fashion dlcourse.train", convnet, package, math.ceil(len(x) / 128), 16,
                                          xt, yt, target),
        }
        if policy != "float32":
            candidates[with_policy] = lambda: run(f"fashion {with_policy}", convnet, package, math.ceil(len(x) / 128),
                                                  16, xt, yt, target, policy=policy)
        compare("Fashion-MNIST convnet", candidates, target)

    if args.only in (None, "imdb"):
        n = 2000 if args.smoke else None
        (texts, y), (texts_test, yt) = load_imdb_texts(max_train=n, max_test=n)
        vectorizer = multi_hot_vectorizer(texts, max_tokens=10_000)
        x, xt = vectorize_texts(vectorizer, texts, dtype="uint8"), vectorize_texts(vectorizer, texts_test, dtype="uint8")
        y, yt = y.astype("float32"), yt.astype(int)
        target = 0.80 if args.smoke else IMDB_TARGET

        def dense():
            return dlcourse.build_dense((10_000,), "binary", units=(16, 16))

        def textbook(model, callback):
            dlcourse.compile_model(model, "binary", optimizer="rmsprop")
            model.fit(x, y, batch_size=512, epochs=4, callbacks=[callback], verbose=0)

        def package(model, callback):
            dlcourse.train(model, "binary", x, y, epochs=2, callbacks=[callback], verbose=0)

        candidates = {
            "textbook": lambda: run("imdb textbook", dense, textbook, math.ceil(len(x) / 512), 1, xt, yt, target),
            "dlcourse.train": lambda: run("imdb dlcourse.train", dense, package, math.ceil(len(x) / 128), 16, xt, yt,
                                          target),
        }
        if policy != "float32":
            candidates[with_policy] = lambda: run(f"imdb {with_policy}", dense, package, math.ceil(len(x) / 128), 16,
                                                  xt, yt, target, policy=policy)
        compare("IMDB dense", candidates, target)

    report(
        "time_to_accuracy",
        "2. Time to accuracy: textbook recipe vs dlcourse.train",
        ("task", "recipe", "target", "time to target, fastest run", "median", "range", "ratio to textbook (fastest)",
         "accuracy at the end of the run, per run"),
        rows,
        notes=(f"{repeats} interleaved runs per recipe. Weights copied every quarter epoch (clock stopped), scored "
               "after training; tracing and set-up included. Goal: ratio <= 0.5.",),
        extra=extra,
    )


if __name__ == "__main__":
    main()
