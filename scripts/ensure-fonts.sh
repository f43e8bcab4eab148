#!/usr/bin/env bash
# Noto Sans CJK (Debian's fonts-noto-cjk) for the periodic review's chart (bot/review/docs.py): matplotlib draws its
# Chinese labels with it, found by family name. Installed when missing; the chart falls back (and logs) without it.
set -euo pipefail

if fc-list 2>/dev/null | grep -qi "noto sans cjk"; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
echo "ensure-fonts: installing fonts-noto-cjk with apt-get" >&2
$SUDO apt-get update -q >/dev/null
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends fonts-noto-cjk >/dev/null
