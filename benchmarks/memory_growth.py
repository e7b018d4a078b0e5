"""Benchmark 5b: where the memory growth across folds and trials comes from.

Twelve iterations of a loop, each with ``keras.backend.clear_session()`` and ``gc.collect()``
first, then one of: building a dense model only; building and training it (``fit``, compiled as
Keras does by default); training it eagerly (``run_eagerly=True``); training with 4x the data;
training then ``malloc_trim(0)`` (hands freed heap back to the system: rules fragmentation in or
out); and plain TensorFlow without Keras (two variables and one ``@tf.function`` training
step). Each variant runs in a fresh process; the figure is the least-squares growth of resident
memory per iteration, from the second iteration on.

    python benchmarks/memory_growth.py            # about 2 minutes on 2 cores
    python benchmarks/memory_growth.py --smoke
"""

from __future__ import annotations

import json
import subprocess
import sys

import _common  # noqa: F401
from _common import parser, report

VARIANTS = {
    "build and compile only": "build",
    "fit (compiled training step, the default)": "fit",
    "fit with run_eagerly=True": "eager",
    "fit with 4x the data": "fit4x",
    "fit, then malloc_trim(0)": "trim",
    "plain TensorFlow: @tf.function step, no Keras": "puretf",
}


def child(mode: str, iterations: int) -> None:
    """Runs one variant and prints the RSS readings as JSON (in a fresh process)."""
    import ctypes
    import gc

    import keras
    import numpy as np
    import psutil
    import tensorflow as tf

    import dlcourse

    rng = np.random.default_rng(0)
    n = 4096 if mode == "fit4x" else 1024
    x, y = rng.random((n, 784), dtype="float32"), rng.integers(0, 10, n)
    readings = []
    for _ in range(iterations):
        keras.backend.clear_session()
        gc.collect()
        if mode == "trim":
            ctypes.CDLL("libc.so.6").malloc_trim(0)
        readings.append(psutil.Process().memory_info().rss / 2**20)
        if mode == "puretf":
            w1, w2 = tf.Variable(tf.random.normal((784, 256))), tf.Variable(tf.random.normal((256, 10)))
            optimizer = keras.optimizers.RMSprop()

            @tf.function
            def step(a, b):
                with tf.GradientTape() as tape:
                    logits = tf.nn.relu(a @ w1) @ w2
                    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(b, logits))
                optimizer.apply_gradients(zip(tape.gradient(loss, [w1, w2]), [w1, w2]))
                return loss

            for i in range(0, n, 128):
                step(x[i:i + 128], y[i:i + 128])
            del step, w1, w2, optimizer
            continue
        model = dlcourse.build_dense((784,), "multiclass", num_classes=10, units=(256, 128))
        model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                      run_eagerly=mode == "eager")
        if mode != "build":
            model.fit(x, y, epochs=1, batch_size=128, verbose=0)
        del model
    print(json.dumps(readings))


def main():
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child(sys.argv[2], int(sys.argv[3]))
        return
    args = parser(__doc__.splitlines()[0]).parse_args()
    import numpy as np

    iterations = 4 if args.smoke else 12
    rows, extra = [], {}
    for name, mode in VARIANTS.items():
        out = subprocess.run([sys.executable, __file__, "--child", mode, str(iterations)], capture_output=True,
                             text=True, check=True).stdout
        readings = json.loads(out.strip().splitlines()[-1])
        tail = np.asarray(readings[1:])
        slope = float(np.polyfit(np.arange(len(tail)), tail, 1)[0])
        extra[name] = readings
        rows.append((name, f"{readings[0]:,.0f}", f"{readings[-1]:,.0f}", f"{slope:+.1f}"))
        print(rows[-1], flush=True)
    report(
        "memory_growth",
        "5c. Memory growth per model: where it comes from",
        ("each iteration", "first (MiB)", "last (MiB)", "growth per iteration (MiB)"),
        rows,
        notes=(f"{iterations} iterations per variant, each variant in a fresh process; dense 784-256-128-10 on "
               "1,024 random samples (4,096 for '4x the data'), one epoch.",),
        extra=extra,
    )


if __name__ == "__main__":
    main()
