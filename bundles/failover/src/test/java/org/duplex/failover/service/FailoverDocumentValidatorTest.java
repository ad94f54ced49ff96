package org.duplex.failover.service;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FailoverDocumentValidatorTest {

    private final FailoverDocumentValidator validator = new FailoverDocumentValidator();

    @Test
    void aUsableDocumentHasNoProblems() {
        assertThat(validator.problems("""
                {"resources":[{"id":"vip","type":"vip","params":{"ip":"10.0.0.5","stop-timeout":"20s"}}],
                 "groups":[{"id":"web","resources":["vip"],"nodes":["node1","node2"]}]}""")).isEmpty();
    }

    @Test
    void aBadDurationIsNamed() {
        assertThat(validator.problems("""
                {"resources":[{"id":"vip","type":"vip","params":{"ip":"10.0.0.5","stop-timeout":"never"}}],
                 "groups":[{"id":"web","resources":["vip"],"nodes":["node1"]}]}""")).singleElement().asString()
                .startsWith("failover sections: ").contains("never");
    }
}
