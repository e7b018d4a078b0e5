"""Tests of dlcourse.precision: the mixed-precision policy chosen by hardware."""

import pytest

import dlcourse
from dlcourse import precision


@pytest.mark.parametrize(
    ("gpus", "flags", "expected"),
    [
        ([(9, 0)], set(), "mixed_bfloat16"),  # Hopper
        ([(8, 0), (8, 6)], set(), "mixed_bfloat16"),  # Ampere
        ([(7, 5)], {"avx512_bf16"}, "mixed_float16"),  # Turing: the GPU decides, not the CPU
        ([(8, 0), (7, 0)], set(), "mixed_float16"),  # the oldest GPU decides
        ([(6, 1)], set(), "float32"),  # Pascal: no tensor cores
        ([], {"avx512f", "avx512_bf16"}, "mixed_bfloat16"),  # e.g. AMD Zen 4, Intel Cooper Lake
        ([], {"avx512f", "amx_bf16", "amx_tile"}, "mixed_bfloat16"),  # Intel Sapphire Rapids
        ([], {"avx2", "fma"}, "float32"),
        ([], set(), "float32"),  # no /proc/cpuinfo (macOS, Windows)
    ],
)
def test_recommended_policy_by_hardware(monkeypatch, gpus, flags, expected):
    monkeypatch.setattr(precision, "_gpu_compute_capabilities", lambda: gpus)
    monkeypatch.setattr(precision, "_cpu_flags", lambda: frozenset(flags))
    assert precision.recommended_policy() == expected


def test_recommended_policy_on_this_machine_is_a_keras_policy():
    import keras

    policy = dlcourse.recommended_policy()
    assert policy in ("float32", "mixed_bfloat16", "mixed_float16")
    assert keras.mixed_precision.Policy(policy).name == policy


def test_cpu_flags_reads_the_flags_line(monkeypatch, tmp_path):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nmodel name\t: Some CPU\nflags\t\t: fpu avx2 avx512_bf16\n\n")
    monkeypatch.setattr(precision, "Path", lambda _: cpuinfo)
    assert precision._cpu_flags() == {"fpu", "avx2", "avx512_bf16"}
    monkeypatch.setattr(precision, "Path", lambda _: tmp_path / "missing")
    assert precision._cpu_flags() == frozenset()
