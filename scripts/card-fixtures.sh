#!/usr/bin/env bash
# Regenerates test/fixtures/cards/: card data encrypted with openssl alone, as seed 000 says
# (AES-128-CTR for the card JSON, the AES key under RSA PKCS#1 v1.5), so lib/cards/crypto.ts is
# tested against an implementation that is not ours. Test keys only: never enrol them anywhere.
#   bash scripts/card-fixtures.sh
set -euo pipefail
cd "$(dirname "$0")/../test/fixtures/cards"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for bits in 2048 4096; do
  openssl genrsa -out "rsa-$bits.pem" "$bits" 2>/dev/null
  openssl rsa -in "rsa-$bits.pem" -pubout -out "rsa-$bits.pub.pem" 2>/dev/null
  cases=()
  for n in 1 2; do
    key=$(openssl rand -hex 16)
    iv=$(openssl rand -hex 16)
    pan=$([ "$n" = 1 ] && echo 4571736012345678 || echo 5355220098765436)
    printf '{"pan":"%s","expiry_date":"0%s/29","cvv":"%s"}' "$pan" "$n" "$((120 + n))" >"$work/card.json"
    pci=$(openssl enc -aes-128-ctr -K "$key" -iv "$iv" -in "$work/card.json" | base64 -w0)
    printf '%s' "$key" | xxd -r -p >"$work/aes.key"
    wrapped=$(openssl pkeyutl -encrypt -pubin -inkey "rsa-$bits.pub.pem" -pkeyopt rsa_padding_mode:pkcs1 \
      -in "$work/aes.key" | base64 -w0)
    iv64=$(printf '%s' "$iv" | xxd -r -p | base64 -w0)
    cases+=("$(printf '{"card":%s,"encrypted":{"pci_data":"%s","iv":"%s","aes_key":"%s"}}' \
      "$(cat "$work/card.json")" "$pci" "$iv64" "$wrapped")")
  done
  (IFS=,; printf '[%s]\n' "${cases[*]}") >"cards-$bits.json"
done
echo "wrote $(pwd)"
