"""Benchmark 4: feature extraction with MobileNetV2 and VGG16, and "extract once" vs a frozen base.

Part 1: images per second through each base (``include_top=False``, the notebooks' input sizes:
MobileNetV2 at 160x160, VGG16 at 180x180), with ``dlcourse.extract_features`` and with Keras's
own ``base.predict``, interleaved. Random weights: the cost of a forward pass does not depend on
the weights' values, and ImageNet weights cannot be downloaded on the course's offline machines.

Part 2: notebook 10's scenario (3) against scenario (2) for the same number of epochs:
"extract once" runs the base over the images a single time and trains a small classifier on the
features; the frozen-base model runs the base again in every epoch.

    python benchmarks/transfer_extraction.py            # about 4 minutes on 2 cores
    python benchmarks/transfer_extraction.py --smoke
"""

from __future__ import annotations

import _common  # noqa: F401
from _common import interleaved, median, parser, report, spread, timed

BASES = {"mobilenet_v2": (160, 160, 3), "vgg16": (180, 180, 3)}


def main():
    args = parser(__doc__.splitlines()[0]).parse_args()
    import keras
    import numpy as np

    import dlcourse

    dlcourse.set_seed(0)
    rng = np.random.default_rng(0)
    repeats = 1 if args.smoke else args.repeats
    counts = {"mobilenet_v2": 32 if args.smoke else 256, "vgg16": 8 if args.smoke else 48}
    rows, extra = [], {}
    for name, shape in BASES.items():
        base = dlcourse.pretrained_base(name, input_shape=shape, weights=None)
        images = rng.integers(0, 256, size=(counts[name],) + shape).astype("float32")
        preprocess = dlcourse.preprocess_input_for(name)
        base.predict(preprocess(images[:32].copy()), batch_size=32, verbose=0)  # warm-up
        dlcourse.extract_features(base, images[:32], preprocess=name, verbose=0)
        seconds = interleaved({
            "extract_features": lambda: timed(lambda: dlcourse.extract_features(base, images, preprocess=name, verbose=0)),
            "base.predict": lambda: timed(lambda: base.predict(preprocess(images.copy()), batch_size=32, verbose=0)),
        }, repeats)
        rates = {k: [len(images) / s for s in v] for k, v in seconds.items()}
        extra[name] = {"seconds": seconds, "images": len(images)}
        rows.append((f"{name} {shape[0]}x{shape[1]}", f"{base.count_params():,}",
                     f"{median(rates['extract_features']):,.1f}", f"{median(rates['base.predict']):,.1f}",
                     f"{median(rates['extract_features']) / median(rates['base.predict']):.2f}",
                     f"{spread(rates['extract_features'])} / {spread(rates['base.predict'])}"))
        print(rows[-1], flush=True)
        keras.backend.clear_session()

    # Part 2: scenario (3) "extract once" vs scenario (2) frozen base, same epochs.
    n, epochs = (64, 2) if args.smoke else (512, 5)
    shape = BASES["mobilenet_v2"]
    images = rng.integers(0, 256, size=(n,) + shape).astype("float32")
    labels = rng.integers(0, 2, size=n).astype("float32")

    def extract_once():
        base = dlcourse.pretrained_base("mobilenet_v2", input_shape=shape, weights=None)
        features, _ = dlcourse.extract_features(base, images, preprocess="mobilenet_v2", verbose=0)
        inputs = keras.Input(features.shape[1:])
        x = keras.layers.GlobalAveragePooling2D()(inputs)
        x = keras.layers.Dropout(0.2)(x)
        head = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(x))
        dlcourse.compile_model(head, "binary")
        head.fit(features, labels, epochs=epochs, batch_size=32, verbose=0)

    def frozen_base():
        base = dlcourse.pretrained_base("mobilenet_v2", input_shape=shape, weights=None)
        model = dlcourse.build_transfer_model(base, "binary", preprocess="mobilenet_v2")
        dlcourse.compile_model(model, "binary")
        model.fit(images, labels, epochs=epochs, batch_size=32, verbose=0)

    scenario = interleaved({"extract once": lambda: timed(extract_once), "frozen base": lambda: timed(frozen_base)},
                           max(1, repeats // 2 + 1))
    extra["scenarios"] = scenario
    notes = (
        f"Part 1: {counts['mobilenet_v2']} / {counts['vgg16']} random images, batch 32, {repeats} interleaved "
        "repetitions, medians; random weights (the cost does not depend on their values).",
        f"Part 2 (MobileNetV2 160x160, {n} images, {epochs} epochs, everything included: building the base, "
        f"extraction, training): extract once {median(scenario['extract once']):.1f} s "
        f"({spread(scenario['extract once'])}), frozen base every epoch {median(scenario['frozen base']):.1f} s "
        f"({spread(scenario['frozen base'])}): {median(scenario['frozen base']) / median(scenario['extract once']):.1f}x.",
    )
    report(
        "transfer_extraction",
        "4. Transfer learning: feature extraction speed",
        ("base", "parameters", "extract_features (images/s)", "base.predict (images/s)", "ratio", "range"),
        rows, notes=notes, extra=extra,
    )


if __name__ == "__main__":
    main()
