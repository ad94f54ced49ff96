#!/bin/sh
# Creates plugins/NAME from the plug-in template and builds it (unit tests included) with one command:
#   scripts/new-plugin.sh NAME          e.g. scripts/new-plugin.sh disk
# NAME: lower case letters and digits (it becomes the monitor type, the package org.duplex.plugin.NAME, the
# artifact and feature duplex-plugin-NAME and the PID org.duplex.plugin.NAME). See docs/PLUGINS.md.
# Extra arguments go to Maven (e.g. -o, -Dmaven.repo.local=...). NO_BUILD=1 only creates the module.
set -eu
name=${1:-}
case "$name" in
  ''|*[!a-z0-9]*|[0-9]*) echo "usage: $0 NAME [maven args]   (NAME: lower-case letters and digits, e.g. disk)" >&2; exit 2 ;;
esac
shift
root=$(cd "$(dirname "$0")/.." && pwd)
src=$root/plugins/template
dst=$root/plugins/$name
[ -e "$dst" ] && { echo "$dst exists already" >&2; exit 1; }
Name=$(printf '%s' "$name" | cut -c1 | tr a-z A-Z)$(printf '%s' "$name" | cut -c2-)

mkdir -p "$dst"
(cd "$src" && find . -path ./target -prune -o -type f -print) | while read -r f; do
  to=$(printf '%s' "$f" | sed -e "s#/template/#/$name/#g" -e "s#org\.duplex\.plugin\.template#org.duplex.plugin.$name#g" \
        -e "s#Template#$Name#g")
  mkdir -p "$dst/$(dirname "$to")"
  sed -e "s#org\.duplex\.plugin\.template#org.duplex.plugin.$name#g" \
      -e "s#duplex-plugin-template#duplex-plugin-$name#g" \
      -e "s#Template#$Name#g" \
      -e "s#TYPE = \"template\"#TYPE = \"$name\"#" -e "s#'template'#'$name'#g" \
      -e "s#Plugin :: $Name#Plugin :: $Name#" \
      "$src/$f" > "$dst/$to"
done
# the reactor module (after the template's line, so parallel additions elsewhere merge cleanly)
grep -q "<module>$name</module>" "$root/plugins/pom.xml" || \
  sed -i "s#    <module>template</module>#    <module>template</module>\n    <module>$name</module>#" "$root/plugins/pom.xml"

echo "Created $dst (monitor type '$name', package org.duplex.plugin.$name, PID org.duplex.plugin.$name)."
if [ "${NO_BUILD:-}" != 1 ]; then
  (cd "$root" && mvn -B -ntp -q package -pl "plugins/$name" -am "$@")
  echo "Built $(ls "$dst"/target/duplex-plugin-"$name"-*.jar | grep -v sources)"
fi
cat <<MSG

Next (docs/PLUGINS.md, sections 4-7):
  1. write the check in $dst/src/main/java/org/duplex/plugin/$name (and its test)
  2. add the feature to features/src/main/feature/feature.xml:
  <feature name="duplex-plugin-$name" version="\${project.version}" description="Duplex plug-in: $name resource monitor">
    <feature prerequisite="true">scr</feature>
    <feature version="[\${duplex.api.since},\${project.version}]">duplex-api</feature>
    <configfile finalname="\${karaf.etc}/org.duplex.plugin.$name.cfg">mvn:org.duplex/duplex-plugin-$name/\${project.version}/cfg/configuration</configfile>
    <bundle start-level="90">mvn:org.duplex/duplex-plugin-$name/\${project.version}</bundle>
  </feature>
  3. a provided dependency on duplex-plugin-$name in features/pom.xml, and duplex-plugin-$name in
     karaf-assembly/pom.xml's installedFeatures
  4. on a running cluster: ha:plugin-install duplex-plugin-$name
MSG
