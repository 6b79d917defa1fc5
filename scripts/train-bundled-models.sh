#!/usr/bin/env bash
# Trains the pretrained models bundled under resources/models with the project's own CLI, so that
# anyone can reproduce them (same recipes, seeds and epochs). Takes a while on the wasm backend;
# EPOCHS_SCALE=0.2 trains shorter versions for a quick look. Name folders to train only those:
#   scripts/train-bundled-models.sh mnist-vae-2d mnist-ae-2d
set -euo pipefail
cd "$(dirname "$0")/.."
out=resources/models
# A run in progress lives in a dot-folder, which the model library does not list.
staging=$out/.training
scale=${EPOCHS_SCALE:-1}
wanted=" $* "
epochs() { python3 -c "import math; print(max(1, math.ceil($1 * $scale)))"; }

train() { # folder recipe dataset epochs
  local folder=$1 recipe=$2 dataset=$3 n
  [[ "$wanted" == "  " || "$wanted" == *" $folder "* ]] || return 0
  n=$(epochs "$4")
  echo "== $folder: $recipe on $dataset, $n epochs"
  rm -rf "${staging:?}/$folder"
  mkdir -p "$staging"
  node bin/latent-explorer.js train --recipe "$recipe" --dataset "$dataset" --epochs "$n" --seed 1 --out "$staging/$folder"
  rm -rf "${out:?}/$folder"
  mv "$staging/$folder" "$out/$folder"
  rmdir "$staging" 2>/dev/null || true
}

train mnist-vae-2d vae-mlp-2 mnist 10
train fashion-vae-2d vae-mlp-2 fashion-mnist 10
train mnist-ae-2d ae-mlp-2 mnist 10
train mnist-mae mae-mlp-mixed mnist 8
train fashion-mae mae-mlp-mixed fashion-mnist 8
train mnist-dae dae-mlp-8 mnist 10
train mnist-vqvae vqvae-conv mnist 10
train fashion-vqvae vqvae-conv fashion-mnist 6
