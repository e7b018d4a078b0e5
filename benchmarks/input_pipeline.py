"""Benchmark 3: the cats-vs-dogs input pipeline, and how long training waits for it.

Three pipelines over the same JPEG files, 180x180 as in notebook 09:

* ``notebook``: ``dlcourse.data.load_cats_vs_dogs`` as the notebooks call it (parallel decode,
  ``.cache()`` in memory, per-epoch shuffle, ``.prefetch(AUTOTUNE)``);
* ``no cache``: the same with ``cache=None`` (decoded again every epoch, still prefetched);
* ``plain``: decode one file after the other, batch, nothing else (what a hand-written
  generator does: no parallel decode, no cache, no prefetch).

First the pipeline alone: images per second over epoch 1 and epoch 2 (the cache fills during
epoch 1). Then training the textbook convnet of notebook 09 on each pipeline with a step-by-step
loop that times how long each step blocks on ``next(iterator)`` (waiting for input) against the
whole step: the "input wait" share per epoch. Goal: after the first epoch, no waiting.

    python benchmarks/input_pipeline.py            # about 2 minutes on 2 cores
    python benchmarks/input_pipeline.py --smoke
"""

from __future__ import annotations

import time

import _common  # noqa: F401
from _common import median, parser, report

IMAGE_SIZE = (180, 180)
BATCH_SIZE = 32


def plain_pipeline(tf, folder, max_per_class):
    """Sequential decode and batch: no parallelism, no cache, no prefetch."""
    import os

    paths, labels = [], []
    for label, name in enumerate(("cats", "dogs")):
        names = sorted(os.listdir(folder / "train" / name))[:max_per_class]
        paths += [str(folder / "train" / name / n) for n in names]
        labels += [label] * len(names)

    def load(path, label):
        image = tf.image.decode_image(tf.io.read_file(path), channels=3, expand_animations=False)
        image = tf.image.resize(image, IMAGE_SIZE)
        image.set_shape(IMAGE_SIZE + (3,))
        return image, label

    ds = tf.data.Dataset.from_tensor_slices((paths, labels)).shuffle(len(paths), seed=0)
    return ds.map(load).batch(BATCH_SIZE)


def pipelines(tf, dlcourse, max_per_class):
    folder = dlcourse.data.cats_dogs.cats_vs_dogs_folder()
    return {
        "notebook (cache + prefetch)": lambda: dlcourse.data.load_cats_vs_dogs(
            image_size=IMAGE_SIZE, batch_size=BATCH_SIZE, max_per_class=max_per_class)[0],
        "no cache (prefetch only)": lambda: dlcourse.data.load_cats_vs_dogs(
            image_size=IMAGE_SIZE, batch_size=BATCH_SIZE, max_per_class=max_per_class, cache=None)[0],
        "plain (sequential, no cache, no prefetch)": lambda: plain_pipeline(tf, folder, max_per_class),
    }


def images_per_second(dataset, epochs):
    """Iterates ``epochs`` times over ``dataset``; images per second of each epoch."""
    rates = []
    for _ in range(epochs):
        start, count = time.perf_counter(), 0
        for images, _ in dataset:
            count += int(images.shape[0])
        rates.append(count / (time.perf_counter() - start))
    return rates


def training_wait(tf, dlcourse, dataset, epochs):
    """Trains notebook 09's convnet step by step; per epoch: (seconds, share of time waiting for input)."""
    model = dlcourse.build_convnet(IMAGE_SIZE + (3,), "binary", filters=(32, 64, 128, 256, 256), dense_units=(),
                                   rescale=1 / 255)
    dlcourse.compile_model(model, "binary", optimizer="rmsprop")
    images, labels = next(iter(dataset))
    model.train_on_batch(images, labels)  # traces the step before the clock starts
    out = []
    for _ in range(epochs):
        waiting, start = 0.0, time.perf_counter()
        iterator = iter(dataset)
        while True:
            t0 = time.perf_counter()
            try:
                images, labels = next(iterator)
            except StopIteration:
                break
            waiting += time.perf_counter() - t0
            model.train_on_batch(images, labels)
        total = time.perf_counter() - start
        out.append((total, waiting / total))
    return out


def main():
    args = parser(__doc__.splitlines()[0]).parse_args()
    import keras
    import tensorflow as tf

    import dlcourse
    import dlcourse.data.cats_dogs

    dlcourse.set_seed(0)
    read_per_class = 40 if args.smoke else 1000  # all 2,000 training images
    train_per_class = 16 if args.smoke else 250  # 500 images for the training part
    epochs = 2 if args.smoke else 3
    rows, extra = [], {}
    for name, make in pipelines(tf, dlcourse, read_per_class).items():
        rates = images_per_second(make(), 2)
        extra[name] = {"images_per_second": rates}
        rows.append([name, f"{rates[0]:,.0f}", f"{rates[1]:,.0f}"])
        print(name, rates, flush=True)
    for row, (name, make) in zip(rows, pipelines(tf, dlcourse, train_per_class).items()):
        dlcourse.set_seed(0)
        epochs_out = training_wait(tf, dlcourse, make(), epochs)
        keras.backend.clear_session()
        extra[name]["training"] = epochs_out
        row += [f"{epochs_out[0][0]:.1f} s, {epochs_out[0][1]:.1%}",
                f"{median([e[0] for e in epochs_out[1:]]):.1f} s, {median([e[1] for e in epochs_out[1:]]):.1%}"]
        print(row, flush=True)
    report(
        "input_pipeline",
        "3. Input pipeline: cats vs dogs, 180x180",
        ("pipeline", "read only, epoch 1 (images/s)", "read only, epoch 2 (images/s)",
         "training epoch 1: time, input wait", "training epochs 2+: time, input wait"),
        rows,
        notes=(f"Reading: {2 * read_per_class:,} training images, batch {BATCH_SIZE}. Training: notebook 09's "
               f"convnet (991,041 parameters) on {2 * train_per_class:,} images, {epochs} epochs, step by step; "
               "input wait = time blocked on next(iterator) / epoch time. Goal: no waiting after epoch 1.",),
        extra=extra,
    )


if __name__ == "__main__":
    main()
