#!/usr/bin/env bash
# Contract checks for CI: buf lint, generated code up to date, no breaking change
# against the previous commit.
set -euo pipefail
cd "$(dirname "$0")/.."

npx buf lint

bash scripts/generate.sh   # gen/, sdk/typescript/src/gen, sdk/go/gen, sdk/python/gen, docs/openapi
generated=(gen sdk/typescript/src/gen docs/openapi sdk/go/gen sdk/python/gen)
if ! git diff --quiet --exit-code -- "${generated[@]}" || [ -n "$(git ls-files --others --exclude-standard "${generated[@]}")" ]; then
  echo "generated files are stale: run 'npm run generate' and commit the result" >&2
  git status --short "${generated[@]}" >&2
  exit 1
fi

# The previous commit's contracts, built with today's third-party protos
# (third_party/ is git-ignored, so a plain git input could not resolve imports).
if git rev-parse -q --verify HEAD~1 >/dev/null && git cat-file -e HEAD~1:proto 2>/dev/null; then
  previous=$(mktemp -d)
  trap 'rm -rf "$previous"' EXIT
  git archive HEAD~1 proto buf.yaml | tar -x -C "$previous"
  cp -r third_party "$previous/"
  (cd "$previous" && npx --prefix "$OLDPWD" buf build -o image.binpb)
  # Compare image to image: both sides then hold the same modules (ours and third_party).
  npx buf build -o "$previous/current.binpb"
  npx buf breaking "$previous/current.binpb" --against "$previous/image.binpb"
  echo "buf breaking: no breaking change against HEAD~1"
fi
