#!/usr/bin/env bash
# Builds "N+1" from this source tree, for the upgrade test and for trying an upgrade by hand: a copy of the tree
# with the Maven version bumped, the cluster protocol level raised by one and next-protocol.patch applied (one
# deliberate protocol addition: a configuration field and a message type that N does not know, and a field in the
# mirror's HELLO at mirror protocol level 2).
#
#   scripts/upgrade/make-next.sh DEST [VERSION]     (default VERSION: the current one with the minor raised)
#
# Prints the path of N+1's offline KAR (what an operator copies to a node) on its last line. Maven runs as the main
# build does (every dependency is the same as N's, so nothing new is fetched); it installs N+1's artifacts into the
# local repository under their own version. Exits non-zero, saying why, when the patch no longer applies.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
dest=${1:?usage: make-next.sh DEST [VERSION]}
current=$(sed -n '0,/<artifactId>duplex-parent<\/artifactId>/d; s|.*<version>\(.*\)</version>.*|\1|p' "$src/pom.xml" | head -1)
[[ -n $current ]] || { echo "make-next: cannot read the version from $src/pom.xml" >&2; exit 2; }
if [[ $# -ge 2 ]]; then
    next=$2
else
    IFS=. read -r major minor _ <<<"${current%-SNAPSHOT}"
    next="$major.$((minor + 1)).0${current#"${current%-SNAPSHOT}"}"
fi
level=$(sed -n 's|.*<duplex.protocol.level>\([0-9]*\)</duplex.protocol.level>.*|\1|p' "$src/pom.xml")
[[ -n $level ]] || { echo "make-next: no duplex.protocol.level in $src/pom.xml" >&2; exit 2; }

rm -rf "$dest"
mkdir -p "$dest"
(cd "$src" && git ls-files -z --cached --others --exclude-standard) | (cd "$src" && xargs -0 cp --parents -t "$dest")
find "$dest" -name pom.xml -exec sed -i "s|<version>$current</version>|<version>$next</version>|" {} +
sed -i "s|<duplex.protocol.level>$level</duplex.protocol.level>|<duplex.protocol.level>$((level + 1))</duplex.protocol.level>|" \
    "$dest/pom.xml"
if [[ -s $here/next-protocol.patch ]]; then
    if ! (cd "$dest" && patch -p1 --forward --batch --quiet < "$here/next-protocol.patch"); then
        echo "make-next: scripts/upgrade/next-protocol.patch no longer applies to this tree: update it" >&2
        exit 3
    fi
fi
echo "make-next: building Duplex $next (protocol level $((level + 1))) from $current in $dest" >&2
(cd "$dest" && mvn -B -ntp -q install -DskipTests -pl '!itests,!karaf-assembly' >"$dest/build.log" 2>&1) || {
    tail -40 "$dest/build.log" >&2
    echo "make-next: the N+1 build failed (log: $dest/build.log)" >&2
    exit 4
}
ls "$dest/features/target/duplex-$next-offline.kar"
