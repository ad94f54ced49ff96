package org.duplex.mirror.command;

import org.duplex.mirror.component.MirrorRegistry;

/**
 * What every ha:mirror-* command does around {@link MirrorCommands}: call one method for the node's volumes,
 * print its text and a line break, return nothing. Failures are thrown, never printed to System.err: Karaf
 * prints the message and {@code bin/client} exits non-zero.
 */
final class CommandSupport {

    /** One method of {@link MirrorCommands}, returning the text to print. */
    @FunctionalInterface
    interface Operation {
        String on(MirrorCommands commands) throws Exception;
    }

    /** A text computed without the registry ({@code ha:mirror-create} writes a configuration). */
    @FunctionalInterface
    interface Text {
        String get() throws Exception;
    }

    private CommandSupport() {
    }

    static Object println(MirrorRegistry registry, Operation operation) throws Exception {
        System.out.println(operation.on(new MirrorCommands(registry)));
        return null;
    }

    static Object println(Text text) throws Exception {
        System.out.println(text.get());
        return null;
    }
}
