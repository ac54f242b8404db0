#!/usr/bin/env bash
# Refresh the typeface and icons vendored under src/pydotorg/static/vendor/ from npm (no CDN at run time).
#   Source Sans 3 (SIL Open Font License 1.1) from @fontsource/source-sans-3: latin, 400/600/700, woff2
#   Lucide icons (ISC) from lucide-static: only the icons the templates use (ICONS below)
# Usage: scripts/vendor_assets.sh   (needs npm; the result is committed)
set -euo pipefail
FONT_VERSION=5.3.1
ICON_VERSION=1.62.0
ICONS=(power download book-open briefcase triangle-alert calendar-days search newspaper users-round code)
repo="$(cd "$(dirname "$0")/.." && pwd)"
vendor="$repo/src/pydotorg/static/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack -q "@fontsource/source-sans-3@$FONT_VERSION" "lucide-static@$ICON_VERSION" >/dev/null
mkdir font icons
tar xzf "fontsource-source-sans-3-$FONT_VERSION.tgz" -C font
tar xzf "lucide-static-$ICON_VERSION.tgz" -C icons
rm -rf "$vendor/source-sans-3" "$vendor/lucide"
mkdir -p "$vendor/source-sans-3" "$vendor/lucide"
for weight in 400 600 700; do
  cp "font/package/files/source-sans-3-latin-$weight-normal.woff2" "$vendor/source-sans-3/"
done
cp font/package/LICENSE "$vendor/source-sans-3/LICENSE"
echo "@fontsource/source-sans-3 $FONT_VERSION (npm)" > "$vendor/source-sans-3/VERSION"
for icon in "${ICONS[@]}"; do
  cp "icons/package/icons/$icon.svg" "$vendor/lucide/"
done
cp icons/package/LICENSE "$vendor/lucide/LICENSE"
echo "lucide-static $ICON_VERSION (npm)" > "$vendor/lucide/VERSION"
echo "vendored into $vendor"
