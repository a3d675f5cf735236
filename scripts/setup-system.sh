#!/usr/bin/env bash
# Installs the Debian packages formkit needs. Idempotent: does nothing when all are present.
set -euo pipefail
PKGS=(tesseract-ocr tesseract-ocr-deu tesseract-ocr-eng poppler-utils ghostscript pdftk-java qpdf
      fonts-liberation2 fonts-dejavu-core fonts-dkg-handwriting fonts-breip fonts-femkeklaver
      chromium chromium-driver
      dovecot-imapd libgsf-bin openssl)  # tests only: a real IMAP server, OLE2 writer (.msg fixtures), test CA
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "Installiere Systempakete: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
# Installed services (dovecot) must not start system-wide: the tests start their own server on
# 127.0.0.1 and stop it. policy-rc.d tells Debian's maintainer scripts not to start anything.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
