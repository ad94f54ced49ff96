package org.duplex.api.admin;

import java.util.List;

/**
 * A what-if question for the failover engine ({@code ha:simulate}): nothing is carried out and nothing is saved.
 *
 * @param failNodes     nodes to pretend died now (empty: none)
 * @param configuration a candidate failover configuration, as the JSON document {@link FailoverAdmin#configuration()}
 *                      returns (sections {@code resources}, {@code groups}, {@code monitors}, {@code policies}), to
 *                      plan with instead of the running one; null plans with the running configuration
 */
public record SimulationRequest(List<String> failNodes, String configuration) {

    public SimulationRequest {
        failNodes = failNodes == null ? List.of() : List.copyOf(failNodes);
    }
}
