"""The registry of every dataset and weights file the course uses (no disk, no network).

``python -m dlcourse fetch`` and ``doctor`` read it; ``data/README.md`` holds its
:func:`markdown_table`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

__all__ = ["REGISTRY", "ArchiveLayout", "RemoteFile", "Resource", "format_size", "get", "markdown_table", "names"]


@dataclass(frozen=True)
class RemoteFile:
    """One file as ``keras.utils.get_file`` caches it: ``filename`` in ``cache_subdir``, downloaded from
    ``origin``, its published ``size`` in bytes (for display), and the md5 or sha256 ``file_hash`` it
    must match (``None``: none published) with who publishes it (``hash_source``)."""

    filename: str
    origin: str
    cache_subdir: str = "datasets"
    size: int = 0
    file_hash: str | None = None
    hash_source: str = ""


@dataclass(frozen=True)
class ArchiveLayout:
    """What an archive must hold once extracted: in ``datasets/<folder>/<root>``, ``counts`` files
    matching ``pattern`` per sub-folder; members under an ``exclude`` prefix are dropped."""

    folder: str
    root: str
    pattern: str
    counts: Mapping[str, int]
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True)
class Resource:
    """A dataset or weights file of the course: its registry ``name`` (``fetch NAME``), ``title``,
    ``kind`` (``"dataset"``/``"weights"``), cached ``files``, ``licence``, the ``notebooks`` that use
    it, how a copy is checked (``verification``), a ``description``, the function that reads it
    (``used_by``), an archive's ``layout``, and whether the course ``required`` it."""

    name: str
    title: str
    kind: str
    files: tuple[RemoteFile, ...]
    licence: str
    notebooks: tuple[str, ...]
    verification: str
    description: str
    used_by: str
    layout: ArchiveLayout | None = None
    required: bool = True

    @property
    def size(self) -> int:
        """Total published size of the files in bytes."""
        return sum(f.size for f in self.files)


_KERAS_DATASETS = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
_KERAS_APPS = "https://storage.googleapis.com/tensorflow/keras-applications/"


def _fashion(name: str, size: int, md5: str) -> RemoteFile:
    return RemoteFile(name, _KERAS_DATASETS + name, "datasets/fashion-mnist", size, md5, "publisher")


def _keras_dataset(name: str, size: int, file_hash: str) -> RemoteFile:
    return RemoteFile(name, _KERAS_DATASETS + name, "datasets", size, file_hash, "Keras")


_RESOURCES = (
    Resource(
        name="imdb_reviews", title="IMDB movie reviews (raw text)", kind="dataset",
        files=(
            RemoteFile(
                "aclImdb_v1.tar.gz",
                "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz",
                size=84_125_825,
            ),
        ),
        licence="No licence stated; cite Maas et al. (2011), Stanford AI Lab",
        notebooks=("01",), verification="content: 12,500 reviews in each of train/test pos/neg",
        description="Large Movie Review Dataset v1.0: 25,000 train and 25,000 test reviews, positive or negative",
        used_by="dlcourse.data.load_imdb_reviews / load_imdb_texts",
        layout=ArchiveLayout(
            folder="aclImdb_v1_extracted", root="aclImdb", pattern="*.txt",
            counts=MappingProxyType({"train/neg": 12_500, "train/pos": 12_500, "test/neg": 12_500, "test/pos": 12_500}),
            exclude=("aclImdb/train/unsup/",),
        ),
    ),
    Resource(
        name="imdb_word_index", title="IMDB word index", kind="dataset",
        files=(_keras_dataset("imdb_word_index.json", 1_641_221, "bfafd718b763782e994055a2d397834f"),),
        licence="As the IMDB reviews (Maas et al. 2011); word index as published for Keras",
        notebooks=("01",), verification="md5 (Keras)",
        description="word -> index map of the Keras IMDB sequences, 88,584 words",
        used_by="dlcourse.data.load_imdb_word_index (keras.datasets.imdb.get_word_index)",
    ),
    Resource(
        name="reuters21578", title="Reuters-21578 newswires (SGML)", kind="dataset",
        files=(
            RemoteFile(
                "reuters21578.tar.gz",
                "https://kdd.ics.uci.edu/databases/reuters21578/reuters21578.tar.gz",
                size=8_200_000,  # "8.2 MB" as published; the exact byte count is not known here
            ),
        ),
        licence="Free distribution for research purposes only (Reuters Ltd., Carnegie Group; see its README.txt)",
        notebooks=("02",), verification="content: the 22 reut2-NNN.sgm files",
        description="Distribution 1.0, 21,578 stories; the course uses the single-topic ModApte stories",
        used_by="dlcourse.data.load_reuters_newswires",
        layout=ArchiveLayout(
            folder="reuters21578_extracted", root="", pattern="reut2-*.sgm",
            counts=MappingProxyType({"": 22}),
        ),
    ),
    Resource(
        name="boston_housing", title="Boston Housing prices", kind="dataset",
        files=(
            _keras_dataset("boston_housing.npz", 57_026,
                           "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"),
        ),
        licence="StatLib, Carnegie Mellon University; no licence stated",
        notebooks=("03", "04"), verification="sha256 (Keras)",
        description="Harrison & Rubinfeld (1978): 506 districts, 13 features; Keras split 404 train / 102 test",
        used_by="dlcourse.data.load_boston_housing (keras.datasets.boston_housing)",
    ),
    Resource(
        name="fashion_mnist", title="Fashion-MNIST", kind="dataset",
        files=(
            _fashion("train-labels-idx1-ubyte.gz", 29_515, "25c81989df183df01b3e8a0aad5dffbe"),
            _fashion("train-images-idx3-ubyte.gz", 26_421_880, "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
            _fashion("t10k-labels-idx1-ubyte.gz", 5_148, "bb300cfdad3c16e7a12a480ee83cd310"),
            _fashion("t10k-images-idx3-ubyte.gz", 4_422_102, "bef4ecab320f06d8554ea6380940ec79"),
        ),
        licence="MIT (Zalando Research)",
        notebooks=("08", "11", "12", "14"), verification="md5 (publisher's checksums)",
        description="Xiao, Rasul & Vollgraf (2017): 60,000 train / 10,000 test 28x28 grey images, 10 classes",
        used_by="dlcourse.data.load_fashion_mnist (keras.datasets.fashion_mnist)",
    ),
    Resource(
        name="mnist", title="MNIST digits", kind="dataset",
        files=(
            _keras_dataset("mnist.npz", 11_490_434, "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"),
        ),
        licence="CC BY-SA 3.0 (Yann LeCun, Corinna Cortes)",
        notebooks=("08", "11", "12", "14"), verification="sha256 (Keras)",
        description="the one-line switch from Fashion-MNIST (online only): 60,000 train / 10,000 test 28x28 digits",
        used_by="dlcourse.data.load_mnist (keras.datasets.mnist)",
        required=False,
    ),
    Resource(
        name="cats_vs_dogs", title="Cats vs dogs (filtered)", kind="dataset",
        files=(
            RemoteFile(
                "cats_and_dogs_filtered.zip",
                "https://storage.googleapis.com/mledu-datasets/cats_and_dogs_filtered.zip",
                size=68_606_236,
            ),
        ),
        licence="Kaggle Dogs vs. Cats (2013) images from Microsoft Research's Asirra; research and teaching use",
        notebooks=("09", "10"), verification="content: 1,000 + 1,000 train and 500 + 500 validation JPEGs",
        description="2,000 train / 1,000 validation JPEGs, 2 classes (Google's subset for the TensorFlow tutorials)",
        used_by="dlcourse.data.load_cats_vs_dogs",
        layout=ArchiveLayout(
            folder="cats_and_dogs_filtered_extracted", root="cats_and_dogs_filtered", pattern="*.jpg",
            counts=MappingProxyType(
                {"train/cats": 1_000, "train/dogs": 1_000, "validation/cats": 500, "validation/dogs": 500}
            ),
        ),
    ),
    Resource(
        name="imagenet_class_index", title="ImageNet class index", kind="weights",
        files=(
            RemoteFile(
                "imagenet_class_index.json",
                "https://storage.googleapis.com/download.tensorflow.org/data/imagenet_class_index.json",
                cache_subdir="models",
                size=35_363,
                file_hash="c2c37ea517e94d9795004a39431a14cb",
                hash_source="Keras",
            ),
        ),
        licence="Apache 2.0 (Keras); ImageNet ILSVRC-2012 class names",
        notebooks=("10",), verification="md5 (Keras)",
        description="class index -> (WordNet id, label) of the 1,000 ImageNet classes",
        used_by="keras.applications.imagenet_utils.decode_predictions",
    ),
    Resource(
        name="mobilenet_v2_imagenet", title="MobileNetV2 ImageNet weights (no top)", kind="weights",
        files=(
            RemoteFile(
                "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5",
                _KERAS_APPS + "mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5",
                cache_subdir="models",
                size=9_406_464,
            ),
        ),
        licence="Apache 2.0 (TensorFlow Models)",
        notebooks=("10",), verification="HDF5 signature (Keras defines no hash)",
        description="alpha 1.0; Keras loads the 224 file for any input size outside 96/128/160/192/224",
        used_by='keras.applications.MobileNetV2(weights="imagenet", include_top=False)',
    ),
    Resource(
        name="vgg16_imagenet", title="VGG16 ImageNet weights (no top)", kind="weights",
        files=(
            RemoteFile(
                "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5",
                _KERAS_APPS + "vgg16/vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5",
                cache_subdir="models",
                size=58_889_256,
                file_hash="6d6bbae143d832006294945121d1f1fc",
                hash_source="Keras",
            ),
        ),
        licence="CC BY 4.0 (Visual Geometry Group, University of Oxford)",
        notebooks=("10",), verification="md5 (Keras)",
        description="the convolutional base of VGG16 (Simonyan & Zisserman 2014)",
        used_by='keras.applications.VGG16(weights="imagenet", include_top=False)',
    ),
)

REGISTRY: Mapping[str, Resource] = MappingProxyType({r.name: r for r in _RESOURCES})
"""Every resource of the course by name, in the order of the table."""


def names() -> tuple[str, ...]:
    """Returns the registry names, in table order."""
    return tuple(REGISTRY)


def get(name: str) -> Resource:
    """Returns the :class:`Resource` called ``name``.

    Raises:
        TypeError: if ``name`` is not a string.
        ValueError: if no resource has that name (the message lists the known names).

    Example:

    >>> from dlcourse.data import get
    >>> get("boston_housing").files[0].filename
    'boston_housing.npz'
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a str; received name={name!r} of type {type(name).__name__}")
    if name not in REGISTRY:
        known = ", ".join(REGISTRY)
        raise ValueError(f"name must be one of {known}; received name={name!r}")
    return REGISTRY[name]


def format_size(size: int) -> str:
    """Returns a byte count as ``"68.6 MB"`` (decimal units), or ``"-"`` for 0."""
    if size <= 0:
        return "-"
    if size < 1_000_000:
        return f"{size / 1000:.0f} kB"
    return f"{size / 1_000_000:.1f} MB"


def _origin_cell(resource: Resource) -> str:
    origins = sorted({f.origin.rsplit("/", 1)[0] + "/" for f in resource.files})
    if len(resource.files) == 1:
        return resource.files[0].origin
    return ", ".join(origins) + " (" + ", ".join(f.filename for f in resource.files) + ")"


def markdown_table() -> str:
    """Returns the Markdown table of every resource that ``data/README.md`` holds, one line each."""
    lines = [
        "| Name (`fetch NAME`) | What | Files in the Keras cache | Size | Origin | Licence | Notebooks | Verified by |",
        "|---|---|---|---:|---|---|---|---|",
    ]
    for r in REGISTRY.values():
        files = "<br>".join(f"`{f.cache_subdir}/{f.filename}`" for f in r.files)
        what = r.title + ("" if r.required else " (optional)")
        lines.append(
            f"| `{r.name}` | {what}: {r.description} | {files} | {format_size(r.size)} | {_origin_cell(r)} "
            f"| {r.licence} | {', '.join(r.notebooks)} | {r.verification} |"
        )
    return "\n".join(lines) + "\n"

