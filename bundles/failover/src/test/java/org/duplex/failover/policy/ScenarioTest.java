package org.duplex.failover.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every scenario file under src/test/resources/scenarios: the engine's plan must match the expected actions
 * exactly, carry the expected reasons, end with the expected placement, and never start a group while it may
 * still run elsewhere. A bug in the engine becomes a new scenario file.
 */
class ScenarioTest {

    static Stream<Arguments> scenarios() throws IOException, URISyntaxException {
        Path root = Paths.get(ScenarioTest.class.getResource("/scenarios").toURI());
        List<Arguments> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(p -> p.toString().endsWith(".scn")).sorted().forEach(p ->
                    out.add(Arguments.of(root.relativize(p).toString(), p)));
        }
        assertThat(out).as("scenario files").hasSizeGreaterThan(10);
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void scenario(String name, Path file) throws IOException {
        Scenario sc = Scenario.parse(name, Files.readString(file, StandardCharsets.UTF_8));
        Plan plan = new PolicyEngine().plan(sc.snapshot());
        String rendered = name + ":\n" + plan.render();

        assertThat(plan.actions().stream().map(Action::summary).toList()).as(rendered)
                .containsExactlyElementsOf(sc.expectedActions());
        List<String> texts = new ArrayList<>(plan.actions().stream().map(Action::reason).toList());
        texts.addAll(plan.notes());
        for (String reason : sc.expectedReasons()) {
            assertThat(texts).as(rendered).anyMatch(t -> t.contains(reason));
        }
        assertThat(plan.actions()).as("every action carries the epoch").allMatch(a -> a.epoch().equals(
                sc.snapshot().quorum().epoch()));
        PlanSimulator.Outcome outcome = new PlanSimulator().apply(sc.snapshot(), plan);
        assertThat(outcome.violations()).as(rendered).isEmpty();
        sc.expectedPlacement().ifPresent(p -> assertThat(PlanSimulator.placementLine(outcome)).as(rendered)
                .isEqualTo(p));
        // the engine is a function: deciding again from the same input gives the same plan
        assertThat(new PolicyEngine().plan(sc.snapshot())).isEqualTo(plan);
    }
}
