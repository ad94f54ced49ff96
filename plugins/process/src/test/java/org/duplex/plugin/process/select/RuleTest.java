package org.duplex.plugin.process.select;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;

class RuleTest {

    @Test
    void rulesInTheOrderOperatorsNumberThem() {
        List<String> problems = new ArrayList<>();
        List<Rule> rules = Rule.parse(Map.of("match.10", "pidfile:/run/app.pid", "match.2", "name:nginx", "min.2", "2",
                "max.2", "9", "match.web", "cmdline:java .*web\\.jar", "label.web", "web app", "match",
                "cgroup:system.slice/app.service", "min", "0"), problems);
        assertThat(problems).isEmpty();
        assertThat(rules).extracting(Rule::id).containsExactly("2", "10", "", "web");
        assertThat(rules.get(0)).isEqualTo(new Rule("2", new Selector.Name("nginx"), 2, OptionalInt.of(9), "nginx"));
        assertThat(rules.get(1)).isEqualTo(new Rule("10", new Selector.PidFile(Path.of("/run/app.pid")), 1,
                OptionalInt.empty(), "pidfile /run/app.pid"));
        assertThat(rules.get(2).label()).isEqualTo("cgroup system.slice/app.service");
        assertThat(rules.get(2).min()).isZero();
        assertThat(rules.get(3).label()).isEqualTo("web app");
    }

    @Test
    void everyProblemNamesItsParameter() {
        List<String> problems = new ArrayList<>();
        Rule.parse(Map.ofEntries(Map.entry("match.1", "proc:nginx"), Map.entry("match.2", "cmdline:foo("),
                Map.entry("match.3", "name:a"), Map.entry("min.3", "two"), Map.entry("match.4", "name:b"),
                Map.entry("min.4", "3"), Map.entry("max.4", "2"), Map.entry("match.5", "pidfile:/run/x.pid"),
                Map.entry("min.5", "2"), Map.entry("min.6", "1"), Map.entry("match.7", "pidfile:run/x.pid"),
                Map.entry("match.8", "cgroup:../etc"), Map.entry("match.9", "name:/usr/bin/x"),
                Map.entry("user.1", "root")), problems);
        assertThat(problems).containsExactly(
                "user.1: unknown parameter (process takes match.N, min.N, max.N and label.N, for example "
                        + "match.1=name:nginx min.1=2)",
                "match.1: 'proc:nginx' does not start with name:, cmdline:, pidfile: or cgroup: (for example "
                        + "name:nginx)",
                "match.2: 'foo(' is not a valid regular expression: Unclosed group",
                "min.3: 'two' is not a count (a whole number >= 0)",
                "max.4: 2 is below min.4 3",
                "min.5: 2 is more than a pid file can name (0 or 1)",
                "min.6: no match.6 (min.6, max.6 and label.6 belong to a match.6)",
                "match.7: 'pidfile:run/x.pid': pidfile: needs an absolute path (for example pidfile:/run/app.pid)",
                "match.8: 'cgroup:../etc': cgroup: needs a cgroup path, absolute or below the cgroup2 mount, "
                        + "without '..' (for example cgroup:system.slice/app.service)",
                "match.9: 'name:/usr/bin/x': name: needs a process name without '/' (for example name:nginx)");
        List<String> none = new ArrayList<>();
        assertThat(Rule.parse(Map.of(), none)).isEmpty();
        assertThat(none).containsExactly(
                "match: at least one selection is required (for example match.1=name:nginx min.1=2)");
    }
}
