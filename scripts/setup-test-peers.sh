#!/bin/sh
# Installs the Debian packages the tests drive as real peers: SoftHSM2 and OpenSC (a
# PKCS#11 token and its tool), Chromium (the console end to end) with a CJK font (so
# zh-CN renders), OpenSSL (the independent crypto peer), PyKMIP (a KMIP server), and CA
# certificates for npm. Uses sudo when not run as root. The list below is the one
# test/setup/test-peers.test.ts checks every tool a test spawns against.
set -eu

PACKAGES="softhsm2 opensc chromium fonts-noto-cjk openssl ca-certificates python3-pykmip"

if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
# shellcheck disable=SC2086 # the package list is meant to split into words
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $PACKAGES >/dev/null
