package org.duplex.failover.fence;

import java.util.Locale;

/** What a fencing device is asked to do; the word is the first argument of an exec device's command. */
public enum FenceAction {
    /** Power the node off (or cut it off): the only action the engine uses. */
    OFF,
    /** Power it on again (operator only). */
    ON,
    /** Ask whether it is powered/connected: exit 0 = on, 1 = off, anything else = error. */
    STATUS,
    /** Power it off, confirm, and on again (operator only; ipmi: off, read back off, on, read back on). */
    CYCLE;

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static FenceAction parse(String text) {
        for (FenceAction a : values()) {
            if (a.word().equals(text == null ? "" : text.trim().toLowerCase(Locale.ROOT))) {
                return a;
            }
        }
        throw new IllegalArgumentException("fence action '" + text + "' is not one of off, on, status, cycle");
    }
}
