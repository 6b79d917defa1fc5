#!/usr/bin/env bash
# Trains the pretrained models bundled under resources/models with the project's own CLI, so that
# anyone can reproduce them (same recipes, seeds and epochs). Takes a while on the wasm backend;
# EPOCHS_SCALE=0.2 trains shorter versions for a quick look. Name folders to train only those:
#   scripts/train-bundled-models.sh mnist-vae-2d mnist-ae-2d
set -euo pipefail
cd "$(dirname "$0")/.."
out=resources/models
scale=${EPOCHS_SCALE:-1}
epochs() { python3 -c "import math,sys; print(max(1, math.ceil($1 * $scale)))"; }

wanted=" $* "
train() { # folder recipe dataset epochs [extra flags]
  local folder=$1 recipe=$2 dataset=$3 n=$4
  shift 4
  [[ $# -eq 0 && "$wanted" != "  " && "$wanted" != *" $folder "* ]] && return 0
  echo "== $folder: $recipe on $dataset, $n epochs"
  rm -rf "$out/$folder.new"
  node bin/latent-explorer.js train --recipe "$recipe" --dataset "$dataset" --epochs "$n" --seed 1 --out "$out/$folder.new" "$@"
  rm -rf "$out/$folder"
  mv "$out/$folder.new" "$out/$folder"
  rm -f "$out/$folder/history.csv.tmp-"* 2>/dev/null || true
}

train mnist-vae-2d vae-mlp-2 mnist "$(epochs 10)"
train fashion-vae-2d vae-mlp-2 fashion-mnist "$(epochs 10)"
train mnist-ae-2d ae-mlp-2 mnist "$(epochs 10)"
train mnist-mae mae-mlp-mixed mnist "$(epochs 8)"
train fashion-mae mae-mlp-mixed fashion-mnist "$(epochs 8)"
train mnist-dae dae-mlp-8 mnist "$(epochs 10)"
train mnist-vqvae vqvae-conv mnist "$(epochs 10)"
train fashion-vqvae vqvae-conv fashion-mnist "$(epochs 10)"
