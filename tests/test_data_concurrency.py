"""Several processes using a fresh cache at once: each gets the same complete data, none fails.

Three real processes are started together on an empty Keras home. Each first extracts two small
archives built here with the course's layouts (a ``.tar.gz`` like IMDB's, with a left-out
``train/unsup``, and a ``.zip`` like cats vs dogs') and reads every file of them, then loads the
real Reuters archive through :func:`dlcourse.data.load_reuters_newswires`. A file barrier lines
the processes up before each step, so that their extractions overlap, and each keeps reading
the extracted files until all have finished extracting. A second case starts three processes on
a damaged (partial) extraction, which they must repair without removing each other's copy.
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REAL_HOME = Path(os.environ.get("KERAS_HOME") or Path("~/.keras").expanduser())
PROCESSES = 3
PER_FOLDER = 150

WORKER = r'''
import hashlib, json, os, sys, time
from pathlib import Path

from dlcourse.data import ensure_extracted, load_reuters_newswires
from dlcourse.data.registry import ArchiveLayout, RemoteFile, Resource

barrier_dir, per_folder, steps = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3].split(",")


def wait_for_all(pattern, action=lambda: time.sleep(0.002)):
    deadline = time.monotonic() + 120  # a process that failed never arrives: stop waiting
    while len(list(barrier_dir.glob(pattern))) < 3:
        if time.monotonic() > deadline:
            sys.exit(f"another process never reached {pattern}")
        action()


def barrier(step):
    (barrier_dir / f"{step}-ready-{os.getpid()}").touch()
    wait_for_all(f"{step}-ready-*")


def resource(filename, folder, root, counts, exclude=()):
    layout = ArchiveLayout(folder, root, "*.txt", counts, exclude)
    file = RemoteFile(filename, "https://example.invalid/" + filename)
    return Resource(filename, filename, "dataset", (file,), "", (), "", "", "", layout)


def read_all(folder):
    hasher = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        hasher.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return hasher.hexdigest()


def digest(folder, step):
    # Keep reading until every process has its extraction, so reading overlaps their renames.
    (barrier_dir / f"{step}-done-{os.getpid()}").touch()
    digests = {read_all(folder)}
    wait_for_all(f"{step}-done-*", lambda: digests.add(read_all(folder)))
    digests.add(read_all(folder))
    assert len(digests) == 1, f"the files changed while being read: {digests}"
    return digests.pop()


splits = {f"{s}/{c}": per_folder for s in ("train", "test") for c in ("neg", "pos")}
archives = {"imdb_like.tar.gz": ("aclImdb", ("aclImdb/train/unsup/",)), "cats_like.zip": ("cats", ())}
out = {}
for name in steps:
    barrier(name)
    if name == "reuters":
        (x_train, y_train), (x_test, y_test), topics = load_reuters_newswires(max_train=300, max_test=100)
        out[name] = hashlib.sha256(json.dumps([x_train.tolist(), y_train.tolist(), x_test.tolist(),
                                               y_test.tolist(), list(topics)]).encode()).hexdigest()
    else:
        root, exclude = archives[name]
        folder = ensure_extracted(resource(name, name.split(".")[0] + "_extracted", root, splits, exclude))
        out[name] = digest(folder, name)
print(json.dumps(out))
'''


def _files(root: str) -> dict[str, bytes]:
    files = {f"{root}/{split}/{cls}/{i}_1.txt": f"{split} {cls} review {i} ".encode() * 40
             for split in ("train", "test") for cls in ("neg", "pos") for i in range(PER_FOLDER)}
    return files


def _expected_digest(files: dict[str, bytes], root: str) -> str:
    hasher = hashlib.sha256()
    for name in sorted(files):
        hasher.update(name[len(root) + 1:].encode() + b"\0" + files[name])
    return hasher.hexdigest()


def _imdb_like_archive(tmp_path, datasets) -> dict[str, bytes]:
    imdb_files = _files("aclImdb")
    with tarfile.open(datasets / "imdb_like.tar.gz", "w:gz") as tar:
        for name, content in {**imdb_files, "aclImdb/train/unsup/0_0.txt": b"unlabelled"}.items():
            path = tmp_path / "src" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
            tar.add(path, arcname=name)
    return imdb_files


def _run_workers(tmp_path, steps: str) -> list[dict]:
    (tmp_path / "barrier").mkdir()
    (tmp_path / "worker.py").write_text(WORKER)
    env = {**os.environ, "KERAS_HOME": str(tmp_path / "keras"), "PYTHONPATH": str(REPO)}
    command = [sys.executable, str(tmp_path / "worker.py"), str(tmp_path / "barrier"), str(PER_FOLDER), steps]
    workers = [subprocess.Popen(command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True) for _ in range(PROCESSES)]
    results = []
    for worker in workers:
        stdout, stderr = worker.communicate(timeout=300)
        assert worker.returncode == 0, stderr[-3000:]
        results.append(json.loads(stdout.strip().splitlines()[-1]))
    return results


def test_three_processes_extract_and_load_a_fresh_cache_at_once(tmp_path):
    datasets = tmp_path / "keras" / "datasets"
    datasets.mkdir(parents=True)
    imdb_files = _imdb_like_archive(tmp_path, datasets)
    cats_files = _files("cats")
    with zipfile.ZipFile(datasets / "cats_like.zip", "w") as zf:
        for name, content in cats_files.items():
            zf.writestr(name, content)
    shutil.copy(REAL_HOME / "datasets" / "reuters21578.tar.gz", datasets)

    results = _run_workers(tmp_path, "imdb_like.tar.gz,cats_like.zip,reuters")
    assert results[0] == results[1] == results[2]
    assert results[0]["imdb_like.tar.gz"] == _expected_digest(imdb_files, "aclImdb")  # unsup left out
    assert results[0]["cats_like.zip"] == _expected_digest(cats_files, "cats")
    # One extraction of each archive in place, no temporary folder left behind.
    assert sorted(p.name for p in datasets.iterdir()) == [
        "cats_like.zip", "cats_like_extracted", "imdb_like.tar.gz", "imdb_like_extracted",
        "reuters21578.tar.gz", "reuters21578_extracted",
    ]


def test_three_processes_repair_a_damaged_extraction_at_once(tmp_path):
    datasets = tmp_path / "keras" / "datasets"
    datasets.mkdir(parents=True)
    imdb_files = _imdb_like_archive(tmp_path, datasets)
    # A damaged extraction in place (as an interrupted older run leaves it): files missing and empty.
    damaged = datasets / "imdb_like_extracted" / "aclImdb" / "train" / "neg"
    damaged.mkdir(parents=True)
    (damaged / "0_1.txt").write_bytes(b"")
    (damaged / "1_1.txt").write_bytes(b"partial")

    results = _run_workers(tmp_path, "imdb_like.tar.gz")

    assert results[0] == results[1] == results[2]
    assert results[0]["imdb_like.tar.gz"] == _expected_digest(imdb_files, "aclImdb")
    assert sorted(p.name for p in datasets.iterdir()) == ["imdb_like.tar.gz", "imdb_like_extracted"]
