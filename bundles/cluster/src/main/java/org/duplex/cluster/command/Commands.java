package org.duplex.cluster.command;

import java.time.Duration;

final class Commands {
    static final Duration CONFIRM = Duration.ofSeconds(5);

    private Commands() {
    }
}
