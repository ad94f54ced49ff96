# Sourced by every scripts/bench/*.sh: one way to build what a benchmark needs and to find its classpath.
#
# No offline or quiet tricks: Maven runs online-capable (it resolves whatever the local repository lacks) and its
# whole output goes to a log; on failure the log's last lines are printed with the reason and the script exits
# non-zero. The normal build copies each benchmarked module's test-scope jars to target/bench-lib (the
# maven-dependency-plugin execution "bench-lib" in the parent pom), so no classpath is ever asked of Maven.
#
# Environment:
#   DUPLEX_M2        a Maven local repository to use instead of ~/.m2/repository (-Dmaven.repo.local)
#   DUPLEX_MVN_ARGS  extra Maven arguments (for example -o once everything is resolved)
#   BENCH_NO_BUILD=1 skip the build (all.sh builds once for every benchmark)
BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

bench_die() { echo "$(basename "$0"): $*" >&2; exit 1; }

# bench_mvn ARGS...: Maven with the repository override, output to a log; prints the log's tail and exits on failure
bench_mvn() {
    command -v mvn >/dev/null || bench_die "mvn not found (install Maven, or run scripts/install-deps.sh as root)"
    local log; log=$(mktemp /tmp/duplex-bench-mvn.XXXXXX)
    local repo=()
    [ -n "${DUPLEX_M2:-}" ] && repo=(-Dmaven.repo.local="$DUPLEX_M2")
    # shellcheck disable=SC2086
    if ! (cd "$BENCH_ROOT" && mvn -B -ntp -Dstyle.color=never "${repo[@]}" ${DUPLEX_MVN_ARGS:-} "$@") >"$log" 2>&1; then
        echo "$(basename "$0"): Maven failed: mvn $* -- last lines of $log:" >&2
        grep -E '^\[ERROR\]' "$log" | head -12 >&2 || tail -n 20 "$log" >&2
        exit 1
    fi
    rm -f "$log"
}

# bench_build MODULE...: builds the modules and what they depend on (main and test classes, target/bench-lib)
bench_build() {
    [ -n "${BENCH_NO_BUILD:-}" ] && return 0
    local pl; pl=$(IFS=,; echo "$*")
    echo "$(basename "$0"): building $pl (mvn package -DskipTests)" >&2
    bench_mvn package -DskipTests -pl "$pl" -am
}

# bench_cp MODULE: classpath of a module's main + test classes and every test-scope dependency
bench_cp() {
    local m="$BENCH_ROOT/$1"
    [ -d "$m/target/test-classes" ] || bench_die "$1 is not built (no target/test-classes): run mvn install -DskipTests"
    [ -d "$m/target/bench-lib" ] || bench_die "$1 has no target/bench-lib: run mvn install -DskipTests (the bench-lib execution)"
    echo "$m/target/classes:$m/target/test-classes:$m/target/bench-lib/*"
}

bench_need_root() { [ "$(id -u)" -eq 0 ] || bench_die "needs root (network namespaces)"; }

bench_need_tools() {
    local t
    for t in "$@"; do command -v "$t" >/dev/null || bench_die "missing tool: $t (scripts/install-deps.sh installs it)"; done
}

# bench_dist: path of the distribution tar.gz; builds it (the whole reactor, tests skipped) when it is missing
# or BENCH_REBUILD=1
bench_dist() {
    local a; a=$(ls "$BENCH_ROOT"/karaf-assembly/target/duplex-karaf-assembly-*.tar.gz 2>/dev/null | head -1 || true)
    if [ -z "$a" ] || { [ -n "${BENCH_REBUILD:-}" ] && [ -z "${BENCH_NO_BUILD:-}" ]; }; then
        [ -z "${BENCH_NO_BUILD:-}" ] || [ -n "$a" ] || bench_die "no distribution in karaf-assembly/target (BENCH_NO_BUILD is set)"
        echo "$(basename "$0"): building the distribution (mvn install -DskipTests, a few minutes)" >&2
        bench_mvn install -DskipTests
        a=$(ls "$BENCH_ROOT"/karaf-assembly/target/duplex-karaf-assembly-*.tar.gz 2>/dev/null | head -1 || true)
        [ -n "$a" ] || bench_die "the build produced no karaf-assembly/target/duplex-karaf-assembly-*.tar.gz"
    fi
    echo "$a"
}
