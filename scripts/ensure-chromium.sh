#!/usr/bin/env bash
# Headless Chromium for the browser tests (tests/e2e_browser): Debian's chromium package, installed when missing.
# Playwright drives it through executable_path=/usr/bin/chromium; Playwright's own browser download is never used.
# A CJK font and an emoji font are installed too, so the screenshots' Chinese texts and emoji are readable.
set -euo pipefail

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
fc-list 2>/dev/null | grep -qi "wenquanyi\|noto sans cjk" || need+=(fonts-wqy-microhei)
fc-list 2>/dev/null | grep -qi "emoji" || need+=(fonts-noto-color-emoji)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
echo "ensure-chromium: installing ${need[*]} with apt-get" >&2
$SUDO apt-get update -q >/dev/null
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
