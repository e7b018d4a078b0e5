"""Benchmark 2b: the Fashion-MNIST race of ``time_to_accuracy.py`` on any Keras backend, for GPUs.

``time_to_accuracy.py`` runs the package's recipe through ``dlcourse.train``, whose input pipeline
is ``tf.data``. This script runs the same recipes with plain ``model.fit`` on NumPy arrays, so it
also runs where TensorFlow is not installed (Keras 3 on JAX or PyTorch), such as the GPU machine
lent to this project, which cannot install TensorFlow (no network, and its wheels are too large
to carry). The recipes:

* textbook: ``build_convnet`` defaults, RMSprop at Keras's default rate, batch 64, 10 epochs;
* fast route: ``fast_convnet`` (``dropout_rate=0.3`` for the 10-epoch run), Adam with
  ``warmup_cosine`` (peak 3e-3, 10% warm-up), batch 128, 16 steps per execution, cross-entropy
  with ``label_smoothing=0.1``: what ``dlcourse.train`` does, with Keras's array input instead of
  ``tf.data``; for 2 and for 10 planned epochs, under float32, ``mixed_float16`` and
  ``mixed_bfloat16`` (the choice ``dlcourse.recommended_policy()`` makes on a GPU).

The weights are copied every quarter epoch with the training time so far and scored on the test
set after training, as in ``time_to_accuracy.py``. One run per recipe (``--repeats`` for more).

    KERAS_BACKEND=jax python benchmarks/fast_route_any_backend.py   # about 2 minutes on an H200
    python benchmarks/fast_route_any_backend.py --smoke
"""

from __future__ import annotations

import math
import time

import _common  # noqa: F401
from _common import parser, report
from time_to_accuracy import FASHION_TARGETS, first_reached, fmt_seconds, quarter, time_to_target_callback, training_flops


def matmul_tflops(keras, dtype: str, n: int) -> float:
    """The rate of an ``n x n`` matrix product in ``dtype`` on the default device (best of 5)."""
    a = keras.ops.cast(keras.random.normal((n, n), seed=1), dtype)
    b = keras.ops.cast(keras.random.normal((n, n), seed=2), dtype)
    def product():  # reduced to one float32 number, so that the timing waits for the device
        return keras.ops.convert_to_numpy(keras.ops.cast(keras.ops.sum(keras.ops.matmul(a, b)), "float32"))

    product()  # warm-up (and compilation)
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        product()
        best = min(best, time.perf_counter() - start)
    return 2 * n**3 / best / 1e12


def main():
    p = parser(__doc__.splitlines()[0])
    p.set_defaults(repeats=1)
    args = p.parse_args()
    import keras
    import numpy as np

    import dlcourse

    (x, y), (xt, yt) = keras.datasets.fashion_mnist.load_data()
    if args.smoke:
        x, y, xt, yt = x[:6000], y[:6000], xt[:2000], yt[:2000]
    x, xt = (x.astype("float32") / 255)[..., None], (xt.astype("float32") / 255)[..., None]
    y_one_hot = keras.utils.to_categorical(y, 10)
    targets = (0.75, 0.80) if args.smoke else FASHION_TARGETS
    textbook_epochs, short, long = (2, 1, 2) if args.smoke else (10, 2, 10)
    n = 512 if args.smoke else 8192
    rates = {dtype: matmul_tflops(keras, dtype, n) for dtype in ("float32", "bfloat16", "float16")}
    extra = {"backend": keras.backend.backend(), "matmul_tflops": rates, "runs": {}}

    def textbook(model, callback, epochs):
        model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        model.fit(x, y, batch_size=64, epochs=epochs, callbacks=[callback], verbose=0)

    def fast(model, callback, epochs):
        steps = epochs * math.ceil(len(x) / 128)
        optimizer = keras.optimizers.Adam(dlcourse.warmup_cosine(3e-3, steps, warmup=0.1))
        model.compile(optimizer=optimizer, loss=keras.losses.CategoricalCrossentropy(label_smoothing=0.1),
                      metrics=["accuracy"], steps_per_execution=16)
        model.fit(x, y_one_hot, batch_size=128, epochs=epochs, callbacks=[callback], verbose=0)

    def textbook_convnet():
        return dlcourse.build_convnet((28, 28, 1), "multiclass", num_classes=10)

    recipes = {f"textbook ({textbook_epochs} epochs), float32": (textbook_convnet, textbook, textbook_epochs, "float32")}
    # (--smoke: float32 only; a CPU computes float16 very slowly)
    for policy in ("float32",) if args.smoke else ("float32", "mixed_float16", "mixed_bfloat16"):
        recipes[f"fast route ({short} epochs), {policy}"] = (
            lambda: dlcourse.fast_convnet((28, 28, 1), "multiclass", num_classes=10), fast, short, policy)
        recipes[f"fast route ({long} epochs), {policy}"] = (
            lambda: dlcourse.fast_convnet((28, 28, 1), "multiclass", num_classes=10, dropout_rate=0.3), fast, long,
            policy)

    results = {name: [] for name in recipes}
    for round_ in range(1 if args.smoke else args.repeats):
        for name in (list(recipes) if round_ % 2 == 0 else list(recipes)[::-1]):
            make_model, fit, epochs, policy = recipes[name]
            keras.backend.clear_session()
            keras.mixed_precision.set_global_policy(policy)
            keras.utils.set_random_seed(0)
            model = make_model()
            batch = 64 if name.startswith("textbook") else 128
            callback = time_to_target_callback(keras, xt, yt, quarter(math.ceil(len(x) / batch), 1 if batch == 64 else 16),
                                               2048)
            fit(model, callback, epochs)
            seconds = callback.training_seconds()
            callback.evaluate_snapshots()
            keras.mixed_precision.set_global_policy("float32")
            results[name].append((callback.checks, seconds, epochs * len(x), training_flops(model)))
            extra["runs"].setdefault(name, []).append({"seconds": seconds, "checks": callback.checks})
            print(f"{name}: {seconds:.1f} s, final {callback.checks[-1][2]:.1%}", flush=True)

    textbook_name = next(iter(recipes))
    textbook_time = min(first_reached(checks, targets[0]) for checks, *_ in results[textbook_name])
    rows = []
    for name, runs in results.items():
        to_first = min(first_reached(checks, targets[0]) for checks, *_ in runs)
        to_second = min(first_reached(checks, targets[1]) for checks, *_ in runs)
        achieved = max(images * flops / seconds for _, seconds, images, flops in runs) / 1e12
        rows.append((name, fmt_seconds(to_first), f"{to_first / textbook_time:.2f}" if math.isfinite(textbook_time) else "-", fmt_seconds(to_second),
                     ", ".join(f"{max(c[2] for c in checks):.1%}" for checks, *_ in runs),
                     f"{min(seconds for _, seconds, *_ in runs):.1f} s", f"{achieved:.2f}"))
    report(
        "fast_route_any_backend",
        f"2b. Time to accuracy on Fashion-MNIST, Keras on {keras.backend.backend()}",
        ("recipe", f"time to {targets[0]:.1%}", "ratio to textbook", f"time to {targets[1]:.0%}", "best accuracy",
         "whole run", "TFLOP/s achieved"),
        rows,
        notes=(f"Backend {keras.backend.backend()}; {n}x{n} matrix product: "
               + ", ".join(f"{dtype} {rate:.1f} TFLOP/s" for dtype, rate in rates.items()) + ".",),
        extra=extra,
    )


if __name__ == "__main__":
    main()
