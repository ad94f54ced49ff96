package org.duplex.failover.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.duplex.api.model.ResourceId;
import org.duplex.failover.model.FailoverConfig;
import org.duplex.failover.model.MonitorBinding;
import org.junit.jupiter.api.Test;

/** The {@code monitor} line of the failover configuration: syntax, defaults, round trip, errors with their place. */
class MonitorConfigTextTest {

    private static final String BASE = """
            resource app type=process command=x
            group web resources=app nodes=node1,node2
            """;

    @Test
    void parsesBothScopesWithDefaultsAndWritesThemBack() {
        FailoverConfig c = ConfigText.parse(BASE + """
                monitor disk-var type=disk on=resource target=app interval=30s timeout=2s count=1 path=/var max-used=90
                monitor gw type=ping on=node target=web host="192.168.1.1"
                """);
        MonitorBinding disk = c.monitors().get(ResourceId.of("disk-var"));
        assertThat(disk).isEqualTo(new MonitorBinding(ResourceId.of("disk-var"), "disk", MonitorBinding.Scope.RESOURCE,
                ResourceId.of("app"), Duration.ofSeconds(30), Duration.ofSeconds(2), 1,
                Map.of("path", "/var", "max-used", "90")));
        MonitorBinding gw = c.monitors().get(ResourceId.of("gw"));
        assertThat(gw.on()).isEqualTo(MonitorBinding.Scope.NODE);
        assertThat(gw.interval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(gw.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(gw.count()).isEqualTo(3);
        assertThat(gw.group(c)).contains(ResourceId.of("web"));
        assertThat(disk.group(c)).contains(ResourceId.of("web"));

        String text = ConfigText.write(c);
        assertThat(text).contains("monitor disk-var type=disk on=resource target=app interval=30s timeout=2s count=1 "
                + "max-used=90 path=/var\n");
        assertThat(ConfigText.parse(text)).isEqualTo(c);
    }

    @Test
    void onFailRebootIsAnOnNodeOptionWrittenOnlyWhenSet() {
        FailoverConfig c = ConfigText.parse(BASE + """
                monitor ro type=readonly on=node target=web on-fail=reboot count=2 path=/
                monitor gw type=ping on=node target=web on-fail=ineligible host=h
                """);
        MonitorBinding ro = c.monitors().get(ResourceId.of("ro"));
        assertThat(ro.onFail()).isEqualTo(MonitorBinding.Reaction.REBOOT);
        assertThat(ro.reboots()).isTrue();
        assertThat(ro.params()).containsExactly(Map.entry("path", "/"));
        MonitorBinding gw = c.monitors().get(ResourceId.of("gw"));
        assertThat(gw.reboots()).isFalse();
        assertThat(gw).isEqualTo(new MonitorBinding(gw.id(), "ping", MonitorBinding.Scope.NODE, ResourceId.of("web"),
                gw.interval(), gw.timeout(), 3, Map.of("host", "h")));
        String text = ConfigText.write(c);
        assertThat(text).contains("monitor ro type=readonly on=node target=web interval=10s timeout=5s count=2 "
                + "on-fail=reboot path=/\n");
        assertThat(text).contains("monitor gw type=ping on=node target=web interval=10s timeout=5s count=3 host=h\n");
        assertThat(ConfigText.parse(text)).isEqualTo(c);

        assertError("monitor m type=disk on=resource target=app on-fail=reboot",
                "line 3: monitor m: on-fail needs on=node");
        assertError("monitor m type=ping on=node target=web on-fail=halt",
                "line 3: monitor m: on-fail: 'halt' is not one of ineligible, reboot");
        assertThatThrownBy(() -> new MonitorBinding(ResourceId.of("x"), "disk", MonitorBinding.Scope.RESOURCE,
                ResourceId.of("app"), Duration.ofSeconds(1), Duration.ofSeconds(1), 1, Map.of(),
                MonitorBinding.Reaction.REBOOT)).hasMessageContaining("on-fail=reboot needs on=node");
    }

    @Test
    void configurationsWithoutMonitorsReadAndWriteAsBefore() {
        FailoverConfig c = ConfigText.parse(BASE);
        assertThat(c.monitors()).isEmpty();
        assertThat(ConfigText.write(c)).doesNotContain("monitor ");
        assertThat(c).isEqualTo(new FailoverConfig(c.resources(), c.groups(), c.policies(), c.options()));
    }

    @Test
    void errorsNameTheLineTheMonitorAndWhatIsWrong() {
        assertError("monitor m on=node target=web", "line 3: monitor m needs type=<monitor type>");
        assertError("monitor m type=ping target=web", "line 3: monitor m needs on=resource");
        assertError("monitor m type=ping on=group target=web", "line 3: monitor m: on: 'group' is not resource or node");
        assertError("monitor m type=ping on=node", "line 3: monitor m needs target=<group>");
        assertError("monitor m type=ping on=node target=app",
                "line 3: monitor m: target app is not a group (on=node binds to a group)");
        assertError("monitor m type=ping on=resource target=web",
                "line 3: monitor m: target web is not a resource (on=resource binds to a resource)");
        assertError("monitor m type=ping on=node target=web interval=soon",
                "line 3: monitor m: interval: 'soon' is not a duration");
        assertError("monitor m type=ping on=node target=web interval=0",
                "line 3: monitor m: interval must be positive");
        assertError("monitor m type=ping on=node target=web timeout=0", "line 3: monitor m: timeout must be positive");
        assertError("monitor m type=ping on=node target=web count=0", "line 3: monitor m: count must be at least 1");
        assertError("monitor m type=ping on=node target=web count=three",
                "line 3: monitor m: count: 'three' is not a whole number");
        assertError("monitor m type=ping on=node target=web host", "line 3: monitor m: 'host' is not key=value");
        assertError("monitor m type=ping on=node target=web host=a host=b", "line 3: monitor m: key 'host' given twice");
        assertError("monitor bad/name type=ping on=node target=web", "line 3: invalid resource id 'bad/name'");
        assertError("monitor", "line 3: monitor needs a name");
        assertThatThrownBy(() -> ConfigText.parse(BASE + "monitor m type=ping on=node target=web\n"
                + "monitor m type=ping on=node target=web\n"))
                .hasMessage("line 4: monitor m is defined twice (first on line 3)");
    }

    @Test
    void aBoundTargetCannotBeRemovedUnderItsMonitor() {
        FailoverConfig c = ConfigText.parse(BASE + "monitor gw type=ping on=node target=web\n"
                + "monitor d type=disk on=resource target=app\n");
        assertThatThrownBy(() -> c.withoutGroup(ResourceId.of("web")))
                .hasMessage("group web has monitor gw bound to it: ha:monitor-remove gw first");
        FailoverConfig noGroup = c.withoutMonitor(ResourceId.of("gw")).withoutGroup(ResourceId.of("web"));
        assertThatThrownBy(() -> noGroup.withoutResource(ResourceId.of("app")))
                .hasMessage("resource app has monitor d bound to it: ha:monitor-remove d first");
        assertThatThrownBy(() -> c.withoutMonitor(ResourceId.of("nope"))).hasMessage("no monitor nope");
        assertThatThrownBy(() -> c.withMonitor(new MonitorBinding(ResourceId.of("x"), "ping",
                MonitorBinding.Scope.NODE, ResourceId.of("nogroup"), Duration.ofSeconds(1), Duration.ofSeconds(1), 1,
                Map.of()))).hasMessageContaining("monitor x is bound (on=node) to unknown group nogroup");
    }

    private static void assertError(String line, String message) {
        assertThatThrownBy(() -> ConfigText.parse(BASE + line + "\n")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message);
    }
}
