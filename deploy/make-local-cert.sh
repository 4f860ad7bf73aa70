#!/usr/bin/env bash
# A self-signed certificate for running the nginx configuration locally:
#   deploy/make-local-cert.sh [folder]   (default /etc/millet/tls)
set -euo pipefail
folder="${1:-/etc/millet/tls}"
mkdir -p "$folder"
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=boutique.millet.example" \
  -addext "subjectAltName=DNS:boutique.millet.example,DNS:localhost,IP:127.0.0.1" \
  -keyout "$folder/key.pem" -out "$folder/cert.pem" 2>/dev/null
chmod 600 "$folder/key.pem"
echo "certificate and key in $folder"
