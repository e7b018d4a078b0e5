"""Benchmark 2b: what each training option costs per epoch (the levers of the package's recipe).

The textbook convnet of notebook 08 (93,322 parameters) on 20,000 Fashion-MNIST images, one
model per option, one warm-up epoch each, then ``--repeats`` one-epoch runs of every option in
turns (A B C ... then ... C B A); the fastest run of each is compared.
Options: the textbook's batch 64 with NumPy arrays, batch 128 and 256 through ``as_dataset``,
16 steps per execution, batch normalization, XLA (``jit_compile=True``) and Keras's
``mixed_bfloat16`` policy. Speed per epoch only: how many epochs each needs is another matter
(``time_to_accuracy.py``).

    python benchmarks/epoch_cost.py            # about 5 minutes on 2 cores
    python benchmarks/epoch_cost.py --smoke

``--precision`` runs only the two rows that differ by precision (float32 and
``mixed_bfloat16``); to see what bfloat16 costs on a CPU without bfloat16 instructions, run it
with oneDNN limited to an older instruction set, e.g.
``ONEDNN_MAX_CPU_ISA=AVX512_CORE_VNNI python benchmarks/epoch_cost.py --precision``.
"""

from __future__ import annotations

import _common  # noqa: F401
from _common import interleaved, median, parser, report, timed

OPTIONS = {
    # name: (batch size, arrays or dataset, steps per execution, batch norm, jit, policy)
    "textbook: batch 64, NumPy arrays": (64, "arrays", 1, False, False, "float32"),
    "batch 128, as_dataset": (128, "dataset", 1, False, False, "float32"),
    "batch 128, as_dataset, 16 steps per execution (dlcourse.train)": (128, "dataset", 16, False, False, "float32"),
    "batch 256, as_dataset, 16 steps per execution": (256, "dataset", 16, False, False, "float32"),
    "batch 128, 16 steps, batch normalization": (128, "dataset", 16, True, False, "float32"),
    "batch 128, 16 steps, XLA (jit_compile=True)": (128, "dataset", 16, False, True, "float32"),
    "batch 128, 16 steps, mixed_bfloat16": (128, "dataset", 16, False, False, "mixed_bfloat16"),
}


def main():
    p = parser(__doc__.splitlines()[0])
    p.set_defaults(repeats=5)
    p.add_argument("--precision", action="store_true", help="only the float32 and mixed_bfloat16 rows")
    args = p.parse_args()
    import os
    import keras

    import dlcourse

    n = 2000 if args.smoke else 20_000
    repeats = 1 if args.smoke else args.repeats
    (x, y), _ = dlcourse.data.load_fashion_mnist(max_train=n, max_test=10)
    x = (x.astype("float32") / 255)[..., None]
    fits = {}
    options = OPTIONS
    if args.precision:
        options = {name: o for name, o in OPTIONS.items() if o[:5] == (128, "dataset", 16, False, False)}
    for name, (batch, feed, spe, batch_norm, jit, policy) in options.items():
        keras.mixed_precision.set_global_policy(policy)  # a model keeps the policy it was built with
        dlcourse.set_seed(0)
        model = dlcourse.build_convnet((28, 28, 1), "multiclass", num_classes=10, batch_norm=batch_norm,
                                       name=f"option_{len(fits)}")
        keras.mixed_precision.set_global_policy("float32")
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                      steps_per_execution=spe, jit_compile=jit)
        if feed == "arrays":
            fit = (lambda m=model, b=batch: m.fit(x, y, batch_size=b, epochs=1, verbose=0))
        else:
            fit = (lambda m=model, d=dlcourse.as_dataset(x, y, batch_size=batch, shuffle=True): m.fit(d, epochs=1,
                                                                                                      verbose=0))
        fit()  # warm-up: tracing
        fits[name] = fit
    extra = interleaved({name: (lambda f=fit: timed(f)) for name, fit in fits.items()}, repeats)
    rows = [(name, f"{min(seconds):.2f} s", f"{median(seconds):.2f} s", f"{n / min(seconds):,.0f}")
            for name, seconds in extra.items()]
    base = min(extra[next(iter(options))])
    rows = [row + (f"{base / min(extra[row[0]]):.2f}x",) for row in rows]
    report(
        "epoch_cost_precision" if args.precision else "epoch_cost",
        "2b. Cost per epoch of each training option (textbook convnet, Fashion-MNIST)",
        ("option", "epoch, fastest", "epoch, median", "images/s (fastest)", "speed vs first row"),
        rows,
        notes=(f"{n:,} images, Adam, one warm-up epoch each, then {repeats} one-epoch runs per option, in turns. "
               f"Speeds relative to the first row. ONEDNN_MAX_CPU_ISA={os.environ.get('ONEDNN_MAX_CPU_ISA', 'unset')}.",),
        extra=extra,
    )


if __name__ == "__main__":
    main()
