package org.duplex.failover.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.duplex.api.agent.OcfStatus;
import org.duplex.api.agent.OperationResult;
import org.duplex.api.model.Resource;
import org.junit.jupiter.api.Test;

/** The shared "parse the parameters or answer ERR_CONFIGURED" preamble of the built-in agents. */
class ConfiguredTest {

    private static final Resource VIP = Resource.of("vip1", "vip", Map.of("ip", "10.0.0.9", "cidr", "x"));

    /** A parser as the agents write them: Params collects the problems, null when there are any. */
    private static Integer parse(Resource r, List<String> problems) {
        Params p = new Params(r);
        p.required("ip");
        p.required("interface");
        int cidr = p.integer("cidr", 24, 1, 32);
        problems.addAll(p.problems());
        return problems.isEmpty() ? cidr : null;
    }

    @Test
    void problemsGiveErrConfiguredNamingEveryOneAndTheOperationDoesNotRun() {
        AtomicBoolean ran = new AtomicBoolean();
        OperationResult r = Configured.run(VIP, ConfiguredTest::parse, (cidr, t0) -> {
            ran.set(true);
            return OperationResult.success("ran", Duration.ZERO);
        });
        assertThat(ran).isFalse();
        assertThat(r.status()).isEqualTo(OcfStatus.ERR_CONFIGURED);
        assertThat(r.reason()).isEqualTo("vip1: parameter 'interface' is required; "
                + "vip1: parameter 'cidr' must be a whole number, was 'x'");
        assertThat(r.elapsed().isNegative()).isFalse();
    }

    @Test
    void aProblemCountsEvenWhenTheParserReturnsAValue() {
        OperationResult r = Configured.run(VIP, (res, problems) -> {
            problems.add("vip1: something");
            return 42;
        }, (v, t0) -> OperationResult.success("ran", Duration.ZERO));
        assertThat(r.status()).isEqualTo(OcfStatus.ERR_CONFIGURED);
        assertThat(r.reason()).isEqualTo("vip1: something");
    }

    @Test
    void validParametersRunTheOperationWithTheParsedValueAndItsStartTime() throws Exception {
        Resource ok = Resource.of("vip1", "vip", Map.of("ip", "10.0.0.9", "interface", "eth0", "cidr", "16"));
        long before = System.nanoTime();
        OperationResult r = Configured.run(ok, ConfiguredTest::parse, (cidr, t0) -> {
            assertThat(t0).isGreaterThanOrEqualTo(before);
            if (cidr < 0) {
                throw new InterruptedException("never");
            }
            return OperationResult.of(OcfStatus.NOT_RUNNING, "/" + cidr, Configured.since(t0));
        });
        assertThat(r.status()).isEqualTo(OcfStatus.NOT_RUNNING);
        assertThat(r.reason()).isEqualTo("/16");
    }

    @Test
    void theOperationsExceptionsPassThrough() {
        Resource ok = Resource.of("vip1", "vip", Map.of("ip", "10.0.0.9", "interface", "eth0"));
        assertThatThrownBy(() -> Configured.run(ok, ConfiguredTest::parse, (cidr, t0) -> {
            throw new InterruptedException("stopped");
        })).isInstanceOf(InterruptedException.class).hasMessage("stopped");
    }

    @Test
    void problemsIsWhatValidateReturns() {
        assertThat(Configured.problems(VIP, ConfiguredTest::parse)).containsExactly(
                "vip1: parameter 'interface' is required", "vip1: parameter 'cidr' must be a whole number, was 'x'");
        assertThat(Configured.problems(Resource.of("vip1", "vip", Map.of("ip", "a", "interface", "b")),
                ConfiguredTest::parse)).isEmpty();
    }
}
