"""Benchmark 1: does a model made by a dlcourse builder train slower than the same model by hand?

For each builder, the same architecture is also written in plain Keras (layer by layer, compiled
with ``model.compile``), and the script checks that both have the same parameter count. Both are
trained on the same data with the same batch size and optimizer; after one warm-up epoch each
(tracing, memory), they train one epoch in turns (A B B A ...), ``--repeats`` times each. The
figure is training throughput (samples/s) of the fastest repetition of each (noise on a shared
machine only slows runs down), and the ratio builder / by hand. Goal: ratio >= 0.98.

    python benchmarks/helper_overhead.py            # about 9 minutes on 2 cores (12 with --threads 1)
    python benchmarks/helper_overhead.py --threads 1   # one TensorFlow thread per pool (BENCHMARKS.md)
    python benchmarks/helper_overhead.py --smoke    # a few seconds: checks the script
"""

from __future__ import annotations

import _common  # noqa: F401  (sets up the import path)
from _common import configure_threads, interleaved, median, parser, report, spread, timed

BATCH_SIZE = 128


# ---------------------------------------------------------------- the same models, by hand
def hand_dense(keras):
    inputs = keras.Input((784,))
    x = keras.layers.Dense(512, activation="relu")(inputs)
    return keras.Model(inputs, keras.layers.Dense(10, activation="softmax")(x))


def hand_convnet(keras, batch_norm=False, dropout_rate=0.0):
    inputs = keras.Input((28, 28, 1))
    x = inputs
    for i, filters in enumerate((32, 64, 64)):
        x = keras.layers.Conv2D(filters, 3, activation=None if batch_norm else "relu", use_bias=not batch_norm)(x)
        if batch_norm:
            x = keras.layers.BatchNormalization()(x)
            x = keras.layers.Activation("relu")(x)
        if i < 2:
            x = keras.layers.MaxPooling2D(2)(x)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dense(64, activation=None if batch_norm else "relu", use_bias=not batch_norm)(x)
    if batch_norm:
        x = keras.layers.BatchNormalization()(x)
        x = keras.layers.Activation("relu")(x)
    if dropout_rate:
        x = keras.layers.Dropout(dropout_rate)(x)
    return keras.Model(inputs, keras.layers.Dense(10, activation="softmax")(x))


def hand_lenet5(keras):
    inputs = keras.Input((32, 32, 1))
    x = keras.layers.Conv2D(6, 5, activation="tanh")(inputs)
    x = keras.layers.AveragePooling2D(2)(x)
    x = keras.layers.Conv2D(16, 5, activation="tanh")(x)
    x = keras.layers.AveragePooling2D(2)(x)
    x = keras.layers.Conv2D(120, 5, activation="tanh")(x)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dense(84, activation="tanh")(x)
    return keras.Model(inputs, keras.layers.Dense(10, activation="softmax")(x))


def hand_vgg(keras):
    inputs = keras.Input((28, 28, 1))
    x = inputs
    for filters in (16, 32, 64):
        x = keras.layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
        x = keras.layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
        x = keras.layers.MaxPooling2D(2)(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
    return keras.Model(inputs, keras.layers.Dense(10, activation="softmax")(x))


def hand_resnet(keras):
    def block(x, filters, strides):
        y = keras.layers.Conv2D(filters, 3, strides=strides, padding="same", use_bias=False)(x)
        y = keras.layers.Activation("relu")(keras.layers.BatchNormalization()(y))
        y = keras.layers.BatchNormalization()(keras.layers.Conv2D(filters, 3, padding="same", use_bias=False)(y))
        shortcut = x
        if strides != 1 or x.shape[-1] != filters:
            shortcut = keras.layers.Conv2D(filters, 1, strides=strides, padding="same", use_bias=False)(x)
            shortcut = keras.layers.BatchNormalization()(shortcut)
        return keras.layers.Activation("relu")(keras.layers.Add()([y, shortcut]))

    inputs = keras.Input((28, 28, 1))
    x = keras.layers.Conv2D(16, 3, padding="same", use_bias=False)(inputs)
    x = keras.layers.Activation("relu")(keras.layers.BatchNormalization()(x))
    for stage, filters in enumerate((16, 32, 64)):
        x = block(x, filters, 1 if stage == 0 else 2)
    x = keras.layers.GlobalAveragePooling2D()(x)
    return keras.Model(inputs, keras.layers.Dense(10, activation="softmax")(x))


def hand_inception(keras):
    def conv(x, filters, size):
        return keras.layers.Conv2D(filters, size, padding="same", activation="relu")(x)

    def module(x, f1, f3r, f3, f5r, f5, fp):
        pooled = keras.layers.MaxPooling2D(3, strides=1, padding="same")(x)
        branches = [conv(x, f1, 1), conv(conv(x, f3r, 1), f3, 3), conv(conv(x, f5r, 1), f5, 5), conv(pooled, fp, 1)]
        return keras.layers.Concatenate()(branches)

    inputs = keras.Input((28, 28, 1))
    x = keras.layers.MaxPooling2D(2)(conv(inputs, 32, 3))
    x = module(x, 16, 16, 24, 4, 8, 8)
    x = module(x, 24, 24, 32, 4, 12, 12)
    x = keras.layers.MaxPooling2D(2)(x)
    x = module(x, 32, 32, 48, 8, 16, 16)
    x = keras.layers.GlobalAveragePooling2D()(x)
    return keras.Model(inputs, keras.layers.Dense(10, activation="softmax")(x))


def hand_transfer(keras, size):
    base = keras.applications.MobileNetV2(input_shape=(size, size, 3), include_top=False, weights=None)
    base.trainable = False
    inputs = keras.Input((size, size, 3))
    x = keras.applications.mobilenet_v2.preprocess_input(inputs)  # x / 127.5 - 1, as ops
    x = base(x, training=False)
    x = keras.layers.GlobalAveragePooling2D()(x)
    x = keras.layers.Dropout(0.2)(x)
    return keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(x))


def hand_conv_autoencoder(keras):
    inputs = keras.Input((28, 28, 1))
    x = inputs
    for filters in (32, 16):
        x = keras.layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
        x = keras.layers.MaxPooling2D(2, padding="same")(x)
    y = x
    for filters in (16, 32):
        y = keras.layers.Conv2DTranspose(filters, 3, strides=2, padding="same", activation="relu")(y)
    y = keras.layers.Conv2D(1, 3, padding="same", activation="sigmoid")(y)
    return keras.Model(inputs, y)


def layer_signature(model):
    """The model's computation, names left out: each layer's class and configuration, in order
    (nested models such as a pretrained base expanded)."""
    signature = []
    for layer in model.layers:
        if hasattr(layer, "layers"):  # a nested model
            signature += layer_signature(layer)
            continue
        config = {k: v for k, v in layer.get_config().items() if k not in ("name", "trainable")}
        config.pop("batch_shape", None)  # the InputLayer's shape is compared through the parameters
        signature.append((type(layer).__name__, repr(sorted(config.items()))))
    return [entry for entry in signature if entry[0] != "InputLayer"]


# ---------------------------------------------------------------- the pairs
def pairs(keras, dlcourse, size):
    """name -> (builder model + compile_model, hand model + model.compile, data key)."""

    def compiled_hand(model, loss, metrics=("accuracy",)):
        model.compile(optimizer=keras.optimizers.RMSprop(), loss=loss, metrics=list(metrics))
        return model

    from dlcourse.models.autoencoders import build_conv_autoencoder

    sparse = "sparse_categorical_crossentropy"
    return {
        "control: by hand vs by hand (textbook convnet)": (
            lambda: compiled_hand(hand_convnet(keras), sparse),
            lambda: compiled_hand(hand_convnet(keras), sparse), "image"),
        "build_dense (784-512-10)": (
            lambda: dlcourse.compile_model(dlcourse.build_dense((784,), "multiclass", num_classes=10, units=(512,)),
                                           "multiclass"),
            lambda: compiled_hand(hand_dense(keras), sparse), "flat"),
        "build_convnet (textbook, 93,322)": (
            lambda: dlcourse.compile_model(dlcourse.build_convnet((28, 28, 1), "multiclass", num_classes=10),
                                           "multiclass"),
            lambda: compiled_hand(hand_convnet(keras), sparse), "image"),
        "build_convnet (batch norm, dropout)": (
            lambda: dlcourse.compile_model(dlcourse.build_convnet((28, 28, 1), "multiclass", num_classes=10,
                                                                  batch_norm=True, dropout_rate=0.5), "multiclass"),
            lambda: compiled_hand(hand_convnet(keras, batch_norm=True, dropout_rate=0.5), sparse), "image"),
        "lenet5": (
            lambda: dlcourse.compile_model(dlcourse.lenet5(), "multiclass"),
            lambda: compiled_hand(hand_lenet5(keras), sparse), "image32"),
        "small_vgg": (
            lambda: dlcourse.compile_model(dlcourse.small_vgg(), "multiclass"),
            lambda: compiled_hand(hand_vgg(keras), sparse), "image"),
        "small_resnet": (
            lambda: dlcourse.compile_model(dlcourse.small_resnet(), "multiclass"),
            lambda: compiled_hand(hand_resnet(keras), sparse), "image"),
        "small_inception": (
            lambda: dlcourse.compile_model(dlcourse.small_inception(), "multiclass"),
            lambda: compiled_hand(hand_inception(keras), sparse), "image"),
        f"build_transfer_model (MobileNetV2 {size}x{size}, frozen)": (
            lambda: dlcourse.compile_model(
                dlcourse.build_transfer_model(
                    dlcourse.pretrained_base("mobilenet_v2", input_shape=(size, size, 3), weights=None),
                    "binary", preprocess="mobilenet_v2"),
                "binary"),
            lambda: compiled_hand(hand_transfer(keras, size), "binary_crossentropy"), "photo"),
        "build_conv_autoencoder": (
            lambda: compiled_hand(build_conv_autoencoder((28, 28, 1), filters=(32, 16))[0],
                                  "binary_crossentropy", metrics=()),
            lambda: compiled_hand(hand_conv_autoencoder(keras), "binary_crossentropy", metrics=()), "autoencoder"),
    }


def main():
    args = parser(__doc__.splitlines()[0]).parse_args()
    configure_threads(args.threads)
    import keras
    import numpy as np

    import dlcourse

    dlcourse.set_seed(0)
    n = 512 if args.smoke else 8192
    size = 64 if args.smoke else 96
    (x, y), _ = dlcourse.data.load_fashion_mnist(max_train=n, max_test=10)
    x = (x.astype("float32") / 255)[..., None]
    rng = np.random.default_rng(0)
    photos = rng.integers(0, 256, size=(n // 8, size, size, 3)).astype("float32")
    data = {
        "flat": (x.reshape(len(x), -1), y),
        "image": (x, y),
        "image32": (np.pad(x, ((0, 0), (2, 2), (2, 2), (0, 0))), y),
        "photo": (photos, rng.integers(0, 2, size=len(photos)).astype("float32")),
        "autoencoder": (x, x),
    }
    repeats = 1 if args.smoke else args.repeats
    rows, extra = [], {}
    for name, (make_builder, make_hand, key) in pairs(keras, dlcourse, size).items():
        dlcourse.set_seed(0)
        builder_model, hand_model = make_builder(), make_hand()
        if builder_model.count_params() != hand_model.count_params():
            raise RuntimeError(f"{name}: the two models differ: {builder_model.count_params():,} vs "
                               f"{hand_model.count_params():,} parameters")
        same_layers = layer_signature(builder_model) == layer_signature(hand_model)
        xs, ys = data[key]
        models = {"builder": builder_model, "hand": hand_model}
        for model in models.values():  # warm-up: traces and compiles the training step
            model.fit(xs, ys, batch_size=BATCH_SIZE, epochs=1, verbose=0)
        seconds = interleaved(
            {label: (lambda m=m: timed(lambda: m.fit(xs, ys, batch_size=BATCH_SIZE, epochs=1, verbose=0)))
             for label, m in models.items()},
            repeats,
        )
        throughput = {label: [len(xs) / s for s in values] for label, values in seconds.items()}
        best = {label: max(values) for label, values in throughput.items()}
        extra[name] = {"seconds": seconds, "samples": len(xs), "parameters": builder_model.count_params()}
        rows.append((name, f"{builder_model.count_params():,}", "yes" if same_layers else "no",
                     f"{best['builder']:,.0f}", f"{best['hand']:,.0f}",
                     f"**{best['builder'] / best['hand']:.3f}**",
                     f"{median(throughput['builder']) / median(throughput['hand']):.3f}",
                     f"{spread(throughput['builder'])} / {spread(throughput['hand'])}"))
        print(rows[-1], flush=True)
        keras.backend.clear_session()
    report(
        "helper_overhead",
        "1. Helper overhead: training throughput, builder vs the same model by hand",
        ("model", "parameters", "same layers", "builder, best (samples/s)", "by hand, best (samples/s)", "ratio of bests",
         "ratio of medians", "range builder / hand"),
        rows,
        notes=(f"TensorFlow threads per pool: {args.threads or 'default'}. Batch {BATCH_SIZE}, RMSprop, {repeats} interleaved one-epoch repetitions per model after a warm-up "
               "epoch. The ratio of the fastest runs is the figure (as timeit advises: other work on a shared "
               "machine only ever slows a run down); the ratio of the medians is shown for comparison. 'same layers': the two "
               "models have the same layers with the same configurations, names aside (so the same computation). The "
               "control row times two copies of the same hand-written model: its distance from 1 is the noise. {n:,} Fashion-MNIST images ({n // 8:,} random {size}x{size} photos for the transfer "
               "model). Goal: ratio >= 0.98.",),
        extra=extra,
    )


if __name__ == "__main__":
    main()
