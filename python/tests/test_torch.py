"""The PyTorch adapter: selection of weights, metadata, agreement with the core, bad input, and the same MLP
trained once in thermo and once in PyTorch from identical weights and batches."""
from __future__ import annotations

import json
import struct
from pathlib import Path

import h5py
import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="torch is not installed: the PyTorch adapter tests are skipped "
                                            "(pip install torch)")
from torch import nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from thermo_trace import Recorder, TraceClosedError, TraceExistsError  # noqa: E402
from thermo_trace.torch import select_weights, watch  # noqa: E402

from .fake_mnist import read_idx, write_fake_mnist  # noqa: E402


def mlp(widths=(784, 32, 16, 10)) -> nn.Module:
    layers: list[nn.Module] = [nn.Flatten()]
    for a, b in zip(widths[:-1], widths[1:]):
        layers += [nn.Linear(a, b), nn.ReLU()]
    return nn.Sequential(*layers[:-1])


def test_default_selection_is_every_linear_and_conv_weight_in_module_order():
    model = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 26 * 26, 10))
    assert list(select_weights(model)) == ["0.weight", "3.weight"]
    assert list(select_weights(model, ["3"])) == ["3.weight"]
    with pytest.raises(ValueError, match="names no parameter"):
        select_weights(model, ["fc9"])


def test_adapter_matches_the_core_on_the_same_gradients(tmp_path):
    torch.manual_seed(0)
    model = mlp()
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    x, y = torch.randn(4 * 32, 1, 28, 28), torch.randint(0, 10, (4 * 32,))
    core = Recorder(str(tmp_path / "core.h5"), layers=[(32, 784), (16, 32), (10, 16)], record="per-weight:every=1")
    with watch(model, tmp_path / "torch.h5", optimizer=opt, epochs=2, batch_size=32, seed=5,
               record="per-weight:every=1") as rec:
        for _ in range(2):
            for b in range(4):
                opt.zero_grad()
                loss = F.cross_entropy(model(x[b * 32:(b + 1) * 32]), y[b * 32:(b + 1) * 32])
                loss.backward()
                rec.step(loss=loss)
                core.step([p.grad.numpy().copy() for p in select_weights(model).values()], loss=float(loss.detach()),
                          learning_rate=0.05, batch_size=32)
                opt.step()
            rec.end_epoch(test_accuracy=0.1)
            core.end_epoch(test_accuracy=0.1, weights=[p.detach().numpy() for p in select_weights(model).values()])
    core.close()
    with h5py.File(tmp_path / "core.h5", "r") as a, h5py.File(tmp_path / "torch.h5", "r") as b:
        for group in ("steps", "epochs"):
            for name, ds in a[group].items():
                if ds.dtype.kind == "f" and "seconds" not in name:
                    np.testing.assert_allclose(b[group][name][:], ds[:], rtol=2e-4, atol=1e-12, err_msg=name)  # float32 reductions in torch
        np.testing.assert_array_equal(a["epochs/weight_temperature_histogram"][:].sum(axis=2),
                                      b["epochs/weight_temperature_histogram"][:].sum(axis=2))
        np.testing.assert_allclose(b["weights/layer_2/gradient_variance"][:], a["weights/layer_2/gradient_variance"][:],
                                   rtol=1e-4, atol=1e-12)
        configuration = json.loads(b.attrs["configuration"])
        assert configuration["seed"] == 5 and configuration["optimizer"]["class"] == "SGD"
        assert configuration["optimizer"]["param_groups"][0]["momentum"] == 0.9
        assert "Linear(in_features=784" in configuration["model"]
        assert b.attrs["torch_version"] == torch.__version__ and int(b.attrs["seed"]) == 5
        assert b["steps/learning_rate"][0] == 0.05 and b["steps/batch_size"][0] == 32


def test_adapter_bad_input(tmp_path):
    model = mlp()
    with pytest.raises(ValueError, match="names no parameter"):
        watch(model, tmp_path / "a.h5", layers=["nope"])
    assert not (tmp_path / "a.h5").exists()
    rec = watch(model, tmp_path / "b.h5")
    with pytest.raises(ValueError, match="no gradient"):
        rec.step()
    rec.close()
    with pytest.raises(TraceClosedError):
        rec.step()
    (tmp_path / "c.h5").write_bytes(b"keep me")
    with pytest.raises(TraceExistsError):
        watch(model, tmp_path / "c.h5")
    assert (tmp_path / "c.h5").read_bytes() == b"keep me"


def test_a_conv_net_is_recorded(thermo, tmp_path):
    model = nn.Sequential(nn.Conv2d(1, 4, 5, stride=2), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 12 * 12, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    with watch(model, tmp_path / "conv.h5", optimizer=opt, record="per-weight:every=1") as rec:
        for _ in range(2):
            for _ in range(3):
                opt.zero_grad()
                F.cross_entropy(model(torch.randn(8, 1, 28, 28)), torch.randint(0, 10, (8,))).backward()
                rec.step()
                opt.step()
            rec.end_epoch()
    with h5py.File(tmp_path / "conv.h5", "r") as f:
        assert f["epochs/fan_in"][:].tolist() == [25, 576] and f["epochs/fan_out"][:].tolist() == [4, 10]
        assert list(f.attrs["layer_labels"]) == ["conv1", "fc1"]
        assert f.attrs["layer_rows"].tolist() == [4, 10] and f.attrs["layer_columns"].tolist() == [25, 576]
        assert f["weights/layer_1/gradient_mean"].shape == (2, 4, 25)
    out = thermo.run("inspect", str(tmp_path / "conv.h5")).stdout
    assert "2 complete epochs" in out


def read_checkpoint(path: Path) -> np.ndarray:
    """The parameters W_1, b_1, ..., W_L, b_L of a thermo checkpoint (docs: Sources/Training/Checkpoint.swift)."""
    data = path.read_bytes()
    assert data[:8] == b"THRMCKPT"
    (h,) = struct.unpack("<Q", data[16:24])
    (n,) = struct.unpack("<Q", data[24 + h:32 + h])
    return np.frombuffer(data, dtype="<f4", count=n, offset=32 + h).copy()


def _model_from_checkpoint(checkpoint: Path, data: Path):
    """784→16→10 ReLU with the weights of a thermo checkpoint, and the fake MNIST training images (in [0, 1])."""
    theta = read_checkpoint(checkpoint)
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 16), nn.ReLU(), nn.Linear(16, 10))
    with torch.no_grad():
        offset = 0
        for p in (model[1].weight, model[1].bias, model[3].weight, model[3].bias):
            p.copy_(torch.from_numpy(theta[offset:offset + p.numel()].reshape(p.shape)))
            offset += p.numel()
    x = torch.from_numpy(read_idx(data / "mnist" / "train-images-idx3-ubyte.gz").astype(np.float32) / 255)
    y = torch.from_numpy(read_idx(data / "mnist" / "train-labels-idx1-ubyte.gz").astype(np.int64))
    return model, x, y


def _flat(model: nn.Module) -> np.ndarray:
    """The model's parameters in thermo's order (W_1, b_1, W_2, b_2, ...)."""
    return torch.cat([p.detach().reshape(-1) for p in model.parameters()]).numpy()


def test_the_same_mlp_in_thermo_and_pytorch_gives_the_same_statistics(thermo, tmp_path):
    """Identical weights (thermo's checkpoint after epoch 1) and batches (one full batch of all 256 images per
    epoch, whose mean gradient does not depend on the order): epochs 2 and 3 agree to float32 tolerance."""
    data = write_fake_mnist(tmp_path / "data", train=256, test=64)
    common = ["train", "--layers", "784,16,10", "--batch-size", "256", "--lr", "0.1", "--momentum", "0",
              "--pixels", "unit", "--quiet", "--checkpoint-every", "1"]
    env = {"THERMO_DATA": str(data)}
    thermo.run(*common, "--epochs", "1", "--checkpoint", str(tmp_path / "c1.ckpt"), env=env)
    thermo.run(*common, "--epochs", "3", "--checkpoint", str(tmp_path / "c3.ckpt"), "--trace",
               str(tmp_path / "thermo.h5"), "--record", "moments", env=env)
    model, x, y = _model_from_checkpoint(tmp_path / "c1.ckpt", data)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    with watch(model, tmp_path / "torch.h5", optimizer=opt, batch_size=256, record="moments") as rec:
        for _ in range(2):
            opt.zero_grad()
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            rec.step(loss=loss)
            opt.step()
            rec.end_epoch()
    np.testing.assert_allclose(_flat(model), read_checkpoint(tmp_path / "c3.ckpt"), rtol=1e-4, atol=1e-6)
    with h5py.File(tmp_path / "thermo.h5", "r") as a, h5py.File(tmp_path / "torch.h5", "r") as b:
        _assert_same_statistics(a, b, steps=slice(1, 3), rtol=1e-5,
                                epoch_names=("layer_signal", "gradient_norm_mean", "weight_norm", "mean_gradient_norm",
                                             "gradient_std_norm", "weight_temperature_mean"))
        np.testing.assert_array_equal(b["epochs/weight_temperature_histogram"][:],
                                      a["epochs/weight_temperature_histogram"][1:3])



def _assert_same_statistics(a, b, steps: slice, epoch_names, rtol: float, step_rtol: float = None) -> None:
    """The PyTorch trace b holds thermo's trace a's per-step rows `steps` and its epochs 2 and 3 (rows 1:3)."""
    for name in ("layer_signal", "gradient_norm", "cross_entropy", "loss"):
        np.testing.assert_allclose(b["steps"][name][:], a["steps"][name][steps], rtol=step_rtol or rtol, err_msg=name)
    for name in epoch_names:
        np.testing.assert_allclose(b["epochs"][name][:], a["epochs"][name][1:3], rtol=rtol, atol=1e-12, err_msg=name)

# thermo's data order, reproduced from its definition (Sources/NumericCore/RandomStream.swift): xoshiro256**
# seeded by SplitMix64 from (seed, purpose, index), Fisher–Yates with Lemire's unbiased bounded draws.
_M = (1 << 64) - 1


def _mix(z: int) -> int:
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _M
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _M
    return z ^ (z >> 31)


def _rotl(x: int, k: int) -> int:
    return ((x << k) | (x >> (64 - k))) & _M


class _ThermoStream:
    def __init__(self, seed: int, purpose: str, index: int) -> None:
        h = 0xCBF29CE484222325
        for byte in purpose.encode():
            h = ((h ^ byte) * 0x100000001B3) & _M
        sm = seed ^ _mix(h) ^ _mix((index + 0x9E3779B97F4A7C15) & _M)
        state = []
        for _ in range(4):
            sm = (sm + 0x9E3779B97F4A7C15) & _M
            state.append(_mix(sm))
        self.s = state if any(state) else [1, 0, 0, 0]

    def next(self) -> int:
        s0, s1, s2, s3 = self.s
        result = (_rotl((s1 * 5) & _M, 7) * 9) & _M
        t = (s1 << 17) & _M
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = _rotl(s3, 45)
        self.s = [s0, s1, s2, s3]
        return result

    def below(self, n: int) -> int:
        m = self.next() * n
        if (m & _M) < n:
            threshold = ((1 << 64) - n) % n
            while (m & _M) < threshold:
                m = self.next() * n
        return m >> 64

    def permutation(self, count: int) -> list[int]:
        p = list(range(count))
        for i in range(count - 1, 0, -1):
            j = self.below(i + 1)
            p[i], p[j] = p[j], p[i]
        return p


def test_the_same_mlp_with_thermos_batch_order_gives_the_same_statistics(thermo, tmp_path):
    """Identical weights (thermo's checkpoint after epoch 1) and identical batches (thermo's data order of each
    epoch, (seed, "data", epoch), reproduced here), four steps per epoch: the per-step and per-epoch statistics of
    epochs 2 and 3, the layer noise and temperature among them, agree to float32 tolerance."""
    data = write_fake_mnist(tmp_path / "data", train=256, test=64)
    common = ["train", "--layers", "784,16,10", "--batch-size", "64", "--lr", "0.05", "--momentum", "0",
              "--pixels", "unit", "--quiet", "--checkpoint-every", "1", "--seed", "7"]
    env = {"THERMO_DATA": str(data)}
    thermo.run(*common, "--epochs", "1", "--checkpoint", str(tmp_path / "c1.ckpt"), env=env)
    thermo.run(*common, "--epochs", "3", "--checkpoint", str(tmp_path / "c3.ckpt"), "--trace",
               str(tmp_path / "thermo.h5"), "--record", "moments", env=env)
    model, x, y = _model_from_checkpoint(tmp_path / "c1.ckpt", data)
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    with watch(model, tmp_path / "torch.h5", optimizer=opt, batch_size=64, record="moments") as rec:
        for epoch in (2, 3):
            order = _ThermoStream(7, "data", epoch).permutation(256)
            for step in range(4):
                rows = torch.tensor(order[64 * step:64 * (step + 1)])
                opt.zero_grad()
                loss = F.cross_entropy(model(x[rows]), y[rows])
                loss.backward()
                rec.step(loss=loss)
                opt.step()
            rec.end_epoch()
    np.testing.assert_allclose(_flat(model), read_checkpoint(tmp_path / "c3.ckpt"), rtol=1e-4, atol=1e-6)
    with h5py.File(tmp_path / "thermo.h5", "r") as a, h5py.File(tmp_path / "torch.h5", "r") as b:
        _assert_same_statistics(a, b, steps=slice(4, 12), step_rtol=1e-4, rtol=1e-3,
                                epoch_names=("layer_signal", "layer_noise", "layer_temperature", "signal_to_noise",
                                             "gradient_norm_mean", "weight_norm", "mean_gradient_norm",
                                             "gradient_std_norm", "weight_temperature_mean"))
